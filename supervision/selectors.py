"""Reads that carry a rule: what the public may see, what a department may change, search."""

import re
import unicodedata

from django.db.models import QuerySet

from core import uscc
from core.search import name_matches
from supervision.models import MarketEntity

# Fields of an entity that any public page, the public API or a public export may show.
# ID numbers and phone numbers are confidential (DOMAIN §5).
PUBLIC_ENTITY_FIELDS = (
    "id",
    "uscc",
    "name",
    "entity_type",
    "legal_representative",
    "registered_address",
    "region_code",
    "industry_code",
    "registered_capital",
    "established_on",
    "status",
)
USCC_PREFIX = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2,18}$")


def public_entities() -> QuerySet:
    """Entities as the public sees them: only public columns are loaded."""
    return MarketEntity.objects.only(*PUBLIC_ENTITY_FIELDS)


def entity_search(query: str, queryset: QuerySet | None = None) -> QuerySet:
    """Search by exact USCC, USCC prefix or name substring (DESIGN.md: bigram tsvector + LIKE).

    A query made only of USCC characters is tried as a code (exact when it is 18 long, else a
    prefix on the text_pattern_ops index); when that finds nothing it is tried as a name.
    """
    qs = queryset if queryset is not None else public_entities()
    text = uscc.normalize(query)
    if not text:
        return qs.none()
    if USCC_PREFIX.match(text):
        by_code = qs.filter(uscc=text) if len(text) == 18 else qs.filter(uscc__startswith=text)
        if by_code.exists():
            return by_code
    return name_matches(qs, unicode_name(query))


def unicode_name(query: str) -> str:
    """Names are matched as written, after trimming and full-width folding."""

    return unicodedata.normalize("NFKC", query).strip()

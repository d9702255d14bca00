"""Reads that carry a rule: what the public may see, what a department may change, search."""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Collate

from core import uscc
from core.scoping import is_platform_admin
from core.search import NAME_CANDIDATE_CAP, in_order, name_candidates, relevance_key
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
    # Registration facts as the 国家企业信用信息公示系统 shows them (issue 18 §1.4), and the registered
    # English name: public registration data, no personal data.
    "name_en",
    "operating_from",
    "operating_to",
    "business_scope",
)
USCC_PREFIX = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2,18}$")


def public_entities() -> QuerySet:
    """Entities as the public sees them: only public columns are loaded."""
    return MarketEntity.objects.only(*PUBLIC_ENTITY_FIELDS)


def public_entity_detail() -> QuerySet:
    """Entities for their public page: the public columns and the name of the 登记机关 (a department,
    public like every department's name), in one query."""
    return MarketEntity.objects.select_related("registration_authority").only(
        *PUBLIC_ENTITY_FIELDS, "registration_authority__name"
    )


@dataclass
class EntitySearch:
    """What a search found: ``queryset`` (in display order), and for the page whether the name
    search stopped at its cap and whether a city-level code prefix took in its districts."""

    queryset: QuerySet
    kind: str = "name"  # "code" (exact USCC or prefix) or "name"
    capped: bool = False
    cap: int = NAME_CANDIDATE_CAP
    prefix: str = ""  # the code prefix actually matched, when broadened ("91410100" → "914101")
    ids: list | None = None  # a name search's candidates, in display order (at most cap + 1)


def code_prefix(text: str) -> str:
    """The prefix a USCC-shaped query matches. Positions 3–8 are the 登记管理机关行政区划码 (DOMAIN §1,
    GB/T 2260): a query ending at a city-level code (``91410100``: 410100, the city) also matches the
    codes of the districts under it (4101xx), as a citizen typing the city's code expects; a
    province-level code (``91410000``) takes in the whole province (41xxxx)."""
    if len(text) == 8 and text[2:8].isdigit() and text.endswith("00"):
        region = text[2:8]
        while len(region) > 2 and region.endswith("00"):
            region = region[:-2]
        return text[:2] + region
    return text


def entity_search_full(query: str, queryset: QuerySet | None = None) -> EntitySearch:
    """Search by exact USCC, USCC prefix or name (DESIGN.md: bigram tsvector + LIKE), bounded.

    A query made only of USCC characters is tried as a code (exact when it is 18 long, else a prefix
    in code order, both on the byte-ordered index ``entity_uscc_c_idx``); when that finds nothing it
    is tried as a name. A name search reads at most ``NAME_CANDIDATE_CAP + 1`` matches (issue 16 §2), in a fixed
    order: the exact name first, then names starting with the first word, shorter names, by name.
    """
    qs = queryset if queryset is not None else public_entities()
    text = uscc.normalize(query)
    if not text:
        return EntitySearch(qs.none())
    if USCC_PREFIX.match(text):
        prefix = text if len(text) == 18 else code_prefix(text)
        code_order = Collate("uscc", "C")
        # A prefix as a range of the byte-ordered key (the same rows for USCC characters): the planner
        # walks entity_uscc_c_idx in order and stops after a page. With LIKE it misjudged a district's
        # prefix as 1,000 rows and read all 64,775 from disk to sort them (1.4 s at 10,000,000 entities).
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        by_code = (
            qs.filter(uscc=text)
            if len(text) == 18
            else qs.alias(code=code_order).filter(code__gte=prefix, code__lt=after)
        )
        if by_code.exists():
            return EntitySearch(by_code.order_by(code_order), kind="code", prefix=prefix if prefix != text else "")
    name = unicode_name(query)
    found = name_candidates(qs, name, fields=("name", "uscc"), key=relevance_key(name))
    return EntitySearch(in_order(qs, found.ids), capped=found.capped, cap=found.cap, ids=found.ids)


def entity_search(query: str, queryset: QuerySet | None = None) -> QuerySet:
    """``entity_search_full(...).queryset``: for the admin and the filters."""
    return entity_search_full(query, queryset).queryset


def unicode_name(query: str) -> str:
    """Names are matched as written, after trimming and full-width folding."""

    return unicodedata.normalize("NFKC", query).strip()


def department_subtree_ids(department_id: int | None) -> list[int]:
    """The department and every department under it (issue 17: an official sees their subtree).
    One recursive query; a cycle in the tree stops at the first repeat."""
    if department_id is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE tree(id) AS (
                SELECT id FROM supervision_department WHERE id = %s
                UNION
                SELECT d.id FROM supervision_department d JOIN tree ON d.parent_id = tree.id
            )
            SELECT id FROM tree ORDER BY id
            """,
            [department_id],
        )
        return [row[0] for row in cursor.fetchall()]


def department_ancestor_ids(department_id: int | None) -> list[int]:
    """The departments above ``department_id`` (parent first), for "a parent department may press"."""
    if department_id is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE up(id, parent_id, depth) AS (
                SELECT id, parent_id, 0 FROM supervision_department WHERE id = %s
                UNION
                SELECT d.id, d.parent_id, up.depth + 1 FROM supervision_department d JOIN up ON d.id = up.parent_id
                WHERE up.depth < 50
            )
            SELECT id FROM up WHERE depth > 0 ORDER BY depth
            """,
            [department_id],
        )
        return [row[0] for row in cursor.fetchall()]


def may_press(user, department_id: int | None) -> bool:
    """Who may press a department with a 督办 (issue 17 §4): a platform administrator, or an official
    of a department above it; never the department itself. The one rule for the 督办 services and
    every page that offers the entry point."""
    if department_id is None:
        return False
    if is_platform_admin(user):
        return True
    own = getattr(user, "department_id", None)
    return own is not None and own != department_id and own in department_ancestor_ids(department_id)

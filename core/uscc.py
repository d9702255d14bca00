"""统一社会信用代码 (GB 32100-2015): normalisation, check character, validator, model field.

DOMAIN.md §1. Codes that fail the check but were registered by an administrator as verified
exceptions (early pilot codes) are accepted everywhere.
"""

import re
import unicodedata
import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import UsccException

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
# GB 32100-2015: W_i = 3^(i-1) mod 31
WEIGHTS = [pow(3, i, 31) for i in range(17)]
FORMAT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
# GB 11714 organisation code weights
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

REGISTRATION_AUTHORITIES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "市场监督管理",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}
# Position 2 under authority 9 (market regulation).
MARKET_ENTITY_TYPES = {"1": "enterprise", "2": "individual", "3": "cooperative"}


class UsccWarning(UserWarning):
    """A USCC that passes its own check but whose embedded organisation code does not."""


def normalize(value) -> str:
    """Trim, full-width → half-width (NFKC), upper-case."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip().upper()


def check_character(first17: str) -> str:
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_ok(org9: str) -> bool:
    """GB 11714: 8 body characters and a check character (10 → X, 11 → 0)."""

    def val(c):
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10

    try:
        total = sum(val(c) * w for c, w in zip(org9[:8], ORG_WEIGHTS, strict=True))
    except (TypeError, ValueError):
        return False
    check = 11 - total % 11
    expected = "X" if check == 10 else "0" if check == 11 else str(check)
    return org9[8] == expected


def problems(code: str) -> str | None:
    """The reason a normalised code is invalid, in the active language (Chinese unless a public reader chose
    English, issue 18 §2), or None if it is valid."""
    if len(code) != 18:
        return gettext("统一社会信用代码应为18位，“%(code)s”为%(n)s位。") % {"code": code, "n": len(code)}
    bad = [c for c in code[:17] if c not in ALPHABET]
    if bad:
        return gettext("统一社会信用代码“%(code)s”含有不允许的字符“%(char)s”（不使用 I、O、S、V、Z）。") % {
            "code": code,
            "char": bad[0],
        }
    if not FORMAT.match(code[:17] + "0"):
        return gettext("统一社会信用代码“%(code)s”第3至8位（登记管理机关行政区划码）应为数字。") % {"code": code}
    expected = check_character(code[:17])
    if code[17] != expected:
        return gettext("统一社会信用代码“%(code)s”校验位错误：第18位应为“%(expected)s”，而不是“%(got)s”。") % {
            "code": code,
            "expected": expected,
            "got": code[17],
        }
    return None


def is_verified_exception(code: str) -> bool:

    return UsccException.objects.filter(code=code, active=True).exists()


def validate_uscc(value) -> str:
    """Return the normalised code or raise ValidationError naming what is wrong."""
    code = normalize(value)
    reason = problems(code)
    if reason is not None:
        if len(code) == 18 and is_verified_exception(code):
            return code
        # The reason quotes the input: as a parameter, a '%' typed into it is never %-formatted.
        raise ValidationError("%(reason)s", code="invalid_uscc", params={"reason": reason, "value": code})
    if not org_code_ok(code[8:17]):
        warnings.warn(
            f"统一社会信用代码“{code}”中的组织机构代码（第9至17位）未通过 GB 11714 校验。", UsccWarning, stacklevel=2
        )
    return code


def is_valid(value) -> bool:
    try:
        validate_uscc(value)
    except ValidationError:
        return False
    return True


def entity_type_from_code(code: str) -> str:
    """Derive the entity type from positions 1–2 where the code says it; '' when unknown."""
    if len(code) < 2:
        return ""
    if code[0] == "9":
        return MARKET_ENTITY_TYPES.get(code[1], "")
    if code[0] == "5":
        return "social_org"
    if code[0] == "1":
        return "public_institution"
    return ""


class USCCFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return normalize(value) if value else value


class USCCField(models.CharField):
    """A USCC column: normalised on the way in, checked by validate_uscc."""

    description = _("统一社会信用代码")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        # Byte order: the btree then serves prefix LIKE and ORDER BY uscc (a database in a
        # C.UTF-8 or en_US collation cannot use the plain index for LIKE 'prefix%').
        kwargs.setdefault("db_collation", "C")
        kwargs.setdefault("verbose_name", _("统一社会信用代码"))
        super().__init__(*args, **kwargs)
        self.validators.append(validate_uscc)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 18:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return normalize(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalize(value) if value else value

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", USCCFormField)
        return super().formfield(**kwargs)

"""Cells and widgets of the roster import (``supervision.resources``): how each cell of a CSV/XLSX file is
read and checked (text, codes, USCCs, dates, decimals, booleans, choices by code or Chinese label,
departments, parent items, lists), and the region and industry code checks.

Errors are ``ValueError``s in Chinese; the resource reports them by column and spreadsheet row.
Header and label matching folds like every file import (``core.file_import.fold``).
"""

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets

from core import uscc
from core.file_import import fold
from supervision.models import Department, SupervisionItem

# --- cell values ---------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as trimmed text; Excel's whole-number floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def code_text(value) -> str:
    """A code cell: full-width → half-width (NFKC), trimmed. Names are never folded like this,
    because full-width brackets in Chinese names are correct as they are."""
    return unicodedata.normalize("NFKC", cell_text(value)).strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- widgets: a ValueError from clean() becomes that column's error in the row ------------------


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CodeWidget(TextWidget):
    """Codes (执法证号, 事项编码, 行政区划代码): half-width, trimmed, optionally upper-case."""

    def __init__(self, upper=False, **kwargs):
        super().__init__(**kwargs)
        self.upper = upper

    def clean(self, value, row=None, **kwargs):
        text = code_text(value)
        return text.upper() if self.upper else text


class UsccWidget(TextWidget):
    """Only normalises: it is also the import key, read before the row is validated."""

    def clean(self, value, row=None, **kwargs):
        return uscc.normalize(cell_text(value))


class DateWidget(widgets.Widget):
    FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.datetime):  # XLSX date cells
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = code_text(value)
        if not text:
            return None
        for fmt in self.FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(_("“%(value)s”不是有效的日期，应写作 2024-01-31 这样的“年-月-日”") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else value.isoformat()


class DecimalWidget(widgets.Widget):
    """A number; ``percent=True`` also reads "3%" as 0.03.

    Values come back with the column's ``places`` (100.5 → 100.5000, as the database returns it),
    so re-importing an unchanged value is no change for the audit trail. A value with more places
    is left as it is, for the model to refuse.
    """

    def __init__(self, places, percent=False, **kwargs):
        super().__init__(**kwargs)
        self.places = places
        self.percent = percent

    def _with_places(self, number: Decimal) -> Decimal:
        try:
            quantized = number.quantize(Decimal(1).scaleb(-self.places))
        except InvalidOperation:
            return number
        return quantized if quantized == number else number

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s”不是有效的数字") % {"value": value})
        if isinstance(value, int | Decimal):
            return self._with_places(Decimal(value))
        if isinstance(value, float):
            return self._with_places(Decimal(str(value)))
        text = code_text(value).replace(",", "")
        if not text:
            return None
        scale = 1
        if self.percent and text.endswith("%"):
            text, scale = text[:-1].strip(), 100
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(_("“%(value)s”不是有效的数字") % {"value": code_text(value)})
        return self._with_places(number / scale)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        return format(value.normalize(), "f")


class BooleanWidget(widgets.Widget):
    TRUE = frozenset({"是", "1", "true", "t", "y", "yes", "√", "✓", "在岗", "启用"})
    FALSE = frozenset({"否", "0", "false", "f", "n", "no", "×", "✗", "离岗", "停用"})

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = fold(cell_text(value))
        if not text:
            return None  # blank: keep the current value (or the model default for a new row)
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("“%(value)s”应填“是”或“否”") % {"value": cell_text(value)})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return _("是") if value else _("否")


class ChoiceWidget(widgets.Widget):
    """Accepts the Chinese label, the code, or either half of a label like “存续（在营）”; exports the label."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self._by_language: dict[str, dict] = {}

    def _aliases(self) -> dict:
        language = translation.get_language() or ""
        if language not in self._by_language:
            self._by_language[language] = self._build_aliases()
        return self._by_language[language]

    def _build_aliases(self) -> dict:
        found: dict[str, set] = {}
        for code, label in self.choices.choices:
            with translation.override("zh-hans"):
                names = {code, str(label)}
            names.add(str(label))
            for name in list(names):
                whole = re.fullmatch(r"(.+?)[（(](.+)[）)]", unicodedata.normalize("NFKC", name))
                if whole:
                    names.update(whole.groups())
            for name in names:
                found.setdefault(fold(name), set()).add(code)
        # A half-label shared by two choices is ambiguous, so it is not accepted.
        return {alias: codes.pop() for alias, codes in found.items() if len(codes) == 1}

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None  # blank: the model default, or derived (主体类型 from the USCC)
        code = self._aliases().get(fold(text))
        if code is None:
            allowed = "、".join(str(label) for _code, label in self.choices.choices)
            raise ValueError(_("“%(value)s”不是可选的值，可填：%(allowed)s") % {"value": text, "allowed": allowed})
        return code

    def render(self, value, obj=None, **kwargs):
        if value in (None, ""):
            return ""
        try:
            return str(self.choices(value).label)
        except ValueError:
            return str(value)


class DepartmentWidget(widgets.Widget):
    """A department by its code (简码, any case) or its full name; exported as the code."""

    def __init__(self, active_only=True, **kwargs):
        super().__init__(**kwargs)
        self.active_only = active_only
        self._cache: dict[str, Department | None] = {}

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        if text not in self._cache:
            self._cache[text] = (
                Department.objects.filter(code__iexact=code_text(text)).first()
                or Department.objects.filter(name=text).first()
            )
        department = self._cache[text]
        if department is None:
            raise ValueError(_("部门“%(value)s”不存在，请填写部门代码（如 ZZSJ）或部门全称") % {"value": text})
        if self.active_only and not department.active:
            raise ValueError(_("部门“%(name)s”已停用") % {"name": department.name})
        return department

    def render(self, value, obj=None, **kwargs):
        return value.code if value is not None else ""


class ParentItemWidget(widgets.Widget):
    """A 主项 by its catalogue code; it may be a row earlier in the same file."""

    def clean(self, value, row=None, **kwargs):
        code = code_text(value)
        if not code:
            return None
        parent = SupervisionItem.objects.filter(catalogue_code=code).first()
        if parent is None:
            raise ValueError(_("主项“%(code)s”不存在：主项须已在系统中，或在本文件中位于子项之前") % {"code": code})
        return parent

    def render(self, value, obj=None, **kwargs):
        return value.catalogue_code if value is not None else ""


class ListWidget(widgets.Widget):
    """专业领域: a list written as “食品安全、特种设备” (、 , ， ; ； or new lines)."""

    def clean(self, value, row=None, **kwargs):
        parts = (part.strip() for part in re.split(r"[、,，;；\n]+", cell_text(value)))
        return list(dict.fromkeys(part for part in parts if part))

    def render(self, value, obj=None, **kwargs):
        return "、".join(value or [])


# --- checks that name the column -----------------------------------------------------------------

# GB/T 2260: the first two digits are a province-level division.
PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42"}
    | {"43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"}
)
# GB/T 4754-2017: the 大类 (first two digits) that belong to each 门类 letter.
INDUSTRY_SECTIONS = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52), "G": (53, 60),
    "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72), "M": (73, 75), "N": (76, 79),
    "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90), "S": (91, 97), "T": (98, 98),
}  # fmt: skip


def region_code_problem(code: str) -> str | None:
    if not re.fullmatch(r"\d{6}", code):
        return _("行政区划代码“%(code)s”应为6位数字（GB/T 2260），如 410105") % {"code": code}
    if code[:2] not in PROVINCE_CODES:
        return _("行政区划代码“%(code)s”的前两位“%(prefix)s”不是省级行政区划代码") % {"code": code, "prefix": code[:2]}
    return None


def industry_code_problem(code: str) -> str | None:
    if not code:
        return None
    match = re.fullmatch(r"([A-T])(\d{2,4})?", code)
    if match is None:
        return _("行业代码“%(code)s”应为门类字母 A–T，或门类字母加2至4位数字（GB/T 4754-2017），如 F5211") % {
            "code": code
        }
    letter, digits = match.groups()
    low, high = INDUSTRY_SECTIONS[letter]
    if digits and not low <= int(digits[:2]) <= high:
        return _("行业代码“%(code)s”的大类“%(major)s”不属于门类 %(letter)s（%(low)02d–%(high)02d）") % {
            "code": code,
            "major": digits[:2],
            "letter": letter,
            "low": low,
            "high": high,
        }
    return None

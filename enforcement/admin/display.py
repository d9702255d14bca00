"""Display helpers shared by the enforcement admin: staff by name, codes by their Chinese labels,
amounts as "40,000.00 元" (the public pages' ``yuan``), dates as the admin shows them."""

from django.utils import timezone
from django.utils.html import format_html

from credit.choices import PenaltyType
from enforcement.templatetags.enforcement_public import yuan

# Staff by their name, codes by their Chinese labels, amounts as "40,000.00 元" (the public pages' ``yuan``),
# dates as 2026年11月22日 (as the admin shows 登记时间), an empty value as the admin's empty_value_display.


def person(user) -> str:
    """A member of staff by full name, else by login name ("" for none)."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def penalty_labels(kinds) -> str:
    """["fine", "warning"] → "罚款、警告"."""
    labels = dict(PenaltyType.choices)
    return "、".join(str(labels.get(k, k)) for k in kinds or ())


def amount_range(low, high) -> str:
    """100000, 130000 → "100,000.00–130,000.00 元"."""
    return f"{yuan(low).removesuffix(' 元')}–{yuan(high)}"


def empty(model_admin) -> str:
    return model_admin.get_empty_value_display()


def nowrap(text):
    """A list cell kept on one line (a 受理编号 or a date broken over two lines is hard to read)."""
    return format_html('<span style="white-space:nowrap">{}</span>', text)


def local_time(value) -> str:
    """A moment as 2026-11-22 09:30 in local time ("" for none)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def standard_range_text(standard) -> str:
    """A benchmark's three ranges, its basis and what the heavier circumstance may add, as one sentence."""
    kinds = "、".join(str(PenaltyType(k).label) for k in standard.heavy_penalty_types)
    return (
        f"裁量基准 {standard.code}“{standard.violation_type}”（处罚依据：{standard.penalty_basis}）："
        f"从轻 {amount_range(standard.lighter_min, standard.lighter_max)}；一般 {amount_range(standard.general_min, standard.general_max)}；"
        f"从重 {amount_range(standard.heavier_min, standard.heavier_max)}{f'，从重可并处：{kinds}' if kinds else ''}。"
    )

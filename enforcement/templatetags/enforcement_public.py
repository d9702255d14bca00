"""Display filters for the public enforcement pages (penalty list, detail, 曝光台, entity section)."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    """40000 → "40,000.00 元": grouped like the 行政处罚决定书 PDF (``documents._amount``), so a
    six-figure fine reads at a glance; an empty amount shows "—"."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return f"{format(amount, ',f')} 元"

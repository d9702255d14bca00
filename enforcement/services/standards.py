"""Discretion benchmarks (自由裁量基准): checking benchmark rows, importing them all or nothing, and the
version of a benchmark in force on a day."""

import datetime as dt
from decimal import Decimal
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit
from core.scoping import is_platform_admin
from credit.services import RecordErrors, parse_date, parse_penalty_types
from enforcement.choices import Circumstance
from enforcement.models import DiscretionStandard

# --- discretion benchmarks (自由裁量基准) -------------------------------------------------------------
# Imported from XLSX/CSV (enforcement/imports.py) or entered one at a time in the admin; both go through
# ``discretion_standards_import``: every row is checked first and the file is saved whole or not at all.

STANDARD_FIELDS = {
    "code": "编号",
    "violation_type": "违法行为",
    "violation_basis": "违法依据",
    "penalty_basis": "处罚依据",
    "lighter_min": "从轻下限",
    "lighter_max": "从轻上限",
    "general_min": "一般下限",
    "general_max": "一般上限",
    "heavier_min": "从重下限",
    "heavier_max": "从重上限",
    "heavy_penalty_types": "从重可并处处罚种类",
    "effective_from": "生效日期",
}
STANDARD_REQUIRED = tuple(f for f in STANDARD_FIELDS if f != "heavy_penalty_types")
STANDARD_AMOUNTS = ("lighter_min", "lighter_max", "general_min", "general_max", "heavier_min", "heavier_max")
STANDARD_MAX_LENGTH = {"code": 32, "violation_type": 300}
MAX_STANDARD_ROWS = 2000


def _standard_row(raw, index: int, errors) -> dict | None:
    before = len(errors.items)
    data = {}
    for name in STANDARD_FIELDS:
        value = raw.get(name) if isinstance(raw, dict) else None
        data[name] = "" if value is None else (value.strip() if isinstance(value, str) else value)
    for name in STANDARD_REQUIRED:
        if data[name] in ("", None):
            errors.add(index, name, "必填", "required")
    for name, limit in STANDARD_MAX_LENGTH.items():
        if len(str(data[name])) > limit:
            errors.add(index, name, f"不能超过{limit}个字符")
    for name in STANDARD_AMOUNTS:
        if data[name] in ("", None):
            continue
        try:
            amount = Decimal(str(data[name]).replace(",", "").replace("，", ""))
            if (
                not amount.is_finite()
                or amount < 0
                or amount != amount.quantize(Decimal("0.01"))
                or amount >= Decimal("1e12")
            ):
                raise ArithmeticError
            data[name] = amount
        except ArithmeticError:
            errors.add(index, name, f"“{data[name]}”不是有效的金额：应为不小于0、最多两位小数的元数，如 50000")
    for circumstance in Circumstance.values:
        low, high = data[f"{circumstance}_min"], data[f"{circumstance}_max"]
        if isinstance(low, Decimal) and isinstance(high, Decimal) and high < low:
            errors.add(index, f"{circumstance}_max", f"{high}元小于{STANDARD_FIELDS[f'{circumstance}_min']}{low}元")
    # The ranges go up with the circumstance: 从轻 ≤ 一般 ≤ 从重 (at both ends).
    for end in ("min", "max"):
        values = [(c, data[f"{c}_{end}"]) for c in Circumstance.values]
        if all(isinstance(v, Decimal) for _c, v in values):
            for (c1, v1), (c2, v2) in pairwise(values):
                if v2 < v1:
                    errors.add(
                        index,
                        f"{c2}_{end}",
                        f"{v2}元低于{STANDARD_FIELDS[f'{c1}_{end}']}{v1}元（从轻、一般、从重的幅度应依次递增）",
                    )
    if data["effective_from"] not in ("", None):
        day = parse_date(data["effective_from"])
        if day is None:
            errors.add(index, "effective_from", f"“{data['effective_from']}”格式无效，应为 YYYY-MM-DD")
        data["effective_from"] = day
    data["heavy_penalty_types"] = parse_penalty_types(data["heavy_penalty_types"] or None, index, errors)
    for item in errors.items[before:]:
        if item["attr"] == "penalty_types":
            item["attr"] = "heavy_penalty_types"
    return None if len(errors.items) > before else data


def clean_standards(raws, numbers=None) -> tuple[list[dict], list]:
    """Check benchmark rows (codes or Chinese labels for penalty types). Returns the cleaned rows and
    the problems, each ``{"index", "attr", "detail"}`` with a 0-based index; ``numbers`` are the rows'
    spreadsheet row numbers (default: the header is 第1行 and no row is blank)."""

    numbers = numbers or [i + 2 for i in range(len(raws or []))]

    errors = RecordErrors()
    if not raws:
        errors.add(None, None, "没有数据行")
        return [], errors.items
    if len(raws) > MAX_STANDARD_ROWS:
        errors.add(None, None, f"一次最多导入 {MAX_STANDARD_ROWS} 行，本次 {len(raws)} 行")
        return [], errors.items
    cleaned, seen = [], {}
    for i, raw in enumerate(raws):
        data = _standard_row(raw, i, errors)
        if data is None:
            continue
        if str(data["code"]).startswith("示例"):  # the template's example row (issue 11), never a real benchmark
            errors.add(
                i, "code", f"“{data['code']}”是导入模板的示例行，不是真实的裁量基准：请删除该行后再导入", "example_row"
            )
            continue
        key = (data["code"], data["effective_from"])
        if key in seen:
            errors.add(
                i,
                "code",
                f"编号“{data['code']}”（{data['effective_from']} 生效）与第{numbers[seen[key]]}行重复",
                "unique",
            )
            continue
        seen[key] = i
        cleaned.append(data)
    return cleaned, errors.items


def standard_error_line(row: int | None, attr: str | None, detail: str) -> str:
    """“第N行：字段：说明”, N being the spreadsheet row (the header is 第1行)."""
    label = STANDARD_FIELDS.get(attr)
    text = f"{label}：{detail}" if label else detail
    return f"第{row}行：{text}" if row is not None else f"文件：{text}"


def _row_numbers(rows) -> tuple[list[dict], list[int]]:
    """``rows`` are field dicts, or ``{"row": N, "data": {...}}`` as the file import gives them."""
    datas, numbers = [], []
    for i, r in enumerate(rows or []):
        if isinstance(r, dict) and "data" in r and isinstance(r["data"], dict):
            datas.append(r["data"])
            numbers.append(r.get("row") or i + 2)
        else:
            datas.append(r)
            numbers.append(i + 2)
    return datas, numbers


@transaction.atomic
def discretion_standards_import(*, actor, department, rows) -> dict:
    """Create or update benchmarks of ``department`` by (编号, 生效日期), all or nothing. A refusal is a
    ValidationError of “第N行：字段：说明” lines. A newer version of a code ends the previous one the
    day before it takes effect. Returns ``{"created", "updated", "unchanged"}``."""

    if (
        getattr(actor, "is_authenticated", False)
        and not is_platform_admin(actor)
        and actor.department_id != department.pk
    ):
        raise ValidationError("只能导入本部门的裁量基准")
    datas, numbers = _row_numbers(rows)
    cleaned, problems = clean_standards(datas, numbers)
    if problems:
        raise ValidationError(
            [
                standard_error_line(numbers[p["index"]] if p["index"] is not None else None, p["attr"], p["detail"])
                for p in problems
            ]
        )
    existing = {
        (s.code, s.effective_from): s
        for s in DiscretionStandard.objects.select_for_update().filter(
            department=department, code__in={d["code"] for d in cleaned}
        )
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    compared = [f for f in STANDARD_FIELDS if f not in ("code", "effective_from")]
    for data in cleaned:
        standard = existing.get((data["code"], data["effective_from"]))
        if standard is None:
            standard = DiscretionStandard.objects.create(department=department, **data)
            existing[(standard.code, standard.effective_from)] = standard
            counts["created"] += 1
        elif any(getattr(standard, f) != data[f] for f in compared):
            for f in compared:
                setattr(standard, f, data[f])
            standard.save(update_fields=compared)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    # Versions of a code follow each other: each ends the day before the next takes effect.
    codes = {d["code"] for d in cleaned}
    versions = list(
        DiscretionStandard.objects.select_for_update()
        .filter(department=department, code__in=codes)
        .order_by("code", "effective_from")
    )
    for current, following in pairwise(versions):
        if current.code == following.code and (
            current.effective_to is None or current.effective_to >= following.effective_from
        ):
            current.effective_to = following.effective_from - dt.timedelta(days=1)
            current.save(update_fields=["effective_to"])
    audit.record(
        actor=actor,
        action="discretion_standard.import",
        target=department,
        target_label=f"{department.name} 自由裁量基准",
        after={**counts, "codes": sorted(codes)},
    )
    return counts


def standard_in_force(department, code: str, day: dt.date):
    """The version of a benchmark in force on ``day`` (None when there is none)."""

    return (
        DiscretionStandard.objects.filter(department=department, code=code, effective_from__lte=day)
        .exclude(effective_to__lt=day)
        .order_by("-effective_from")
        .first()
    )

"""The annual report (企业年度报告, issue 14 §3): its window, its shapes, filing and correcting it, and what is public.

- 《企业信息公示暂行条例》第八条: the previous year's report is filed between 1 January and 30 June.
  Filing later is still allowed (补报) and is marked late; the nightly scan (``credit.annual_report_rules``)
  proposes 经营异常名录 for a report missing after 30 June.
- 第九条: the report's content; 第（一）至（六）项 are public, 第（七）项 (从业人数, assets, liabilities, guarantees,
  equity, revenue, profit, tax) only if the entity chooses (``assets_public``).
- Individual businesses (个体工商户) file the shorter form of 《个体工商户年度报告暂行办法》第五条; its 生产经营信息
  is public only if they choose (第六条).
- Corrections are allowed until 30 June of the filing year; each one is kept and published with its date.

A filed report sends ``supervision.signals.annual_report_filed`` inside the transaction, so credit can
raise the list-exit application without supervision importing credit.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core import audit
from supervision.choices import EntityStatus, EntityType
from supervision.models import MarketEntity
from supervision.models_reports import AnnualReport, AnnualReportKind, OperatingStatus
from supervision.signals import annual_report_filed

# 《企业信息公示暂行条例》第八条: 每年1月1日至6月30日 报送上一年度年度报告 (month, day)
FILING_OPENS = (1, 1)  # 1 January
FILING_DEADLINE = (6, 30)  # 30 June
# How many past years the entity side offers for 补报 besides the due one.
BACKFILL_YEARS = 3
# Who files: enterprises (条例第八条), individual businesses (个体工商户年度报告暂行办法) and 农民专业合作社
# (农民专业合作社年度报告公示暂行办法, filed here on the enterprise form). Social organisations and public
# institutions report elsewhere.
REPORTING_TYPES = (EntityType.ENTERPRISE, EntityType.INDIVIDUAL, EntityType.COOPERATIVE)
OWING_STATUSES = (EntityStatus.ACTIVE, EntityStatus.SUSPENDED)


def filing_opens_on(year: int) -> dt.date:
    """The first day the report for ``year`` may be filed: 1 January of the next year."""
    return dt.date(year + 1, *FILING_OPENS)


def filing_deadline(year: int) -> dt.date:
    """The last day to file the report for ``year`` on time (and to correct it): 30 June of the next year."""
    return dt.date(year + 1, *FILING_DEADLINE)


def due_year(today: dt.date) -> int:
    """The year whose report is due in ``today``'s filing season: the previous year."""
    return today.year - 1


def is_late(year: int, on: dt.date) -> bool:
    return on > filing_deadline(year)


def report_kind(entity: MarketEntity) -> str:
    """个体工商户 file the short form; every other reporting entity the enterprise form."""
    return AnnualReportKind.INDIVIDUAL if entity.entity_type == EntityType.INDIVIDUAL else AnnualReportKind.ENTERPRISE


def must_report(entity: MarketEntity, year: int) -> bool:
    """Whether ``entity`` owes a report for ``year``: a reporting type, still registered, existing before the year ended."""
    return (
        entity.entity_type in REPORTING_TYPES
        and entity.status in OWING_STATUSES
        and (entity.established_on is None or entity.established_on <= dt.date(year, 12, 31))
    )


def open_years(entity: MarketEntity, today: dt.date | None = None) -> list[int]:
    """The years the entity may file now (the due year first, then earlier ones for 补报), unfiled."""
    today = today or timezone.localdate()
    first = due_year(today)
    years = [y for y in range(first, first - BACKFILL_YEARS - 1, -1) if must_report(entity, y)]
    filed = set(AnnualReport.objects.filter(entity=entity, year__in=years).values_list("year", flat=True))
    return [y for y in years if y not in filed]


def correction_open(report: AnnualReport, today: dt.date | None = None) -> bool:
    return (today or timezone.localdate()) <= filing_deadline(report.year)


# --- shapes ---------------------------------------------------------------------------------------

TEXT, MONEY, DATE, PERCENT = "text", "money", "date", "percent"

# Each structured list: its columns (key, Chinese label, type, required), in the order the form takes them.
LIST_SHAPES: dict[str, list[tuple[str, str, str, bool]]] = {
    "websites": [
        ("kind", "类型（网站或网店）", TEXT, True),
        ("name", "名称", TEXT, True),
        ("url", "网址", TEXT, True),
    ],
    "capital": [
        ("shareholder", "股东（发起人）", TEXT, True),
        ("subscribed", "认缴出资额（万元）", MONEY, True),
        ("subscribed_on", "认缴出资时间", DATE, True),
        ("subscribed_form", "认缴出资方式", TEXT, True),
        ("paid_in", "实缴出资额（万元）", MONEY, True),
        ("paid_in_on", "实缴出资时间", DATE, False),
        ("paid_in_form", "实缴出资方式", TEXT, False),
    ],
    "equity_transfers": [
        ("shareholder", "股东", TEXT, True),
        ("before_pct", "变更前股权比例（%）", PERCENT, True),
        ("after_pct", "变更后股权比例（%）", PERCENT, True),
        ("changed_on", "股权变更日期", DATE, True),
    ],
    "investments": [
        ("name", "投资设立企业或购买股权企业名称", TEXT, True),
        ("uscc", "统一社会信用代码", TEXT, False),
    ],
    "licences": [
        ("name", "许可文件名称", TEXT, True),
        ("valid_to", "有效期至", DATE, False),
    ],
    "guarantees": [
        ("creditor", "债权人", TEXT, True),
        ("debtor", "债务人", TEXT, True),
        ("kind", "主债权种类", TEXT, True),
        ("amount", "主债权数额（万元）", MONEY, True),
        ("term", "履行债务的期限", TEXT, True),
        ("period", "保证的期间", TEXT, False),
        ("method", "保证的方式", TEXT, False),
    ],
}
WEBSITE_KINDS = ("网站", "网店")
SOCIAL_INSURANCE = [
    ("pension", "城镇职工基本养老保险"),
    ("unemployment", "失业保险"),
    ("medical", "职工基本医疗保险"),
    ("injury", "工伤保险"),
    ("maternity", "生育保险"),
]
MONEY_FIELDS = [
    "total_assets",
    "total_liabilities",
    "owners_equity",
    "revenue",
    "main_revenue",
    "total_profit",
    "net_profit",
    "tax_paid",
]
CONTACT_FIELDS = ["postal_address", "postal_code", "phone", "email", "operating_status"]
# What each kind files. 条例第九条 for enterprises; 个体工商户年度报告暂行办法第五条 for individual businesses.
FIELDS = {
    AnnualReportKind.ENTERPRISE: [
        *CONTACT_FIELDS,
        "websites",
        "capital",
        "equity_transfers",
        "investments",
        "employees",
        *MONEY_FIELDS,
        "guarantees",
        "social_insurance",
        "assets_public",
    ],
    AnnualReportKind.INDIVIDUAL: [
        *CONTACT_FIELDS,
        "websites",
        "licences",
        "employees",
        "revenue",
        "tax_paid",
        "assets_public",
    ],
}
# 条例第九条第（七）项 / 个体工商户年度报告暂行办法第六条: public only when the entity chooses.
CHOSEN_PUBLIC_FIELDS = {"employees", *MONEY_FIELDS, "guarantees"}
PERSONAL_CONTACT_FIELDS = {"phone", "email"}
REQUIRED = {"postal_address", "phone", "operating_status"}
PHONE_RE = re.compile(r"^[0-9+()\- ]{5,32}$")
POSTAL_CODE_RE = re.compile(r"^\d{6}$")


def field_label(name: str) -> str:
    if name == "revenue":
        return "营业总收入（万元）"
    return str(AnnualReport._meta.get_field(name).verbose_name)


def _decimal(value, label: str, *, percent=False) -> str:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label}须为数字") from None
    if not number.is_finite() or number < 0:
        raise ValidationError(f"{label}不能为负数")
    if percent and number > 100:
        raise ValidationError(f"{label}不能超过100")
    if number.as_tuple().exponent < -4:
        raise ValidationError(f"{label}最多保留4位小数")
    return str(number)


def _date(value, label: str) -> str:
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ValidationError(f"{label}须为日期，格式如 2025-03-01") from None


def clean_list(name: str, rows) -> list[dict]:
    """Validate one structured list; every value stored as text (decimals and ISO dates as strings)."""
    if not isinstance(rows, list):
        raise ValidationError({name: "格式有误"})
    shape, cleaned, errors = LIST_SHAPES[name], [], []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            errors.append(f"第{n}行格式有误")
            continue
        item = {}
        for key, label, kind, required in shape:
            value = str(row.get(key) or "").strip()
            if not value:
                if required:
                    errors.append(f"第{n}行：{label}为必填项")
                item[key] = ""
                continue
            try:
                if kind in (MONEY, PERCENT):
                    value = _decimal(value, label, percent=kind == PERCENT)
                elif kind == DATE:
                    value = _date(value, label)
                elif len(value) > 200:
                    raise ValidationError(f"{label}不能超过200字")
            except ValidationError as e:
                errors.append(f"第{n}行：{e.messages[0]}")
            item[key] = value
        if name == "websites" and item["kind"] and item["kind"] not in WEBSITE_KINDS:
            errors.append(f"第{n}行：类型只能是“网站”或“网店”")
        cleaned.append(item)
    if errors:
        raise ValidationError({name: errors})
    return cleaned


def clean_report(kind: str, data: dict) -> dict:
    """The report's values for ``kind``, validated; every problem at once, by field, in Chinese."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    for name in FIELDS[kind]:
        value = data.get(name)
        try:
            if name in LIST_SHAPES:
                cleaned[name] = clean_list(name, value or [])
            elif name == "social_insurance":
                cleaned[name] = {}
                for key, label in SOCIAL_INSURANCE:
                    count = (value or {}).get(key)
                    if count in (None, ""):
                        continue
                    if not str(count).strip().isdigit():
                        raise ValidationError(f"{label}参保人数须为非负整数")
                    cleaned[name][key] = int(count)
            elif name == "assets_public":
                cleaned[name] = bool(value)
            elif name == "employees":
                if value in (None, ""):
                    cleaned[name] = None
                elif not str(value).strip().isdigit():
                    raise ValidationError("从业人数须为非负整数")
                else:
                    cleaned[name] = int(value)
            elif name in MONEY_FIELDS:
                cleaned[name] = None if value in (None, "") else Decimal(_decimal(value, field_label(name)))
            else:
                text = str(value or "").strip()
                if name in REQUIRED and not text:
                    raise ValidationError(f"{field_label(name)}为必填项")
                if name == "phone" and text and not PHONE_RE.match(text):
                    raise ValidationError("联系电话格式有误")
                if name == "postal_code" and text and not POSTAL_CODE_RE.match(text):
                    raise ValidationError("邮政编码须为6位数字")
                if name == "email" and text and ("@" not in text or len(text) > 254):
                    raise ValidationError("电子邮箱格式有误")
                if name == "operating_status" and text not in OperatingStatus.values:
                    raise ValidationError("请选择存续状态（开业、歇业或清算）")
                cleaned[name] = text
        except ValidationError as e:
            messages = e.message_dict.get(name, e.messages) if hasattr(e, "error_dict") else e.messages
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_signed_money(value, label: str) -> Decimal | None:
    """Profits may be negative (a loss); everything else is non-negative (``_decimal``)."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label}须为数字") from None
    if not number.is_finite() or number.as_tuple().exponent < -4:
        raise ValidationError(f"{label}须为最多4位小数的数字")
    return number


# --- services -------------------------------------------------------------------------------------


def _prepare(kind: str, data: dict) -> dict:
    signed = {name: data.get(name) for name in ("total_profit", "net_profit")}
    cleaned = clean_report(kind, {**data, "total_profit": None, "net_profit": None})
    errors = {}
    if kind == AnnualReportKind.ENTERPRISE:
        for name, value in signed.items():
            try:
                cleaned[name] = clean_signed_money(value, field_label(name))
            except ValidationError as e:
                errors[name] = e.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def annual_report_file(
    *, actor, entity: MarketEntity, year: int, data: dict, filed_by: str = "", today: dt.date | None = None
) -> AnnualReport:
    """File ``entity``'s report for ``year``: from 1 January of the next year; after 30 June it is late (补报)."""
    today = today or timezone.localdate()
    entity = MarketEntity.objects.select_for_update().get(pk=entity.pk)
    if today < filing_opens_on(year):
        raise ValidationError({"year": f"{year}年度报告自 {filing_opens_on(year):%Y年%-m月%-d日} 起报送"})
    if not must_report(entity, year):
        if entity.entity_type not in REPORTING_TYPES or entity.status not in OWING_STATUSES:
            raise ValidationError({"year": "本主体的类型或登记状态无需报送年度报告"})
        raise ValidationError({"year": f"本主体成立于 {entity.established_on}，无需报送{year}年度报告"})
    if AnnualReport.objects.filter(entity=entity, year=year).exists():
        raise ValidationError({"year": f"{year}年度报告已报送；如需修改，请在 {filing_deadline(year)} 前更正"})
    kind = report_kind(entity)
    report = AnnualReport.objects.create(
        entity=entity,
        year=year,
        kind=kind,
        filed_at=timezone.now(),
        late=is_late(year, today),
        filed_by=filed_by[:100],
        **_prepare(kind, data),
    )
    audit.record(actor=actor, action="annual_report.file", target=report, after=audit.snapshot(report))
    annual_report_filed.send(sender=AnnualReport, report=report, actor=actor)
    return report


def _display(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "；".join(f"{label} {value[key]} 人" for key, label in SOCIAL_INSURANCE if key in value)
    if isinstance(value, list):
        return "；".join("，".join(str(v) for v in row.values() if v) for row in value)
    if isinstance(value, str) and value in OperatingStatus.values:
        return str(OperatingStatus(value).label)
    return "" if value is None else str(value)


@transaction.atomic
def annual_report_correct(*, actor, report: AnnualReport, data: dict, today: dt.date | None = None) -> AnnualReport:
    """Correct a filed report (更正), until 30 June of the filing year; the correction is kept with its date."""
    today = today or timezone.localdate()
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if not correction_open(report, today):
        raise ValidationError(f"{report.year}年度报告的更正期限为 {filing_deadline(report.year)}，已过期限，不能更正")
    cleaned = _prepare(report.kind, data)
    changes = []
    for name, value in cleaned.items():
        old = getattr(report, name)
        if old != value:
            changes.append(
                {"field": name, "label": field_label(name), "before": _display(old), "after": _display(value)}
            )
            setattr(report, name, value)
    if not changes:
        raise ValidationError("没有修改任何内容")
    before = audit.snapshot(report.__class__.objects.get(pk=report.pk))
    report.corrections = [*report.corrections, {"on": today.isoformat(), "changes": changes}]
    report.save(update_fields=[*(c["field"] for c in changes), "corrections", "updated_at"])
    audit.record(
        actor=actor, action="annual_report.correct", target=report, before=before, after=audit.snapshot(report)
    )
    return report


# --- reads ----------------------------------------------------------------------------------------


def public_view(report: AnnualReport, *, full: bool = False) -> dict:
    """What the public sees of a report: everything but, unless chosen public, the 第（七）项 figures;
    each correction with its date (values of the private figures left out). ``full``: the entity's own view."""
    hidden = set() if report.assets_public or full else set(CHOSEN_PUBLIC_FIELDS)
    if report.kind == AnnualReportKind.INDIVIDUAL and not full:
        # DESIGN.md quality bars: an individual business's phone and e-mail are a natural person's; never public.
        hidden |= PERSONAL_CONTACT_FIELDS
    rows = []
    for name in FIELDS[report.kind]:
        if name in hidden or name == "assets_public":
            continue
        value = getattr(report, name)
        if name in LIST_SHAPES:
            items = [
                "；".join(f"{label}：{row[key]}" for key, label, _kind, _required in LIST_SHAPES[name] if row.get(key))
                for row in value
            ]
            rows.append({"name": name, "label": field_label(name), "list": items, "columns": True})
        else:
            rows.append({"name": name, "label": field_label(name), "text": _display(value)})
    corrections = [
        {
            "on": dt.date.fromisoformat(c["on"]),
            "changes": [
                {**change, "before": "（未公示）", "after": "（未公示）"} if change["field"] in hidden else change
                for change in c["changes"]
            ],
        }
        for c in report.corrections
    ]
    return {
        "year": report.year,
        "kind": report.get_kind_display(),
        "filed_on": timezone.localtime(report.filed_at).date(),
        "late": report.late,
        "assets_public": report.assets_public or full,
        "figures_public": report.assets_public,
        "rows": rows,
        "corrections": corrections,
    }


class FilingState:
    FILED = "filed"
    FILED_LATE = "filed_late"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_OPEN = "not_open"
    LABELS = {
        "filed": gettext_lazy("已按期报送"),
        "filed_late": gettext_lazy("逾期补报"),
        "due": gettext_lazy("待报送"),
        "overdue": gettext_lazy("逾期未报送"),
        "not_open": gettext_lazy("未到报送期"),
    }


def filing_status(entity: MarketEntity, reports=None, today: dt.date | None = None) -> list[dict]:
    """Per year (the due year and the ``BACKFILL_YEARS`` before it, and any year filed): filed, late, or missing."""
    today = today or timezone.localdate()
    if reports is None:
        reports = list(AnnualReport.objects.filter(entity=entity).only("year", "filed_at", "late"))
    by_year = {r.year: r for r in reports}
    first = due_year(today)
    years = {y for y in range(first, first - BACKFILL_YEARS - 1, -1) if must_report(entity, y)} | set(by_year)
    rows = []
    for year in sorted(years, reverse=True):
        report = by_year.get(year)
        if report is not None:
            state = FilingState.FILED_LATE if report.late else FilingState.FILED
        elif today < filing_opens_on(year):
            state = FilingState.NOT_OPEN
        else:
            state = FilingState.OVERDUE if is_late(year, today) else FilingState.DUE
        rows.append(
            {
                "year": year,
                "filed_at": report.filed_at if report else None,
                "late": bool(report and report.late) or state == FilingState.OVERDUE,
                "state": state,
                "state_label": FilingState.LABELS[state],
                "deadline": filing_deadline(year),
                "report": report,
            }
        )
    return rows


def latest_report(uscc: str) -> AnnualReport | None:
    return AnnualReport.objects.filter(entity_id=uscc).order_by("-year").first()

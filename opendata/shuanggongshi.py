"""The national 双公示 field set (issue 15 §6): licences, penalties and the other administrative acts as rows
of the national data standard, for the export files and the outbound exchange.

**Source.** 国家公共信用信息中心《行政许可、行政处罚等信用信息数据标准（2021版）》, the "双公示" standard
in which departments report to 信用中国 and the provincial credit platforms.
- *Verified* (in the field lists of several provincial exchange systems built to it, found through the
  search tool; the standard's own PDF was not reachable): the column names and their codes
  (``CF_XDR_MC`` … ``CF_SJLYDM`` for penalties, ``XK_XDR_MC`` … ``XK_LYDWDM`` for licences, ``BZ``), their
  order; 行政相对人类别 takes one of 法人及非法人组织 / 自然人 / 个体工商户; 许可类别 one of 普通、特许、认可、
  核准、登记、其他; 法定代表人证件类型 one of 身份证、护照号、港澳居民来往内地通行证、台湾居民来往大陆通行证、
  外国人永久居留身份证 or "其他-…"; 行政许可决定文书号 falls back to the 许可编号; amounts are in 万元 with up to
  6 decimals; dates are written ``YYYY-MM-DD``; 当前状态 (``XK_ZT``) is "1" for a licence in force.
- *Inferred*: 处罚类别 carries the names of 行政处罚法 第9条 (our ``PenaltyType`` labels), several joined by
  ";"; 当前状态 "2" for a licence no longer in force; 处罚有效期 is the end of a time-limited restriction, or,
  for a decision without one, the end of its disclosure period. The 2021 standard covers 许可 and 处罚
  only: the other acts (行政强制、确认、征收、给付、裁决、补偿、奖励) use our own ``XW_*`` set built the same
  way (the provinces' social-credit data-element standards, e.g. 江苏 DB32/T 4040.5-2021, list these acts
  with the same party, document, content, date and authority elements).

**What we leave empty, and why.**
- 法定代表人证件类型/号码 and 证件类型/号码 (a natural person's ID): DOMAIN §5 — an ID number of a natural person
  never leaves the platform. The roster does hold the legal representative's ID number
  (``MarketEntity.legal_rep_id_number``, confidential), and these files go to government platforms, not the
  public; we still leave both columns empty, since the standard marks them optional (选填).
- 行政相对人代码_2/4/5/6 (registration numbers of the pre-USCC era), 许可类别, 许可证书名称, 许可编号, 有效期至 and
  暂扣或吊销证照名称及编号: no field of ours holds them (the push API has none). 行政相对人代码_3 (组织机构代码)
  is positions 9–17 of the USCC (GB 32100-2015).

Every row comes from one set-based query per kind (``licence_queryset`` / ``penalty_queryset`` /
``act_queryset``), read in chunks; free text is passed through ``core.redaction`` on the way out,
so a phone number typed into a pushed record's content never reaches a file.
"""

import csv
import datetime as dt
import io
import json
import tempfile
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from core import audit
from core.redaction import redact_text
from credit.choices import OTHER_ACT_CATEGORIES, PenaltyType, RecordCategory, RecordState
from credit.selectors import shareable_records
from enforcement.choices import DisclosureState
from enforcement.models import PenaltyDisclosure
from supervision.choices import EntityType
from supervision.models import MarketEntity

STANDARD = "行政许可、行政处罚等信用信息数据标准（2021版）"
CHUNK = 2000  # rows fetched per round trip while streaming


class Kind:
    LICENCE = "licence"
    PENALTY = "penalty"
    ACT = "act"


KIND_CHOICES = [(Kind.PENALTY, _("行政处罚")), (Kind.LICENCE, _("行政许可")), (Kind.ACT, _("其他行政行为"))]
KINDS = [k for k, _label in KIND_CHOICES]


@dataclass(frozen=True)
class Field:
    code: str
    label: str
    required: bool = False
    numeric: bool = False


def _party_fields(p: str) -> list[Field]:
    return [
        Field(f"{p}_XDR_MC", "行政相对人名称", True),
        Field(f"{p}_XDR_LB", "行政相对人类别", True),
        Field(f"{p}_XDR_SHXYM", "行政相对人代码_1（统一社会信用代码）", True),
        Field(f"{p}_XDR_GSZC", "行政相对人代码_2（工商注册号）"),
        Field(f"{p}_XDR_ZZJG", "行政相对人代码_3（组织机构代码）"),
        Field(f"{p}_XDR_SWDJ", "行政相对人代码_4（税务登记号）"),
        Field(f"{p}_XDR_SYDW", "行政相对人代码_5（事业单位证书号）"),
        Field(f"{p}_XDR_SHZZ", "行政相对人代码_6（社会组织登记证号）"),
        Field(f"{p}_FRDB", "法定代表人"),
        Field(f"{p}_FR_ZJLX", "法定代表人证件类型"),
        Field(f"{p}_FR_ZJHM", "法定代表人证件号码"),
        Field(f"{p}_XDR_ZJLX", "证件类型"),
        Field(f"{p}_XDR_ZJHM", "证件号码"),
    ]


PENALTY_FIELDS = [
    *_party_fields("CF"),
    Field("CF_WSH", "行政处罚决定书文号", True),
    Field("CF_WFXW", "违法行为类型", True),
    Field("CF_SY", "违法事实", True),
    Field("CF_YJ", "处罚依据", True),
    Field("CF_CFLB", "处罚类别", True),
    Field("CF_NR", "处罚内容", True),
    Field("CF_NR_FK", "罚款金额（万元）", numeric=True),
    Field("CF_NR_WFFF", "没收违法所得、没收非法财物的金额（万元）", numeric=True),
    Field("CF_NR_ZKDX", "暂扣或吊销证照名称及编号"),
    Field("CF_JDRQ", "处罚决定日期", True),
    Field("CF_YXQ", "处罚有效期", True),
    Field("CF_GSJZQ", "公示截止期"),
    Field("CF_CFJG", "处罚机关", True),
    Field("CF_CFJGDM", "处罚机关统一社会信用代码", True),
    Field("CF_SJLY", "数据来源单位", True),
    Field("CF_SJLYDM", "数据来源单位统一社会信用代码", True),
    Field("BZ", "备注"),
]
LICENCE_FIELDS = [
    *_party_fields("XK"),
    Field("XK_XKWS", "行政许可决定文书名称", True),
    Field("XK_WSH", "行政许可决定文书号", True),
    Field("XK_XKLB", "许可类别", True),
    Field("XK_XKZS", "许可证书名称"),
    Field("XK_XKBH", "许可编号"),
    Field("XK_NR", "许可内容", True),
    Field("XK_JDRQ", "许可决定日期", True),
    Field("XK_YXQZ", "有效期自", True),
    Field("XK_YXQZI", "有效期至", True),
    Field("XK_XKJG", "许可机关", True),
    Field("XK_XKJGDM", "许可机关统一社会信用代码", True),
    Field("XK_ZT", "当前状态", True),
    Field("XK_LYDW", "数据来源单位", True),
    Field("XK_LYDWDM", "数据来源单位统一社会信用代码", True),
    Field("BZ", "备注"),
]
# Our own set for the other acts (see the module's note): the licence set's shape, with the act's kind.
ACT_FIELDS = [
    Field("XW_XDR_MC", "行政相对人名称", True),
    Field("XW_XDR_LB", "行政相对人类别", True),
    Field("XW_XDR_SHXYM", "行政相对人代码_1（统一社会信用代码）", True),
    Field("XW_XDR_ZZJG", "行政相对人代码_3（组织机构代码）"),
    Field("XW_FRDB", "法定代表人"),
    Field("XW_FR_ZJHM", "法定代表人证件号码"),
    Field("XW_XWLB", "行为类别", True),
    Field("XW_WSH", "决定文书号", True),
    Field("XW_MC", "决定文书名称", True),
    Field("XW_NR", "行为内容", True),
    Field("XW_YJ", "依据"),
    Field("XW_JE", "金额（万元）", numeric=True),
    Field("XW_JDRQ", "决定日期", True),
    Field("XW_GSJZQ", "公示截止期"),
    Field("XW_SSJG", "实施机关", True),
    Field("XW_SSJGDM", "实施机关统一社会信用代码", True),
    Field("XW_SJLY", "数据来源单位", True),
    Field("XW_SJLYDM", "数据来源单位统一社会信用代码", True),
    Field("BZ", "备注"),
]
FIELDS = {Kind.PENALTY: PENALTY_FIELDS, Kind.LICENCE: LICENCE_FIELDS, Kind.ACT: ACT_FIELDS}

# --- type codes ------------------------------------------------------------------------------------

PARTY_ORGANISATION = "法人及非法人组织"
PARTY_INDIVIDUAL_BUSINESS = "个体工商户"
PARTY_NATURAL_PERSON = "自然人"
# Every party here is keyed by a USCC, so none is a bare natural person: 个体工商户 are, the rest are organisations.
PARTY_CATEGORY = {t.value: PARTY_ORGANISATION for t in EntityType} | {
    EntityType.INDIVIDUAL.value: PARTY_INDIVIDUAL_BUSINESS
}
# 行政处罚法 第9条 names; the standard's 处罚类别 takes the same words.
PENALTY_CATEGORY = {t.value: str(t.label) for t in PenaltyType}
PENALTY_CATEGORY_SEPARATOR = ";"
LICENCE_IN_FORCE = "1"
LICENCE_NOT_IN_FORCE = "2"
ACT_CATEGORIES = [c.value for c in OTHER_ACT_CATEGORIES]
ACT_CATEGORY_LABEL = {c.value: str(c.label) for c in OTHER_ACT_CATEGORIES}
TEN_THOUSAND = Decimal(10000)


def party_category(entity_type: str | None, uscc: str) -> str:
    """行政相对人类别 from the roster's entity type; for a code not (yet) in the roster, from the USCC itself
    (GB 32100-2015: "92" is a 个体工商户 registered by market regulation)."""
    if entity_type:
        return PARTY_CATEGORY.get(entity_type, PARTY_ORGANISATION)
    return PARTY_INDIVIDUAL_BUSINESS if uscc[:2] == "92" else PARTY_ORGANISATION


def org_code(uscc: str) -> str:
    """组织机构代码: positions 9–17 of an 18-character USCC (GB 32100-2015)."""
    return uscc[8:17] if len(uscc) == 18 else ""


def wan_yuan(amount) -> str:
    """Yuan → 万元, up to 6 decimals, without trailing zeros ("50000.00" → "5")."""
    if amount is None:
        return ""
    value = (Decimal(amount) / TEN_THOUSAND).quantize(Decimal("0.000001"))
    text = format(value.normalize(), "f")
    return "0" if text in ("0", "-0") else text


def day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def clean(text: str, keep: tuple[str, ...]) -> str:
    return redact_text(text or "", keep=keep)


# --- querysets (set-based, one query per kind) ------------------------------------------------------


def _roster(column: str) -> Subquery:
    # A correlated lookup on the unique USCC index: a LEFT JOIN in effect, so a record about a code
    # that is not in the roster yet is still exported (API.md: never dropped).
    return Subquery(MarketEntity.objects.filter(uscc=OuterRef("entity_id")).values(column)[:1])


def _window(qs: QuerySet, department, date_from, date_to) -> QuerySet:
    if department is not None:
        qs = qs.filter(department=department)
    if date_from is not None:
        qs = qs.filter(decided_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(decided_on__lte=date_to)
    return qs


def penalty_queryset(*, department=None, date_from=None, date_to=None) -> QuerySet:
    """Published penalty summaries (双公示), own decisions and pushed penalties alike, decided in the range.
    Withdrawn, not-public, repaired and early-stopped ones are not in a file (they go as withdrawals in the
    exchange)."""
    qs = PenaltyDisclosure.objects.filter(state=DisclosureState.PUBLISHED)
    return penalty_values(_window(qs, department, date_from, date_to))


def penalty_values(qs: QuerySet) -> QuerySet:
    return (
        qs.annotate(
            entity_type=_roster("entity_type"),
            legal_rep=_roster("legal_representative"),
            dept_name=F("department__name"),
            dept_uscc=F("department__uscc"),
            restriction_ends_on=F("decision__restriction_ends_on"),
            record_restriction_ends_on=F("credit_record__restriction_ends_on"),
        )
        .values(
            "id",
            "entity_id",
            "party_name",
            "legal_representative",
            "number",
            "violation_type",
            "facts",
            "legal_basis",
            "penalty_types",
            "penalty_content",
            "fine_amount",
            "confiscation_amount",
            "decided_on",
            "publicity_ends_on",
            "state",
            "withdraw_reason",
            "department_id",
            "entity_type",
            "legal_rep",
            "dept_name",
            "dept_uscc",
            "restriction_ends_on",
            "record_restriction_ends_on",
        )
        .order_by("decided_on", "id")
    )


def record_values(qs: QuerySet) -> QuerySet:
    return (
        qs.annotate(
            entity_type=_roster("entity_type"),
            entity_name=_roster("name"),
            legal_rep=_roster("legal_representative"),
            dept_name=F("department__name"),
            dept_uscc=F("department__uscc"),
        )
        .values(
            "id",
            "entity_id",
            "category",
            "source_ref",
            "title",
            "content",
            "legal_basis",
            "amount",
            "decided_on",
            "publicity_ends_on",
            "state",
            "state_reason",
            "department_id",
            "entity_type",
            "entity_name",
            "legal_rep",
            "dept_name",
            "dept_uscc",
        )
        .order_by("decided_on", "id")
    )


def licence_queryset(*, department=None, date_from=None, date_to=None) -> QuerySet:
    """行政许可 records other systems may read (``credit.selectors.shareable_records``), decided in the range."""
    qs = shareable_records().filter(category=RecordCategory.LICENCE)
    return record_values(_window(qs, department, date_from, date_to))


def act_queryset(*, department=None, date_from=None, date_to=None) -> QuerySet:
    """行政强制、确认、征收、给付、裁决、补偿、奖励 records other systems may read, decided in the range."""
    qs = shareable_records().filter(category__in=ACT_CATEGORIES)
    return record_values(_window(qs, department, date_from, date_to))


QUERYSETS = {Kind.PENALTY: penalty_queryset, Kind.LICENCE: licence_queryset, Kind.ACT: act_queryset}


def queryset(kind: str, **window) -> QuerySet:
    return QUERYSETS[kind](**window)


# --- rows ----------------------------------------------------------------------------------------


def penalty_row(v: dict) -> dict:
    uscc, number, dept_uscc = v["entity_id"], v["number"], v["dept_uscc"]
    keep = (uscc, number, dept_uscc)
    restriction = v["restriction_ends_on"] or v["record_restriction_ends_on"]
    return {
        "CF_XDR_MC": v["party_name"],
        "CF_XDR_LB": party_category(v["entity_type"], uscc),
        "CF_XDR_SHXYM": uscc,
        "CF_XDR_GSZC": "",
        "CF_XDR_ZZJG": org_code(uscc),
        "CF_XDR_SWDJ": "",
        "CF_XDR_SYDW": "",
        "CF_XDR_SHZZ": "",
        # A pushed penalty's summary has no legal representative of its own: the roster's is the public one.
        "CF_FRDB": v["legal_representative"] or v["legal_rep"] or "",
        "CF_FR_ZJLX": "",
        "CF_FR_ZJHM": "",  # DOMAIN §5: never (see the module's note)
        "CF_XDR_ZJLX": "",
        "CF_XDR_ZJHM": "",
        "CF_WSH": number,
        "CF_WFXW": clean(v["violation_type"], keep),
        "CF_SY": clean(v["facts"], keep),
        "CF_YJ": clean(v["legal_basis"], keep),
        "CF_CFLB": PENALTY_CATEGORY_SEPARATOR.join(PENALTY_CATEGORY.get(t, t) for t in v["penalty_types"] or []),
        "CF_NR": clean(v["penalty_content"], keep),
        "CF_NR_FK": wan_yuan(v["fine_amount"]),
        "CF_NR_WFFF": wan_yuan(v["confiscation_amount"]),
        "CF_NR_ZKDX": "",
        "CF_JDRQ": day(v["decided_on"]),
        "CF_YXQ": day(restriction or v["publicity_ends_on"]),
        "CF_GSJZQ": day(v["publicity_ends_on"]),
        "CF_CFJG": v["dept_name"],
        "CF_CFJGDM": dept_uscc,
        "CF_SJLY": v["dept_name"],
        "CF_SJLYDM": dept_uscc,
        "BZ": "",
    }


def licence_row(v: dict) -> dict:
    uscc, ref, dept_uscc = v["entity_id"], v["source_ref"], v["dept_uscc"]
    keep = (uscc, ref, dept_uscc)
    in_force = v["state"] == RecordState.ACTIVE
    return {
        "XK_XDR_MC": v["entity_name"] or "",
        "XK_XDR_LB": party_category(v["entity_type"], uscc),
        "XK_XDR_SHXYM": uscc,
        "XK_XDR_GSZC": "",
        "XK_XDR_ZZJG": org_code(uscc),
        "XK_XDR_SWDJ": "",
        "XK_XDR_SYDW": "",
        "XK_XDR_SHZZ": "",
        "XK_FRDB": v["legal_rep"] or "",
        "XK_FR_ZJLX": "",
        "XK_FR_ZJHM": "",  # DOMAIN §5: never (see the module's note)
        "XK_XDR_ZJLX": "",
        "XK_XDR_ZJHM": "",
        "XK_XKWS": clean(v["title"], keep),
        "XK_WSH": ref,
        "XK_XKLB": "",  # not held: the push API has no licence category
        "XK_XKZS": "",
        "XK_XKBH": "",
        "XK_NR": clean(v["content"] or v["title"], keep),
        "XK_JDRQ": day(v["decided_on"]),
        "XK_YXQZ": day(v["decided_on"]),  # inferred: in force from its decision unless the record says otherwise
        "XK_YXQZI": "",
        "XK_XKJG": v["dept_name"],
        "XK_XKJGDM": dept_uscc,
        "XK_ZT": LICENCE_IN_FORCE if in_force else LICENCE_NOT_IN_FORCE,
        "XK_LYDW": v["dept_name"],
        "XK_LYDWDM": dept_uscc,
        "BZ": "",
    }


def act_row(v: dict) -> dict:
    uscc, ref, dept_uscc = v["entity_id"], v["source_ref"], v["dept_uscc"]
    keep = (uscc, ref, dept_uscc)
    return {
        "XW_XDR_MC": v["entity_name"] or "",
        "XW_XDR_LB": party_category(v["entity_type"], uscc),
        "XW_XDR_SHXYM": uscc,
        "XW_XDR_ZZJG": org_code(uscc),
        "XW_FRDB": v["legal_rep"] or "",
        "XW_FR_ZJHM": "",  # DOMAIN §5: never
        "XW_XWLB": ACT_CATEGORY_LABEL.get(v["category"], v["category"]),
        "XW_WSH": ref,
        "XW_MC": clean(v["title"], keep),
        "XW_NR": clean(v["content"] or v["title"], keep),
        "XW_YJ": clean(v["legal_basis"], keep),
        "XW_JE": wan_yuan(v["amount"]),
        "XW_JDRQ": day(v["decided_on"]),
        "XW_GSJZQ": day(v["publicity_ends_on"]),
        "XW_SSJG": v["dept_name"],
        "XW_SSJGDM": dept_uscc,
        "XW_SJLY": v["dept_name"],
        "XW_SJLYDM": dept_uscc,
        "BZ": "",
    }


ROW_BUILDERS = {Kind.PENALTY: penalty_row, Kind.LICENCE: licence_row, Kind.ACT: act_row}


def kind_of_category(category: str) -> str | None:
    if category == RecordCategory.LICENCE:
        return Kind.LICENCE
    if category in ACT_CATEGORIES:
        return Kind.ACT
    return None


def rows(kind: str, **window):
    """The rows of ``kind`` in the window, as dicts keyed by the standard's codes, streamed in chunks."""
    build = ROW_BUILDERS[kind]
    for values in queryset(kind, **window).iterator(chunk_size=CHUNK):
        yield build(values)


# --- files: CSV (UTF-8 with BOM), XLSX (write-only) and JSON, streamed -------------------------------

FORMATS = ["json", "csv", "xlsx"]
FORMAT_CHOICES = [("xlsx", "Excel（XLSX）"), ("csv", "CSV（UTF-8，含 BOM）"), ("json", "JSON")]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
KIND_FILE_LABEL = {Kind.PENALTY: "行政处罚", Kind.LICENCE: "行政许可", Kind.ACT: "其他行政行为"}
FLUSH_ROWS = 500  # rows per streamed chunk


def filename(kind: str, fmt: str, department, date_from, date_to) -> str:
    code = getattr(department, "code", "ALL")
    return f"双公示_{KIND_FILE_LABEL[kind]}_{code}_{date_from:%Y%m%d}-{date_to:%Y%m%d}.{fmt}"


def csv_chunks(kind: str, **window):
    """UTF-8 with a BOM (Excel then reads it as UTF-8); the Chinese labels are the header row."""
    fields = FIELDS[kind]
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f.label for f in fields])
    for n, row in enumerate(rows(kind, **window), 1):
        writer.writerow([row[f.code] for f in fields])
        if n % FLUSH_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def json_chunks(kind: str, **window):
    """``{"standard", "kind", "fields": [{"code", "label"}], "rows": [{code: value}], "count"}``: the standard's
    codes as keys, so a receiving platform maps columns by code, not by label."""
    head = {"standard": STANDARD, "kind": kind, "fields": [{"code": f.code, "label": f.label} for f in FIELDS[kind]]}
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": [').encode()
    parts, count = [], 0
    for row in rows(kind, **window):
        parts.append(("," if count else "") + json.dumps(row, ensure_ascii=False))
        count += 1
        if len(parts) >= FLUSH_ROWS:
            yield "".join(parts).encode()
            parts = []
    yield ("".join(parts) + f'], "count": {count}}}').encode()


def xlsx_file(kind: str, **window):
    """An openpyxl write-only workbook (rows are written and forgotten) in a temporary file, returned open
    at its start; amounts are numbers, so Excel can sum them."""
    fields = FIELDS[kind]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(KIND_FILE_LABEL[kind])
    sheet.append([f.label for f in fields])
    for row in rows(kind, **window):
        sheet.append([(Decimal(row[f.code]) if f.numeric and row[f.code] else row[f.code]) for f in fields])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - returned open; the response closes it
    workbook.save(handle)
    handle.seek(0)
    return handle


@dataclass
class Export:
    filename: str
    content_type: str
    rows: int
    body: object  # an iterator of bytes (csv, json) or an open file (xlsx)


@transaction.atomic
def export(*, actor, kind: str, fmt: str, department, date_from: dt.date, date_to: dt.date) -> Export:
    """The 双公示 file of ``department``'s ``kind`` rows decided from ``date_from`` to ``date_to`` (inclusive).
    The caller has checked that ``actor`` may export that department (its own, or any for a platform
    admin); the export is audited with its parameters and row count."""
    window = {"department": department, "date_from": date_from, "date_to": date_to}
    count = queryset(kind, **window).count()
    audit.record(
        actor=actor,
        action="opendata.shuanggongshi_export",
        target=department,
        after={"kind": kind, "format": fmt, "from": date_from, "to": date_to, "rows": count, "standard": STANDARD},
    )
    if fmt == "xlsx":
        body = xlsx_file(kind, **window)
    elif fmt == "csv":
        body = csv_chunks(kind, **window)
    else:
        body = json_chunks(kind, **window)
    return Export(filename(kind, fmt, department, date_from, date_to), CONTENT_TYPES[fmt], count, body)

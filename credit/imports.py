"""File import of credit records (XLSX/CSV): parse, preview with row errors, then push all or nothing.

- The columns are the Chinese headers below (the file contract, so literal strings, not gettext).
  Values may be codes or Chinese labels: ``services.clean_records`` accepts both.
- Validation is ``services.clean_records``, the very rules of the API push and the admin form;
  this module only reads cells and turns ``index`` into the spreadsheet row (header = 第1行).
- Saving is one ``services.credit_records_push`` of every row, so a file is imported whole or not
  at all, in one transaction, with one audit event.
- Reading cells, the preview objects and the template layout are the framework's (``core.file_import``).
"""

import datetime as dt

from django.utils import timezone

from core import file_import, uscc
from core.file_import import (  # noqa: F401 - the import module's protocol (core.file_import), re-exported
    MAX_FILE_BYTES,
    ImportFileError,
    ParsedFile,
    Preview,
    RowPreview,
    file_format,
    read_rows,
    workbook,
)
from credit import record_upsert, services
from credit.choices import OTHER_ACT_CATEGORIES, Polarity, RecordCategory, Severity
from credit.models import CreditRecord
from supervision.models import MarketEntity

# Column header → field of ``services.RECORD_INPUT_FIELDS``, in template order.
COLUMNS = {
    "来源编号": "source_ref",
    "统一社会信用代码": "uscc",
    "信息类别": "category",
    "性质": "polarity",
    "失信程度": "severity",
    "标题": "title",
    "内容": "content",
    "决定日期": "decided_on",
    "依据": "legal_basis",
    "金额": "amount",
    "限制期限届满日": "restriction_ends_on",
}
FIELD_LABELS = {name: header for header, name in COLUMNS.items()}
# Header spellings officials also use, and the field codes themselves (as in API.md).
HEADER_ALIASES = {
    **{name: name for name in COLUMNS.values()},
    "决定（认定）日期": "decided_on",
    "认定日期": "decided_on",
    "金额（元）": "amount",
    "法律依据": "legal_basis",
    "统一代码": "uscc",
}
REQUIRED_COLUMNS = ("来源编号", "统一社会信用代码", "信息类别", "性质", "标题", "决定日期")
# The template's example row must never match a real record (issue 11: a left-over example row
# moved 郑市监罚〔2026〕12号 to another entity): its reference can never be real, and rows whose
# reference starts with 示例 are refused with a clear row error (services.clean_records).
EXAMPLE_REF = "示例-请删除"  # refused by services.clean_records (prefix services.EXAMPLE_REF_PREFIX)
EXAMPLE_ROW = {
    "来源编号": EXAMPLE_REF,
    "统一社会信用代码": "91110000710926094P",
    "信息类别": "行政处罚",
    "性质": "负面",
    "失信程度": "一般",
    "标题": "未按规定明码标价",
    "内容": "经查，当事人销售商品未明码标价，责令改正并处罚款五千元。",
    "决定日期": "2026-11-01",
    "依据": "《中华人民共和国价格法》第十三条",
    "金额": "5000.00",
    "限制期限届满日": "",
}


def parse(data: bytes, name: str) -> ParsedFile:
    """Rows of an uploaded file, each with its spreadsheet row number (the header is 第1行)."""
    return read_rows(
        data,
        name,
        columns=COLUMNS,
        aliases=HEADER_ALIASES,
        required=REQUIRED_COLUMNS,
        max_rows=services.MAX_PUSH,
        header_hint="如 来源编号、统一社会信用代码 …",
        oversize_hint=f"（每批最多 {services.MAX_PUSH} 行）",
    )


def field_detail(attr: str | None, detail: str) -> str:
    """“字段：说明” with this file's column headers (``core.file_import.field_detail``)."""
    return file_import.field_detail(attr, detail, FIELD_LABELS)


def row_error(row: int, attr: str | None, detail: str) -> str:
    """“第N行：字段：说明”, N being the spreadsheet row (the header is 第1行)."""
    return file_import.row_error(row, attr, detail, FIELD_LABELS)


def subject_change_items(parsed_rows: list, department) -> list[dict]:
    """Rows that would move an existing record to another USCC (refused, as the push does)."""
    refs = [str(r["data"].get("source_ref", "")).strip() for r in parsed_rows]
    owners = dict(
        CreditRecord.objects.filter(department=department, source_ref__in=set(refs)).values_list(
            "source_ref", "entity_id"
        )
    )
    pairs = []
    for i, (ref, r) in enumerate(zip(refs, parsed_rows, strict=True)):
        code = uscc.normalize(r["data"].get("uscc"))
        if ref in owners and code and owners[ref] != code:
            pairs.append((i, ref, owners[ref], code))
    return record_upsert.subject_changed_items(pairs) if pairs else []


def preview(parsed: ParsedFile, department, today: dt.date | None = None) -> Preview:
    """Every row with its errors, by the rules of ``services.clean_records``; nothing is saved."""
    today = today or timezone.localdate()
    raws = [r["data"] for r in parsed.rows]
    _cleaned, errors = services.clean_records(raws, today, screen_personal_data=True)
    refs = [str(r["data"].get("source_ref", "")).strip() for r in parsed.rows]
    bad_uscc = {e["index"] for e in errors.items if e["attr"] == "uscc"}
    moved = [e for e in subject_change_items(parsed.rows, department) if e["index"] not in bad_uscc]
    errors.items.extend(moved)
    by_index: dict[int, list] = {}
    general = []
    first_row_of_ref = {}
    for r in parsed.rows:
        first_row_of_ref.setdefault(str(r["data"].get("source_ref", "")).strip(), r["row"])
    for item in errors.items:
        index, attr, detail = item["index"], item["attr"], item["detail"]
        if index is None:
            general.append(detail)
            continue
        if item["code"] == "unique" and attr == "source_ref":
            ref = str(parsed.rows[index]["data"].get("source_ref", "")).strip()
            detail = f"来源编号“{ref}”与第{first_row_of_ref.get(ref)}行重复（同一文件中来源编号不能重复）"
        by_index.setdefault(index, []).append((attr, detail))
    existing = set(
        CreditRecord.objects.filter(department=department, source_ref__in=refs).values_list("source_ref", flat=True)
    )
    codes = {uscc.normalize(r["data"].get("uscc")) for r in parsed.rows}
    known = set(MarketEntity.objects.filter(uscc__in=codes).values_list("uscc", flat=True))
    rows, lines = [], [f"文件：{d}" for d in general]
    for i, r in enumerate(parsed.rows):
        problems = by_index.get(i, [])
        lines.extend(row_error(r["row"], attr, detail) for attr, detail in problems)
        code = uscc.normalize(r["data"].get("uscc"))
        rows.append(
            RowPreview(
                row=r["row"],
                data=r["data"],
                errors=[field_detail(a, d) for a, d in problems],
                action="" if problems else ("更新" if refs[i] in existing else "新增"),
                note="" if problems or code in known else "名录库中暂无该主体：记录照常保存，主体登记后自动关联",
            )
        )
    return Preview(rows=rows, errors=lines, ignored_columns=parsed.ignored_columns)


def push(parsed_rows: list, *, actor, department) -> services.PushResult:
    """Save every row through ``credit_records_push`` (all or nothing). ``RecordsInvalid`` items
    keep their 0-based ``index``; ``errors_by_row`` turns them into “第N行” lines. Example rows are
    refused by the push's own validator, like every other bad row."""
    return services.credit_records_push(
        actor=actor, department=department, records=[r["data"] for r in parsed_rows], screen_personal_data=True
    )


def errors_by_row(parsed_rows: list, items: list) -> list[str]:
    return file_import.errors_by_row(parsed_rows, items, FIELD_LABELS)


def refusal_lines(parsed_rows: list, exc) -> list[str]:
    """The lines of a push's refusal, by spreadsheet row (``core.file_import.refusal_lines``)."""
    return file_import.refusal_lines(parsed_rows, exc, FIELD_LABELS)


def template_workbook() -> bytes:
    """The import template: the headers, one example row, and a sheet of the allowed values."""
    notes = {
        "来源编号": "本部门内唯一，如决定书文号；再次导入同一来源编号即更新该记录",
        "统一社会信用代码": "18位；名录库中暂无的主体照常保存，登记后自动关联",
        "信息类别": "、".join(str(label) for _c, label in RecordCategory.choices) + "（也可填代码）",
        "性质": "、".join(str(label) for _c, label in Polarity.choices),
        "失信程度": "负面信息必填："
        + "、".join(str(label) for _c, label in Severity.choices)
        + "；正面、中性信息不填"
        + "；"
        + "、".join(str(c.label) for c in OTHER_ACT_CATEGORIES)
        + "只能为正面或中性信息，不填",
        "决定日期": "YYYY-MM-DD，如 2026-11-01；不能晚于今天",
        "金额": "元，不小于0，最多两位小数",
        "限制期限届满日": "限制措施长于公示期的，公示至该日（市场监管总局令第45号）",
    }
    return workbook(
        title="信用记录",
        columns=COLUMNS,
        required=REQUIRED_COLUMNS,
        example=EXAMPLE_ROW,
        widths=(24, 22, 14, 8, 10, 28, 40, 12, 32, 12, 16),
        notes=notes,
        notes_width=90,
    )

"""File import of credit records (XLSX/CSV): parse, preview with row errors, then push all or nothing.

- The columns are the Chinese headers below (the file contract, so literal strings, not gettext).
  Values may be codes or Chinese labels: ``services.clean_records`` accepts both.
- Validation is ``services.clean_records``, the very rules of the API push and the admin form;
  this module only reads cells and turns ``index`` into the spreadsheet row (header = 第1行).
- Saving is one ``services.credit_records_push`` of every row, so a file is imported whole or not
  at all, in one transaction, with one audit event.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from core import uscc
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
EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv"}
MAX_FILE_BYTES = 20 * 1024 * 1024
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


class ImportFileError(ValueError):
    """The file as a whole cannot be read (type, encoding, columns, size)."""


@dataclass
class ParsedFile:
    rows: list  # [{"row": spreadsheet row, "data": {field: JSON-safe value}}]
    ignored_columns: list = field(default_factory=list)


@dataclass
class RowPreview:
    row: int
    data: dict
    errors: list  # "字段：说明"
    action: str = ""  # 新增 / 更新
    note: str = ""


@dataclass
class Preview:
    rows: list
    errors: list  # "第N行：字段：说明", in row order
    ignored_columns: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict:
        return {
            "total": len(self.rows),
            "bad": sum(1 for r in self.rows if r.errors),
            "new": sum(1 for r in self.rows if r.action == "新增"),
            "update": sum(1 for r in self.rows if r.action == "更新"),
        }


def _fold(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).casefold()


def _cell(value):
    """A cell as a JSON-safe value: dates as ISO text, Excel's whole floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    return str(value).strip()


def file_format(name: str) -> str:
    suffix = Path(name or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise ImportFileError(f"不支持的文件类型“{suffix or name}”：请上传 .xlsx 或 .csv 文件（可先下载导入模板）")
    return EXTENSIONS[suffix]


def _read_table(data: bytes, fmt: str) -> list[list]:
    if fmt == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")  # Excel on Chinese Windows saves CSV in GB18030
            except UnicodeDecodeError:
                raise ImportFileError("CSV 文件编码无法识别：请另存为“CSV UTF-8（逗号分隔）”")
        if "\x00" in text:
            raise ImportFileError("文件内容不是 CSV 文本：请上传 .xlsx 或 .csv 文件")
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(f"XLSX 文件无法读取（{type(exc).__name__}）：请确认是 Excel 2007 及以上版本保存的 .xlsx 文件")
    try:
        sheet = book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_rows(
    data: bytes, name: str, *, columns: dict, aliases: dict, required: tuple, max_rows: int, header_hint: str, oversize_hint: str = "",
) -> ParsedFile:
    """Rows of an uploaded file, each with its spreadsheet row number (the header is 第1行).

    ``columns`` maps each Chinese header to its field (the template order; the header is the field's
    label in messages), ``aliases`` other spellings, ``required`` the headers a file must have. A file
    that cannot be used as a whole is an ``ImportFileError``. Shared by every department file import
    (credit records here, discretion benchmarks in ``enforcement.imports``)."""
    fmt = file_format(name)
    if not data:
        raise ImportFileError("文件为空")
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB：请分批导入{oversize_hint}")
    table = _read_table(data, fmt)
    while table and all(_cell(v) == "" for v in table[0]):
        table.pop(0)  # leading blank lines are not the header
    if not table:
        raise ImportFileError(f"文件中没有内容：第1行应为列名（{header_hint}）")
    headers = {_fold(k): v for k, v in {**columns, **aliases}.items()}
    labels = {field_: header for header, field_ in columns.items()}
    by_index, ignored, seen = {}, [], set()
    for i, title in enumerate(table[0]):
        text = _cell(title)
        name_ = headers.get(_fold(text))
        if name_ is None:
            if text:
                ignored.append(text)
            continue
        if name_ in seen:
            raise ImportFileError(f"列“{labels[name_]}”出现了两次")
        seen.add(name_)
        by_index[i] = name_
    missing = [h for h in required if columns[h] not in seen]
    if missing:
        raise ImportFileError(f"缺少必需的列：{'、'.join(missing)}（第1行应为列名，请使用导入模板）")
    rows = []
    for offset, values in enumerate(table[1:], start=2):
        data_ = {name_: _cell(values[i]) if i < len(values) else "" for i, name_ in by_index.items()}
        if all(v == "" for v in data_.values()):
            continue
        rows.append({"row": offset, "data": data_})
    if not rows:
        raise ImportFileError("文件中没有数据行（第1行为列名，数据从第2行开始）")
    if len(rows) > max_rows:
        raise ImportFileError(f"一次最多导入 {max_rows} 行，本文件 {len(rows)} 行：请分批导入")
    return ParsedFile(rows=rows, ignored_columns=ignored)


def parse(data: bytes, name: str) -> ParsedFile:
    """Rows of an uploaded file, each with its spreadsheet row number (the header is 第1行)."""
    return read_rows(
        data, name, columns=COLUMNS, aliases=HEADER_ALIASES, required=REQUIRED_COLUMNS, max_rows=services.MAX_PUSH,
        header_hint="如 来源编号、统一社会信用代码 …", oversize_hint=f"（每批最多 {services.MAX_PUSH} 行）",
    )


def field_detail(attr: str | None, detail: str) -> str:
    """“字段：说明”; the service's detail often starts with the field's name, which is not repeated."""
    label = FIELD_LABELS.get(attr)
    if not label:
        return detail
    if detail.startswith(label) and detail[len(label):][:1] in ("“", " "):
        detail = detail[len(label):].lstrip()
    return f"{label}：{detail}"


def row_error(row: int, attr: str | None, detail: str) -> str:
    """“第N行：字段：说明”, N being the spreadsheet row (the header is 第1行)."""
    return f"第{row}行：{field_detail(attr, detail)}"


def subject_change_items(parsed_rows: list, department) -> list[dict]:
    """Rows that would move an existing record to another USCC (refused, as the push does)."""
    refs = [str(r["data"].get("source_ref", "")).strip() for r in parsed_rows]
    owners = dict(CreditRecord.objects.filter(department=department, source_ref__in=set(refs)).values_list("source_ref", "entity_id"))
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
    _cleaned, errors = services.clean_records(raws, today)
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
    existing = set(CreditRecord.objects.filter(department=department, source_ref__in=refs).values_list("source_ref", flat=True))
    codes = {uscc.normalize(r["data"].get("uscc")) for r in parsed.rows}
    known = set(MarketEntity.objects.filter(uscc__in=codes).values_list("uscc", flat=True))
    rows, lines = [], [f"文件：{d}" for d in general]
    for i, r in enumerate(parsed.rows):
        problems = by_index.get(i, [])
        lines.extend(row_error(r["row"], attr, detail) for attr, detail in problems)
        code = uscc.normalize(r["data"].get("uscc"))
        rows.append(RowPreview(
            row=r["row"],
            data=r["data"],
            errors=[field_detail(a, d) for a, d in problems],
            action="" if problems else ("更新" if refs[i] in existing else "新增"),
            note="" if problems or code in known else "名录库中暂无该主体：记录照常保存，主体登记后自动关联",
        ))
    return Preview(rows=rows, errors=lines, ignored_columns=parsed.ignored_columns)


def push(parsed_rows: list, *, actor, department) -> services.PushResult:
    """Save every row through ``credit_records_push`` (all or nothing). ``RecordsInvalid`` items
    keep their 0-based ``index``; ``errors_by_row`` turns them into “第N行” lines. Example rows are
    refused by the push's own validator, like every other bad row."""
    return services.credit_records_push(actor=actor, department=department, records=[r["data"] for r in parsed_rows])


def errors_by_row(parsed_rows: list, items: list) -> list[str]:
    lines = []
    for item in items:
        if item["index"] is None or item["index"] >= len(parsed_rows):
            lines.append(f"文件：{item['detail']}")
        else:
            lines.append(row_error(parsed_rows[item["index"]]["row"], item["attr"], item["detail"]))
    return lines


def refusal_lines(parsed_rows: list, exc) -> list[str]:
    """The lines of a push's refusal: by spreadsheet row for a batch's ``RecordsInvalid`` items, else its messages
    (a service that already words them as “第N行：…”, as ``enforcement.services`` does)."""
    return errors_by_row(parsed_rows, exc.items) if hasattr(exc, "items") else exc.messages


def workbook(*, title: str, columns: dict, required: tuple, example: dict, widths: tuple, notes: dict, notes_width: int) -> bytes:
    """An import template: the headers (required ones in red), one example row, and a sheet “填写说明” of what
    each column takes. Shared by every department file import (``enforcement.imports`` too)."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    headers = list(columns)
    sheet.append(headers)
    sheet.append([example[h] for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF" if cell.value in required else "000000")
        cell.fill = PatternFill("solid", fgColor="C00000" if cell.value in required else "D9D9D9")
    for number, (_header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "填写说明"])
    for header in headers:
        guide.append([header, "必填" if header in required else "选填", notes.get(header, "")])
    guide.append([])
    guide.append(["第1行为列名，数据从第2行开始；任何一行有误则整份文件不导入。"])
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["C"].width = notes_width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_workbook() -> bytes:
    """The import template: the headers, one example row, and a sheet of the allowed values."""
    notes = {
        "来源编号": "本部门内唯一，如决定书文号；再次导入同一来源编号即更新该记录",
        "统一社会信用代码": "18位；名录库中暂无的主体照常保存，登记后自动关联",
        "信息类别": "、".join(str(label) for _c, label in RecordCategory.choices) + "（也可填代码）",
        "性质": "、".join(str(label) for _c, label in Polarity.choices),
        "失信程度": "负面信息必填：" + "、".join(str(label) for _c, label in Severity.choices) + "；正面、中性信息不填"
                    + "；" + "、".join(str(c.label) for c in OTHER_ACT_CATEGORIES) + "只能为正面或中性信息，不填",
        "决定日期": "YYYY-MM-DD，如 2026-11-01；不能晚于今天",
        "金额": "元，不小于0，最多两位小数",
        "限制期限届满日": "限制措施长于公示期的，公示至该日（市场监管总局令第45号）",
    }
    return workbook(
        title="信用记录", columns=COLUMNS, required=REQUIRED_COLUMNS, example=EXAMPLE_ROW, widths=(24, 22, 14, 8, 10, 28, 40, 12, 32, 12, 16),
        notes=notes, notes_width=90,
    )

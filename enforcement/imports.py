"""File import of discretion benchmarks (自由裁量基准) from XLSX/CSV: parse, preview with row errors, save all or nothing.

The pattern and the file helpers are credit's record import (``credit.imports``): the same reading of
cells, encodings, sizes and headers (``read_rows``), the same preview objects and template layout
(``workbook``). The columns are the Chinese headers below (the file contract, so literal strings).
Validation is ``services.clean_standards`` and saving is one ``services.discretion_standards_import``
of every row, in one transaction with one audit event.
"""

from core.file_import import (
    MAX_FILE_BYTES,
    ImportFileError,
    ParsedFile,
    Preview,
    RowPreview,
    file_format,
    read_rows,
    workbook,
)
from credit.choices import PenaltyType
from enforcement import services
from enforcement.models import DiscretionStandard

__all__ = [
    "MAX_FILE_BYTES",
    "ImportFileError",
    "ParsedFile",
    "file_format",
    "parse",
    "preview",
    "push",
    "template_workbook",
]

# Column header → field, in template order (services.STANDARD_FIELDS holds the same labels).
COLUMNS = {label: name for name, label in services.STANDARD_FIELDS.items()}
HEADER_ALIASES = {
    **{name: name for name in COLUMNS.values()},
    "基准编号": "code",
    "违法行为类型": "violation_type",
    "从轻罚款下限": "lighter_min",
    "从轻罚款上限": "lighter_max",
    "一般罚款下限": "general_min",
    "一般罚款上限": "general_max",
    "从重罚款下限": "heavier_min",
    "从重罚款上限": "heavier_max",
    "可并处处罚种类": "heavy_penalty_types",
}
REQUIRED_COLUMNS = tuple(services.STANDARD_FIELDS[f] for f in services.STANDARD_REQUIRED)
EXAMPLE_ROW = {
    "编号": "示例-请删除",  # never a real code: rows whose code starts with 示例 are refused (issue 11)
    "违法行为": "销售超过保质期的食品",
    "违法依据": "《中华人民共和国食品安全法》第三十四条第（十）项",
    "处罚依据": "《中华人民共和国食品安全法》第一百二十四条",
    "从轻下限": "50000",
    "从轻上限": "80000",
    "一般下限": "80000",
    "一般上限": "120000",
    "从重下限": "120000",
    "从重上限": "200000",
    "从重可并处处罚种类": "吊销许可证件、责令停产停业",
    "生效日期": "2026-01-01",
}


def parse(data: bytes, name: str) -> ParsedFile:
    """Rows of an uploaded file, each with its spreadsheet row number (the header is 第1行)."""
    return read_rows(
        data,
        name,
        columns=COLUMNS,
        aliases=HEADER_ALIASES,
        required=REQUIRED_COLUMNS,
        max_rows=services.MAX_STANDARD_ROWS,
        header_hint="编号、违法行为、违法依据 …",
    )


def preview(parsed: ParsedFile, department) -> Preview:
    """Every row with its errors and whether it adds or updates a benchmark; nothing is saved."""
    cleaned, problems = services.clean_standards([r["data"] for r in parsed.rows], [r["row"] for r in parsed.rows])
    by_index, lines = {}, []
    for p in problems:
        row = parsed.rows[p["index"]]["row"] if p["index"] is not None else None
        lines.append(services.standard_error_line(row, p["attr"], p["detail"]))
        if p["index"] is not None:
            label = services.STANDARD_FIELDS.get(p["attr"])
            by_index.setdefault(p["index"], []).append(f"{label}：{p['detail']}" if label else p["detail"])
    existing = set(
        DiscretionStandard.objects.filter(department=department, code__in={d["code"] for d in cleaned}).values_list(
            "code", "effective_from"
        )
    )
    clean_by_key = iter(cleaned)
    rows = []
    for i, r in enumerate(parsed.rows):
        errors = by_index.get(i, [])
        action = ""
        if not errors:
            data = next(clean_by_key)
            action = "更新" if (data["code"], data["effective_from"]) in existing else "新增"
        rows.append(RowPreview(row=r["row"], data=r["data"], errors=errors, action=action))
    return Preview(rows=rows, errors=lines, ignored_columns=parsed.ignored_columns)


def push(parsed_rows: list, *, actor, department) -> dict:
    """Save every row (all or nothing); a refusal is a ValidationError of “第N行：字段：说明” lines."""
    return services.discretion_standards_import(actor=actor, department=department, rows=parsed_rows)


def template_workbook() -> bytes:
    """The import template: the headers, one example row, and a sheet of what each column takes."""

    notes = {
        "编号": "本部门内的基准编号；编号与生效日期相同的行再次导入即更新该基准，生效日期不同即为新版本（旧版本自动于新版本生效前一日失效）",
        "从轻下限": "元，不小于0，最多两位小数；每种情节下限不大于上限，从轻、一般、从重的幅度依次递增",
        "从重可并处处罚种类": "可填多项，用“、”分隔：" + "、".join(str(label) for _c, label in PenaltyType.choices),
        "生效日期": "YYYY-MM-DD，如 2026-01-01",
    }
    return workbook(
        title="自由裁量基准",
        columns=COLUMNS,
        required=REQUIRED_COLUMNS,
        example=EXAMPLE_ROW,
        widths=(12, 30, 40, 40, 11, 11, 11, 11, 11, 11, 28, 12),
        notes=notes,
        notes_width=100,
    )

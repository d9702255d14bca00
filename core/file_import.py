"""The one department file import framework (XLSX/CSV → preview → confirm, all or nothing), for the admin
and manage.py.

Each domain has an import module (``credit.imports`` for credit records, ``enforcement.imports`` for
discretion benchmarks) with ``parse``, ``preview``, ``push``, ``template_workbook``, ``file_format``,
``ImportFileError``, ``MAX_FILE_BYTES`` and optionally ``FIELD_LABELS``; it builds on the file helpers here:

- reading: ``read_rows`` (cells, encodings, sizes, headers and their aliases, the spreadsheet row of each
  row: the header is 第1行), ``ImportFileError`` for a file that cannot be used as a whole;
- preview objects: ``ParsedFile``, ``RowPreview``, ``Preview``; row errors: ``row_error``, ``refusal_lines``;
- the template: ``workbook`` (headers, required ones in red, an example row and a sheet “填写说明”).

Each admin and each command names its import module and its labels, and ``DepartmentFileImportMixin`` and
``DepartmentFileImportCommand`` do the rest. The import pages are the shared templates
``admin/file_import/import.html`` and ``import_preview.html``, which take their labels and preview columns
from the context.

Supervision's roster import (``supervision.resources``) is built on django-import-export instead (see its
docstring): it shares nothing here but the idea.
"""

import csv
import datetime as dt
import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.scoping import department_of, is_platform_admin

EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv"}
MAX_FILE_BYTES = 20 * 1024 * 1024


def department_model():
    """The department model (``settings.DEPARTMENT_MODEL``): core names no domain app."""
    return apps.get_model(settings.DEPARTMENT_MODEL)


# --- reading a file -------------------------------------------------------------------------------


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


def fold(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).casefold()


def cell(value):
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


def read_table(data: bytes, fmt: str) -> list[list]:
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
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            f"XLSX 文件无法读取（{type(exc).__name__}）：请确认是 Excel 2007 及以上版本保存的 .xlsx 文件"
        )
    try:
        sheet = book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_rows(
    data: bytes,
    name: str,
    *,
    columns: dict,
    aliases: dict,
    required: tuple,
    max_rows: int,
    header_hint: str,
    oversize_hint: str = "",
) -> ParsedFile:
    """Rows of an uploaded file, each with its spreadsheet row number (the header is 第1行).

    ``columns`` maps each Chinese header to its field (the template order; the header is the field's
    label in messages), ``aliases`` other spellings, ``required`` the headers a file must have. A file
    that cannot be used as a whole is an ``ImportFileError``. Shared by every department file import
    (credit records in ``credit.imports``, discretion benchmarks in ``enforcement.imports``)."""
    fmt = file_format(name)
    if not data:
        raise ImportFileError("文件为空")
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB：请分批导入{oversize_hint}")
    table = read_table(data, fmt)
    while table and all(cell(v) == "" for v in table[0]):
        table.pop(0)  # leading blank lines are not the header
    if not table:
        raise ImportFileError(f"文件中没有内容：第1行应为列名（{header_hint}）")
    headers = {fold(k): v for k, v in {**columns, **aliases}.items()}
    labels = {field_: header for header, field_ in columns.items()}
    by_index, ignored, seen = {}, [], set()
    for i, title in enumerate(table[0]):
        text = cell(title)
        name_ = headers.get(fold(text))
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
        data_ = {name_: cell(values[i]) if i < len(values) else "" for i, name_ in by_index.items()}
        if all(v == "" for v in data_.values()):
            continue
        rows.append({"row": offset, "data": data_})
    if not rows:
        raise ImportFileError("文件中没有数据行（第1行为列名，数据从第2行开始）")
    if len(rows) > max_rows:
        raise ImportFileError(f"一次最多导入 {max_rows} 行，本文件 {len(rows)} 行：请分批导入")
    return ParsedFile(rows=rows, ignored_columns=ignored)


def field_detail(attr: str | None, detail: str, labels: dict) -> str:
    """“字段：说明”, ``labels`` mapping a field to its column header; the service's detail often starts
    with the field's name, which is not repeated."""
    label = labels.get(attr)
    if not label:
        return detail
    if detail.startswith(label) and detail[len(label) :][:1] in ("“", " "):
        detail = detail[len(label) :].lstrip()
    return f"{label}：{detail}"


def row_error(row: int, attr: str | None, detail: str, labels: dict) -> str:
    """“第N行：字段：说明”, N being the spreadsheet row (the header is 第1行)."""
    return f"第{row}行：{field_detail(attr, detail, labels)}"


def errors_by_row(parsed_rows: list, items: list, labels: dict) -> list[str]:
    """A batch refusal's items (0-based ``index``, ``attr``, ``detail``) as “第N行” lines."""
    lines = []
    for item in items:
        if item["index"] is None or item["index"] >= len(parsed_rows):
            lines.append(f"文件：{item['detail']}")
        else:
            lines.append(row_error(parsed_rows[item["index"]]["row"], item["attr"], item["detail"], labels))
    return lines


def refusal_lines(parsed_rows: list, exc, labels: dict | None = None) -> list[str]:
    """The lines of a push's refusal: by spreadsheet row for a batch's ``RecordsInvalid`` items, else its messages
    (a service that already words them as “第N行：…”, as ``enforcement.services`` does)."""
    return errors_by_row(parsed_rows, exc.items, labels or {}) if hasattr(exc, "items") else exc.messages


def field_labels(import_module) -> dict:
    """An import module's field → column header map (``FIELD_LABELS``), or none."""
    return getattr(import_module, "FIELD_LABELS", None) or {}


def workbook(
    *, title: str, columns: dict, required: tuple, example: dict, widths: tuple, notes: dict, notes_width: int
) -> bytes:
    """An import template: the headers (required ones in red), one example row, and a sheet “填写说明” of what
    each column takes. Shared by every department file import."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    headers = list(columns)
    sheet.append(headers)
    sheet.append([example[h] for h in headers])
    for head in sheet[1]:
        head.font = Font(bold=True, color="FFFFFF" if head.value in required else "000000")
        head.fill = PatternFill("solid", fgColor="C00000" if head.value in required else "D9D9D9")
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


# --- admin views and manage.py command --------------------------------------------------------


IMPORT_MAX_AGE = 60 * 60  # a preview can be confirmed within an hour
MAX_LISTED_ERRORS = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def push_counts(result) -> dict:
    """created / updated / unchanged of a push, whether the service returns a dict or a result object."""
    if isinstance(result, dict):
        return {k: result[k] for k in ("created", "updated", "unchanged")}
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


def truncated(field: str, length: int = 40):
    """A preview column showing ``field`` cut to ``length`` characters (as the template filter truncatechars)."""
    return lambda data: Truncator(str(data.get(field, ""))).chars(length)


class DepartmentFileImportMixin:
    """Admin views ``import/``, ``import/confirm/`` and ``import/template/`` of a model imported per department.

    An official imports for their own department, a platform admin chooses it. Only a clean preview can be
    confirmed: the parsed rows wait in the session, signed, so the confirm step saves exactly what was
    previewed and nothing the browser sent, for the same user and (unless platform admin) their department.
    URL names are ``<app>_<model>_import``, ``…_import_confirm`` and ``…_import_template``.
    """

    import_module = None  # the module with parse / preview / push / template_workbook
    import_form_class = None  # a form with ``file`` and, given ``departments``, ``department``
    import_title = ""  # 导入信用记录
    import_noun = ""  # 信用记录: “您的账号未关联部门，不能导入…”
    import_department_label = ""  # 来源部门
    import_help = ""  # the columns and the update rule, shown on the upload page
    import_preview_columns = ()  # (heading, field name or callable(data)) after 行号 and 结果
    import_errors_heading = _("错误")
    import_css = ""  # credit → body class credit-import, table class credit-preview
    import_template_filename = ""  # 信用记录导入模板.xlsx
    import_session_key = ""
    import_salt = ""
    import_template = "admin/file_import/import.html"
    import_preview_template = "admin/file_import/import_preview.html"

    def _import_url(self, suffix: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_{suffix}"

    def get_urls(self):
        if self.import_module is None or self.import_form_class is None or not self.import_session_key:
            raise ImproperlyConfigured(
                f"{type(self).__name__} must set import_module, import_form_class and import_session_key"
            )
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=self._import_url("import")),
            path("import/confirm/", wrap(self.import_confirm_view), name=self._import_url("import_confirm")),
            path("import/template/", wrap(self.import_template_view), name=self._import_url("import_template")),
            *super().get_urls(),
        ]

    def _import_context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": self.import_title,
            "import_title": self.import_title,
            "import_css": self.import_css,
            "import_help": self.import_help,
            "import_url": reverse(f"admin:{self._import_url('import')}"),
            "import_template_url": reverse(f"admin:{self._import_url('import_template')}"),
            **extra,
        }

    def _import_departments(self, request):
        return department_model().objects.filter(active=True) if is_platform_admin(request.user) else None

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        departments = self._import_departments(request)
        initial = {"department": department_of(request.user)}
        form = self.import_form_class(
            request.POST or None, request.FILES or None, departments=departments, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            department = form.cleaned_data.get("department") or department_of(request.user)
            upload = form.cleaned_data["file"]
            if department is None:
                form.add_error(None, _("您的账号未关联部门，不能导入%(noun)s。") % {"noun": self.import_noun})
            elif upload.size > self.import_module.MAX_FILE_BYTES:
                form.add_error("file", _("文件过大：请分批导入"))
            else:
                try:
                    self.import_module.file_format(upload.name)
                    parsed = self.import_module.parse(upload.read(), upload.name)
                except self.import_module.ImportFileError as exc:
                    form.add_error("file", str(exc))
                else:
                    return self._preview_response(request, parsed, department, upload.name)
        return TemplateResponse(request, self.import_template, self._import_context(request, form=form))

    def _preview_cells(self, data: dict) -> list:
        return [
            column(data) if callable(column) else data.get(column, "")
            for _heading, column in self.import_preview_columns
        ]

    def _preview_response(self, request, parsed, department, filename):
        result = self.import_module.preview(parsed, department)
        token = ""
        request.session.pop(self.import_session_key, None)
        if result.ok:
            token = secrets.token_urlsafe(16)
            payload = {
                "token": token,
                "user": request.user.pk,
                "department": department.pk,
                "file": filename,
                "rows": parsed.rows,
            }
            request.session[self.import_session_key] = signing.dumps(payload, salt=self.import_salt, compress=True)
        context = self._import_context(
            request,
            title=_("%(title)s：预览") % {"title": self.import_title},
            preview=result,
            counts=result.counts,
            department=department,
            department_label=self.import_department_label,
            filename=filename,
            token=token,
            errors=result.errors[:MAX_LISTED_ERRORS],
            more_errors=max(0, len(result.errors) - MAX_LISTED_ERRORS),
            confirm_url=reverse(f"admin:{self._import_url('import_confirm')}"),
            headings=[heading for heading, _column in self.import_preview_columns],
            errors_heading=self.import_errors_heading,
            preview_rows=[(row, self._preview_cells(row.data)) for row in result.rows],
        )
        return TemplateResponse(request, self.import_preview_template, context)

    def import_confirm_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        back = reverse(f"admin:{self._import_url('import')}")
        if request.method != "POST":
            return HttpResponseRedirect(back)
        try:
            payload = signing.loads(
                request.session.get(self.import_session_key, ""), salt=self.import_salt, max_age=IMPORT_MAX_AGE
            )
        except signing.BadSignature:
            payload = None
        if not payload or payload["token"] != request.POST.get("token") or payload["user"] != request.user.pk:
            messages.error(request, _("导入预览已失效或已提交：请重新上传文件。"))
            return HttpResponseRedirect(back)
        department = department_model().objects.get(pk=payload["department"])
        if not is_platform_admin(request.user) and department != department_of(request.user):
            raise PermissionDenied
        try:
            result = self.import_module.push(payload["rows"], actor=request.user, department=department)
        except ValidationError as exc:
            for line in refusal_lines(payload["rows"], exc, labels=field_labels(self.import_module))[
                :MAX_LISTED_ERRORS
            ]:
                messages.error(request, line)
            messages.error(request, _("导入未完成，未保存任何数据。"))
            request.session.pop(self.import_session_key, None)
            return HttpResponseRedirect(back)
        request.session.pop(self.import_session_key, None)
        counts = push_counts(result)
        messages.success(
            request,
            _("导入完成（%(file)s）：新增 %(created)s 条，更新 %(updated)s 条，未变化 %(unchanged)s 条。")
            % {"file": payload["file"], **counts},
        )
        return HttpResponseRedirect(reverse(f"admin:{self._import_url('changelist')}"))

    def import_template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(self.import_module.template_workbook(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, self.import_template_filename)
        return response


class DepartmentFileImportCommand(BaseCommand):
    """manage.py import of one department's file: checked row by row first, then saved all or nothing.

    Subclasses set ``import_module``, ``help``, ``department_help`` and, for ``FILE --department CODE``
    instead of ``DEPT_CODE FILE``, ``department_option = True``.
    """

    import_module = None
    department_help = "部门代码，如 ZZSJ"
    department_option = False

    def add_arguments(self, parser):
        file_help = "XLSX 或 CSV（UTF-8 或 GB18030）文件，第1行为列名"
        if self.department_option:
            parser.add_argument("file", help=file_help)
            parser.add_argument("--department", required=True, help=self.department_help)
        else:
            parser.add_argument("department", help=self.department_help)
            parser.add_argument("file", help=file_help)
        parser.add_argument("--user", help="以该工作人员的身份导入（审计记录为此人）；不填则记为 task:import")

    def handle(self, *args, department, file, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        dept = department_model().objects.filter(code=department).first()
        if dept is None:
            raise CommandError(f"部门代码“{department}”不存在")
        actor = "task:import"
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户“{user}”不存在")
        try:
            parsed = self.import_module.parse(path.read_bytes(), path.name)
        except self.import_module.ImportFileError as exc:
            raise CommandError(str(exc))
        preview = self.import_module.preview(parsed, dept)
        if not preview.ok:
            self._refuse(preview.errors)
        try:
            result = self.import_module.push(parsed.rows, actor=actor, department=dept)
        except ValidationError as exc:
            self._refuse(refusal_lines(parsed.rows, exc, labels=field_labels(self.import_module)))
        counts = push_counts(result)
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：{dept.name}，新增 {counts['created']} 条，更新 {counts['updated']} 条，未变化 {counts['unchanged']} 条。"
            )
        )

    def _refuse(self, lines: list):
        for line in lines:
            self.stdout.write(line)
        raise CommandError(f"导入未完成：共 {len(lines)} 处错误，未保存任何数据")

"""One department file import (XLSX/CSV → preview → confirm, all or nothing) for the admin and manage.py.

Credit records (``credit.imports``) and discretion benchmarks (``enforcement.imports``) are imported the
same way; each admin and each command names its imports module (``import_module``: ``parse``, ``preview``, ``push``,
``template_workbook``, ``file_format``, ``ImportFileError``, ``MAX_FILE_BYTES``) and its labels, and these classes do the
rest. The import pages are the shared templates ``admin/file_import/import.html`` and ``import_preview.html``,
which take their labels and preview columns from the context.
"""

import secrets
from pathlib import Path

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

from credit.imports import refusal_lines
from supervision.models import Department
from supervision.selectors import department_of, is_platform_admin

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
            raise ImproperlyConfigured(f"{type(self).__name__} must set import_module, import_form_class and import_session_key")
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=self._import_url("import")),
            path("import/confirm/", wrap(self.import_confirm_view), name=self._import_url("import_confirm")),
            path("import/template/", wrap(self.import_template_view), name=self._import_url("import_template")),
            *super().get_urls(),
        ]

    def _import_context(self, request, **extra):
        return {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": self.import_title, "import_title": self.import_title,
            "import_css": self.import_css, "import_help": self.import_help, "import_url": reverse(f"admin:{self._import_url('import')}"),
            "import_template_url": reverse(f"admin:{self._import_url('import_template')}"), **extra,
        }

    def _import_departments(self, request):
        return Department.objects.filter(active=True) if is_platform_admin(request.user) else None

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        departments = self._import_departments(request)
        initial = {"department": department_of(request.user)}
        form = self.import_form_class(request.POST or None, request.FILES or None, departments=departments, initial=initial)
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
        return [column(data) if callable(column) else data.get(column, "") for _heading, column in self.import_preview_columns]

    def _preview_response(self, request, parsed, department, filename):
        result = self.import_module.preview(parsed, department)
        token = ""
        request.session.pop(self.import_session_key, None)
        if result.ok:
            token = secrets.token_urlsafe(16)
            payload = {"token": token, "user": request.user.pk, "department": department.pk, "file": filename, "rows": parsed.rows}
            request.session[self.import_session_key] = signing.dumps(payload, salt=self.import_salt, compress=True)
        context = self._import_context(
            request, title=_("%(title)s：预览") % {"title": self.import_title}, preview=result, counts=result.counts, department=department,
            department_label=self.import_department_label, filename=filename, token=token,
            errors=result.errors[:MAX_LISTED_ERRORS], more_errors=max(0, len(result.errors) - MAX_LISTED_ERRORS),
            confirm_url=reverse(f"admin:{self._import_url('import_confirm')}"),
            headings=[heading for heading, _column in self.import_preview_columns], errors_heading=self.import_errors_heading,
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
            payload = signing.loads(request.session.get(self.import_session_key, ""), salt=self.import_salt, max_age=IMPORT_MAX_AGE)
        except signing.BadSignature:
            payload = None
        if not payload or payload["token"] != request.POST.get("token") or payload["user"] != request.user.pk:
            messages.error(request, _("导入预览已失效或已提交：请重新上传文件。"))
            return HttpResponseRedirect(back)
        department = Department.objects.get(pk=payload["department"])
        if not is_platform_admin(request.user) and department != department_of(request.user):
            raise PermissionDenied
        try:
            result = self.import_module.push(payload["rows"], actor=request.user, department=department)
        except ValidationError as exc:
            for line in refusal_lines(payload["rows"], exc)[:MAX_LISTED_ERRORS]:
                messages.error(request, line)
            messages.error(request, _("导入未完成，未保存任何数据。"))
            request.session.pop(self.import_session_key, None)
            return HttpResponseRedirect(back)
        request.session.pop(self.import_session_key, None)
        counts = push_counts(result)
        messages.success(
            request,
            _("导入完成（%(file)s）：新增 %(created)s 条，更新 %(updated)s 条，未变化 %(unchanged)s 条。") % {"file": payload["file"], **counts},
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
        dept = Department.objects.filter(code=department).first()
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
            self._refuse(refusal_lines(parsed.rows, exc))
        counts = push_counts(result)
        self.stdout.write(self.style.SUCCESS(
            f"导入完成：{dept.name}，新增 {counts['created']} 条，更新 {counts['updated']} 条，未变化 {counts['unchanged']} 条。"
        ))

    def _refuse(self, lines: list):
        for line in lines:
            self.stdout.write(line)
        raise CommandError(f"导入未完成：共 {len(lines)} 处错误，未保存任何数据")

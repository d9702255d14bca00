"""The admin toolkit every app's admin is built from (issue 13 §1), in Chinese and scoped by department.

Every write goes through a service (STYLE.md rule 7): ``save_model`` and the actions call a service,
and a service's refusal is shown as a form error or a message, never a 500. Rows that must change
only through an audited step are read-only in forms and change through actions.

- Scoping (through ``core.scoping``): ``ScopedAdmin`` (officials see and act on their own
  department's rows) and ``DepartmentScopedAdmin`` (officials change only their own; may see all).
- Saving through services: ``ServiceFormAdmin`` (the form calls the service; a refusal keeps the
  form) and ``ServiceAdmin`` (``save_service`` / ``delete_service`` hooks).
- Read-only: ``ReadOnlyAdmin`` and ``ViewOnceSavedMixin`` (saved once, then only actions).
- Actions: ``intermediate_action`` (the confirmation-page pattern), ``ObjectActionsMixin`` (the same
  actions as buttons on one object's page), ``show_refusal``, ``adopt``.
- List filters: ``StateFilter`` (with a default) and ``DeadlineFilter`` (due within 1 working day).
- The 待办 panels: ``due_window`` and ``todo_scope`` (each app's panel renders ``TODO_PANEL_TEMPLATE``).

core imports no domain app: anything domain-specific is a class attribute set by the subclass.
"""

import os
import re

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import deadline_items, search, todo, uscc
from core.counting import EstimatedCountPaginator
from core.forms import add_service_errors
from core.scoping import department_of, is_platform_admin, owns, scope_to_department
from core.workdays import add_working_days

MAX_ACTION_ROWS = 500  # an action that asks for a reason applies it to at most this many rows at once
ACTION_FORM_TEMPLATE = "admin/core/action_form.html"  # multipart when the form has a file field
OBJECT_ACTIONS_CHANGE_FORM = "admin/core/object_actions_change_form.html"
TODO_PANEL_TEMPLATE = "admin/core/todo_panel.html"
USCC_PREFIX = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2,17}$")  # 2–17 characters of the USCC alphabet (GB 32100)
USCC_CODE_ONLY = 8  # a USCC-shaped query this long is searched as a code only (DOMAIN §1: 2 + 6 region digits)
DUE_WITHIN_WORKING_DAYS = 1  # issue 4: deadlines due within 1 working day, or overdue, are flagged


# --- helpers --------------------------------------------------------------------------------------


def adopt(obj, saved) -> None:
    """Make the admin's unsaved instance the row the service saved (for the log and the redirect)."""
    for f in saved._meta.concrete_fields:
        setattr(obj, f.attname, getattr(saved, f.attname))
    obj._state.adding = False


def show_refusal(request, exc: ValidationError, prefix: str = "") -> None:
    for message in exc.messages:
        messages.error(request, f"{prefix}{message}")


def form_fields(form) -> dict:
    """The cleaned values of the form's model fields (the keyword arguments of a save service)."""
    return {
        name: form.cleaned_data[name]
        for name in form.cleaned_data
        if name in {f.name for f in form._meta.model._meta.fields}
    }


def link(viewname, obj, text=None):
    if obj is None:
        return "-"
    return format_html('<a href="{}">{}</a>', reverse(viewname, args=[obj.pk]), text or str(obj))


# --- list columns that fit at 1280 px (issue 18 §1.5) -----------------------------------------------
# Long text in a list is cut with an ellipsis and shown in full in its tooltip; a name never shrinks
# below CLIP_MIN_EM (4 CJK characters and some), so it cannot wrap one or two characters a line.
# The class is styled in static/admin/core/lists.css (loaded by templates/admin/base_site.html).
CLIP_MIN_EM = 6


def clip(value, width_em: int = 14):
    """``value`` in at most ``width_em`` em on one line, the full text in its title."""
    if value in (None, ""):
        return "-"
    text = str(value)
    return format_html('<span class="cell-clip" style="max-width:{}em" title="{}">{}</span>', width_em, text, text)


def clip_column(attr, description, *, width_em: int = 14, ordering=None, sub=None):
    """A list_display column showing ``attr`` (a field name or a callable of the row) clipped; ``sub``
    (a field name or callable) adds a second, smaller line, so two facts share one column."""

    def value_of(obj, what):
        return what(obj) if callable(what) else getattr(obj, what)

    def column(obj):
        main = clip(value_of(obj, attr), width_em)
        if sub is None:
            return main
        return format_html('{}<br><span class="cell-sub">{}</span>', main, value_of(obj, sub) or "-")

    column.__name__ = attr if isinstance(attr, str) else getattr(attr, "__name__", "column")
    return admin.display(description=description, ordering=ordering or (attr if isinstance(attr, str) else None))(
        column
    )


class RoleListDisplayMixin:
    """``list_display`` chosen by the official's role (issue 18 §1.5): ``list_display_by_role`` maps a
    role (core.choices.Role, a Django group) to its columns; the first role the user has wins, in the
    mapping's order; anyone else (superusers, platform admins) gets ``list_display``."""

    list_display_by_role: dict = {}

    def get_list_display(self, request):
        if not self.list_display_by_role or is_platform_admin(request.user):
            return super().get_list_display(request)
        groups = set(request.user.groups.values_list("name", flat=True))
        for role, columns in self.list_display_by_role.items():
            if str(role) in groups:
                return columns
        return super().get_list_display(request)


def coloured(text, level):
    """Red for overdue, orange for due within 1 working day."""
    colour = {"overdue": "#ba2121", "due": "#c05600"}.get(level)
    if colour is None:
        return text
    return format_html('<span style="color:{};font-weight:bold">{}</span>', colour, text)


def file_response(field_file):
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(field_file.name))


def due_window(request=None):
    """``(today, last day counted as due soon)``: a deadline on or before the next working day is due
    within 1 working day. Worked out once per request (the calendar reads the officials' overrides)."""
    cached = getattr(request, "_due_window", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    window = (today, add_working_days(today, DUE_WITHIN_WORKING_DAYS).date)
    if request is not None:
        request._due_window = window
    return window


def todo_scope(context):
    """``(request, user, scope)`` for a 待办 panel, or None when the user has no department to count
    for. ``scope`` is core.scoping.scope_to_department with the platform check made once."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    platform = is_platform_admin(user)
    if not platform and user.department_id is None:
        return None

    def scope(queryset):
        return queryset if platform else queryset.filter(department_id=user.department_id)

    return request, user, scope


# --- actions --------------------------------------------------------------------------------------


def intermediate_action(
    modeladmin,
    request,
    queryset,
    *,
    form_class,
    title,
    apply,
    done,
    submit=None,
    initial=None,
    single=False,
    note="",
    template=ACTION_FORM_TEMPLATE,
    refusal_on_form=False,
):
    """An action that asks for a few fields first (the admin's confirmation-page pattern).

    ``apply(obj, cleaned_data)`` calls the service; each refusal is shown as a message naming the row.
    A form with a file field is posted as multipart (the template asks ``form.is_multipart``).
    """
    count = queryset.count()
    if count == 0:
        # The rows chosen are not in this official's (scoped) list: another department's, or gone.
        messages.error(request, _("所选记录不在您可以处理的范围内（只能处理本部门的记录），未作任何处理。"))
        return None
    if single and count != 1:
        messages.error(request, _("请一次只选择一条记录执行“%(title)s”。") % {"title": title})
        return None
    if count > MAX_ACTION_ROWS:
        messages.error(
            request,
            _("一次最多对 %(max)s 条记录执行“%(title)s”，本次选择了 %(n)s 条。")
            % {"max": MAX_ACTION_ROWS, "title": title, "n": count},
        )
        return None
    applying = "apply" in request.POST
    form = form_class(request.POST if applying else None, request.FILES if applying else None, initial=initial)
    refused_on_form = False
    if applying and form.is_valid():
        ok = 0
        for obj in queryset:
            try:
                apply(obj, form.cleaned_data)
            except ValidationError as exc:
                if refusal_on_form and single:
                    # Issue 12 §6: the refusal next to its field, on the same form, with every typed value kept.
                    add_service_errors(form, exc)
                    refused_on_form = True
                else:
                    show_refusal(request, exc, f"{obj}：")
            else:
                ok += 1
        if ok:
            messages.success(request, _("%(done)s %(n)s 条。") % {"done": done, "n": ok})
        if not refused_on_form:
            return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "form": form,
        "objects": list(queryset[:MAX_ACTION_ROWS]),
        "count": count,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "selected": [str(pk) for pk in queryset.values_list("pk", flat=True)],
        "submit": submit or _("确定"),
        "note": note,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, template, context)


class ObjectActionsMixin:
    """Buttons on an object's page that run the list's actions on that one object (same form, same service)."""

    change_form_template = OBJECT_ACTIONS_CHANGE_FORM
    action_query = ""  # e.g. "?state=all", so the list's default filter does not hide the object

    def object_actions(self, request, obj) -> list:
        """``[(action name, label)]`` that apply to ``obj`` in its current state."""
        return []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        extra = {"item_links": deadline_items.item_links(request, obj) if obj is not None else []}
        if obj is not None and self.owns(request, obj) and self.has_change_permission(request):
            opts = self.model._meta
            extra.update(
                remedy_actions=self.object_actions(request, obj),
                remedy_action_url=reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + self.action_query,
                action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
            )
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})


# --- list filters ---------------------------------------------------------------------------------


class StateFilter(admin.SimpleListFilter):
    """A state filter with a default (an inbox opens on what is still to do); “全部” shows all."""

    title = _("状态")
    parameter_name = "state"
    choices_class = None
    default = None

    def lookups(self, request, model_admin):
        return [*self.choices_class.choices, ("all", _("全部"))]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value in (None, "all") else queryset.filter(state=value)


class DeadlineFilter(admin.SimpleListFilter):
    """期限: due within 1 working day (or overdue), or overdue; and the 待办 panel's groups (core.todo:
    已逾期, 1个工作日内, 3个工作日内, 更晚, and every open row). ``deadline_q(lookup, day)`` selects the open
    rows whose deadline is ``lookup`` ``day`` (the 待办 panel counts with the same function)."""

    title = _("期限")
    parameter_name = "deadline"
    deadline_q = None

    def lookups(self, request, model_admin):
        return [
            ("due", _("1个工作日内到期或已逾期")),
            ("overdue", _("已逾期")),
            ("d1", _("1个工作日内到期")),
            ("d3", _("2至3个工作日内到期")),
            ("later", _("3个工作日后到期")),
            (todo.OPEN, _("全部未办结")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "due":
            _today, until = due_window(request)
            return queryset.filter(self.deadline_q("lte", until))
        if self.value() in ("overdue", "d1", "d3", "later", todo.OPEN):
            return queryset.filter(todo.group_q(self.deadline_q, self.value(), todo.bounds(request)))
        return queryset


# --- admin bases ----------------------------------------------------------------------------------


class UsccSearchMixin:
    """Search by USCC on ``entity_id`` (exact on 18 characters, else a prefix of 2–17) and by the text
    fields in ``text_search_fields`` (``text_search_lookup``: ``icontains``, or ``startswith`` where
    a big table indexes them). On a big table (``text_search_indexed``) each text field has a bigram
    GIN index, and every space-separated word must occur in one field: at most 1,000 rows, the newest
    first, found with bounded cost (``core.search.bounded_text_matches``; the page says when capped).

    A query made only of USCC characters is a code and is looked up on the code's index alone; a
    shorter one (``2026``) is read as text when no row has such a code. Read as both at once, a code
    prefix that no text contains scanned every row's text (issue 16 §3: 3.2 s on 5,000,000 records).
    """

    text_search_fields = ()
    text_search_lookup = "icontains"
    text_search_indexed = False  # True: every text field has a cjk_tsvector GIN index (core.search)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        code = uscc.normalize(term)
        if len(code) == 18:
            return queryset.filter(entity_id=code), False
        if USCC_PREFIX.match(code):
            by_code = queryset.filter(entity__uscc__startswith=code)  # the key column itself: no join
            # 8 characters and more (登记管理部门 + 行政区划码) is a code, never a text fragment.
            if len(code) >= USCC_CODE_ONLY or not self.text_search_fields or by_code.exists():
                return by_code, False
        if self.text_search_indexed:
            ordering = tuple(self.get_ordering(request) or queryset.model._meta.ordering or ("-pk",))
            found = search.bounded_text_matches(queryset, term, tuple(self.text_search_fields), ordering)
            if found.capped:
                messages.warning(
                    request,
                    _(
                        "匹配的记录超过 %(cap)s 条，只列出其中 %(cap)s 条（最新的在前）。请加上统一社会信用代码、更多关键词或筛选条件。"
                    )
                    % {"cap": f"{found.cap:,}"},
                )
            return queryset.filter(pk__in=found.ids[: found.cap]), False
        q = Q()
        for name in self.text_search_fields:
            q |= Q(**{f"{name}__{self.text_search_lookup}": term})
        return (queryset.filter(q) if q else queryset.none()), False


class LargeListMixin:
    """The list of a big table (issue 16 §3): its count is bounded (``core.counting``: exact up to
    10,000 rows, then “约 N 条”), and no second count of the whole table beside a search's."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False


class ViewOnceSavedMixin:
    """A row that, once saved, is only viewed and never deleted: every later change is an admin
    action that calls a service (STYLE.md rule 7), so the audit trail holds it."""

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


def _own_department_field(db_field, request, kwargs) -> None:
    """An official picks only their own department in the department field (a platform admin any)."""
    dept = department_of(request.user)
    kwargs["queryset"] = db_field.related_model._default_manager.filter(pk=dept.pk if dept else None)
    kwargs["initial"] = dept


class ScopedAdmin(admin.ModelAdmin):
    """Officials see and act on their own department's rows; a platform admin on all."""

    department_field = "department"

    def get_queryset(self, request):
        return scope_to_department(super().get_queryset(request), request.user, self.department_field)

    def owns(self, request, obj) -> bool:
        return obj is None or owns(request.user, obj, self.department_field)

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        return [*filters, self.department_field] if is_platform_admin(request.user) else filters

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.department_field and not is_platform_admin(request.user):
            _own_department_field(db_field, request, kwargs)
        elif db_field.name == self.department_field:
            kwargs["initial"] = department_of(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ServiceFormAdmin(admin.ModelAdmin):
    """``save_model`` calls a service. If it refuses after the form validated (a race), the
    official gets its message and the form again; nothing is logged as saved."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        fixed = None if is_platform_admin(request.user) else department_of(request.user)
        return type(form.__name__, (form,), {"department_fixed": fixed, "actor": request.user})

    def refused(self, request, exc):
        show_refusal(request, exc)
        request._service_refused = True

    def log_addition(self, request, obj, message):
        if not getattr(request, "_service_refused", False):
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not getattr(request, "_service_refused", False):
            return super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_service_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "_service_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAdmin(admin.ModelAdmin):
    """save_model and delete go through services (STYLE.md rule 7).

    ``save_service = (service, keyword name of the instance)``: called with the form's model fields.
    ``delete_service``: ``service(actor=, obj=)`` deleting one row with its audit event (a staticmethod).
    """

    save_service = None
    delete_service = None

    def save_model(self, request, obj, form, change):
        service, instance_kw = self.save_service
        fields = form_fields(form)
        instance = type(obj).objects.get(pk=obj.pk) if change else None
        try:
            saved = service(actor=request.user, **{instance_kw: instance}, **fields)
        except ValidationError as exc:
            # The form already validated; a service rule (e.g. checklist code) may still refuse.
            messages.error(request, "；".join(exc.messages))
            raise PermissionDenied("；".join(exc.messages))
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        self.delete_service(actor=request.user, obj=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_service(actor=request.user, obj=obj)


class DepartmentScopedAdmin(ServiceAdmin):
    """An official changes only rows of their own department; a platform admin changes all."""

    department_field = "department"
    scope_view = False  # True: officials also see only their own department's rows

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return scope_to_department(qs, request.user, self.department_field) if self.scope_view else qs

    def _owns(self, request, obj):
        return obj is None or owns(request.user, obj, self.department_field)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._owns(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.department_field and not is_platform_admin(request.user):
            _own_department_field(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not is_platform_admin(request.user):
            setattr(obj, self.department_field, department_of(request.user))
            form.cleaned_data[self.department_field] = department_of(request.user)
        super().save_model(request, obj, form, change)

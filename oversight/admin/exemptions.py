"""尽职免责 in the admin: the responsible department files a reason with evidence for a late or overdue
item; a superior department (or the platform administrator) accepts or rejects it with a note.

An official sees the reasons of their department's subtree: their own filings and those they may
decide for the departments below; the platform administrator and the 监督人员 see all.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import deadline_items
from core.admin_base import ObjectActionsMixin, ServiceFormAdmin, adopt, file_response, intermediate_action
from oversight import services
from oversight.eval_scope import is_superior, scope_departments
from oversight.forms_eval import DecisionNoteForm, ExemptionFileForm
from oversight.models import DutyExemption, ExemptionState

VIEW_FIELDS = (
    "kind_label",
    "item_link",
    "department",
    "reason_kind",
    "reason",
    "evidence_link",
    "filed_by",
    "filed_at",
    "state",
    "decided_by",
    "decided_at",
    "decision_note",
)


def item_url(kind: str, object_id) -> str | None:
    try:
        model = deadline_items.spec(kind).model
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[object_id])
    except (KeyError, NoReverseMatch):
        return None


@admin.register(DutyExemption)
class DutyExemptionAdmin(ObjectActionsMixin, ServiceFormAdmin):
    form = ExemptionFileForm
    list_display = (
        "filed_at",
        "kind_label",
        "item_link",
        "department",
        "reason_kind",
        "state",
        "filed_by",
        "decided_at",
    )
    list_filter = ("state", "kind", "reason_kind")
    list_select_related = ("department", "filed_by")
    search_fields = ("reason",)
    actions = ["accept", "reject"]

    def get_queryset(self, request):
        return scope_departments(super().get_queryset(request), request.user)

    def get_urls(self):
        evidence = path(
            "<int:pk>/evidence/",
            self.admin_site.admin_view(self.evidence_view),
            name="oversight_dutyexemption_evidence",
        )
        return [evidence, *super().get_urls()]

    def evidence_view(self, request, pk):
        obj = self.get_queryset(request).filter(pk=pk).first()
        if obj is None or not self.has_view_permission(request, obj):
            return file_response(None)
        return file_response(obj.evidence)

    # --- display --------------------------------------------------------------------------------------

    @admin.display(description=_("事项类型"), ordering="kind")
    def kind_label(self, obj):
        labels = {s.kind: s.label for s in deadline_items.specs()}
        return labels.get(obj.kind, obj.kind)

    @admin.display(description=_("事项"))
    def item_link(self, obj):
        url = item_url(obj.kind, obj.object_id)
        return format_html('<a href="{}">#{}</a>', url, obj.object_id) if url else f"#{obj.object_id}"

    @admin.display(description=_("证明材料"))
    def evidence_link(self, obj):
        if not obj.evidence:
            return "-"
        url = reverse("admin:oversight_dutyexemption_evidence", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.evidence.name.rsplit("/", 1)[-1])

    # --- forms ----------------------------------------------------------------------------------------

    def get_fields(self, request, obj=None):
        return VIEW_FIELDS if obj is not None else ExemptionFileForm.Meta.fields

    def get_readonly_fields(self, request, obj=None):
        return VIEW_FIELDS if obj is not None else ()

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["fields"] = ()
        return super().get_form(request, obj, **kwargs)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and getattr(request.user, "department_id", None) is not None

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            saved = services.duty_exemption_file(**form.service_kwargs())
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)

    # --- decisions ------------------------------------------------------------------------------------

    def owns(self, request, obj) -> bool:
        return obj is None or is_superior(request.user, obj.department_id)

    def object_actions(self, request, obj):
        if obj.state != ExemptionState.SUBMITTED:
            return []
        return [("accept", _("认可")), ("reject", _("不予认可"))]

    def _decide(self, request, queryset, accept: bool):
        def apply(obj, data):
            services.duty_exemption_decide(actor=request.user, exemption=obj, accept=accept, note=data["note"])

        return intermediate_action(
            self,
            request,
            queryset,
            form_class=DecisionNoteForm,
            title=_("认可尽职免责") if accept else _("不予认可尽职免责"),
            apply=apply,
            done=_("已认可") if accept else _("已不予认可"),
            note=_(
                "认可后，该事项不计入履职评估的按时率，并在评估报告中列示。只有上级部门或平台管理员可以审核，责任部门本身不能审核。"
            ),
        )

    @admin.action(description=_("认可（上级部门）"), permissions=["change"])
    def accept(self, request, queryset):
        return self._decide(request, queryset, True)

    @admin.action(description=_("不予认可（上级部门）"), permissions=["change"])
    def reject(self, request, queryset):
        return self._decide(request, queryset, False)

"""督办 in the admin (issue 17 §4), in Chinese, for both sides.

- The issuer side (a platform administrator or an official of a parent department): 可督办事项 (the
  overdue and at-risk items of the departments below, with a 督办 button), the issue form, the list of
  督办 issued (``?side=issued``) and the answers to review (``?side=review``): 办结 or 退回.
- The responsible department: its inbox (``?side=inbox``), answered with the action and evidence.

Every change is an action calling ``oversight.services.directives``; a 督办 is never edited in place.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    DeadlineFilter,
    ObjectActionsMixin,
    StateFilter,
    ViewOnceSavedMixin,
    coloured,
    file_response,
    intermediate_action,
)
from core.forms import add_service_errors
from core.models import AuditEvent
from core.scoping import is_platform_admin
from oversight import services
from oversight.admin.warnings import WarningDisposeMixin
from oversight.directives import (
    AT_RISK_WORKING_DAYS,
    AWAITING_ANSWER,
    directive_deadline_q,
    directives_visible_to,
    find_item,
    inbox_q,
    issued_q,
    item_url,
    kind_labels,
    may_answer,
    may_review,
    pressable_items,
    review_q,
)
from oversight.forms import DirectiveAnswerForm, DirectiveCloseForm, DirectiveIssueForm, DirectiveReturnForm
from oversight.models import Directive, DirectiveEvidence, DirectiveState
from supervision.selectors import may_press


def person(user) -> str:
    """Staff by full name, else by login name ("" for none)."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""


SIDES = {
    "inbox": ("待本部门答复的督办", inbox_q),
    "issued": ("本部门发出的督办", issued_q),
    "review": ("待我审核答复的督办", review_q),
}
STEP_LABELS = {
    "directive.issue": "督办",
    "directive.answer": "答复",
    "directive.close": "办结",
    "directive.return": "退回重办",
}


class DirectiveSideFilter(admin.SimpleListFilter):
    """Which side of the 督办 the list shows: the inbox, what was issued, what waits for my review."""

    title = _("督办方向")
    parameter_name = "side"

    def lookups(self, request, model_admin):
        return [(code, label) for code, (label, _q) in SIDES.items()]

    def queryset(self, request, queryset):
        side = SIDES.get(self.value())
        return queryset.filter(side[1](request.user)) if side else queryset


class DirectiveStateFilter(StateFilter):
    choices_class = DirectiveState

    def lookups(self, request, model_admin):
        return [("live", _("未办结")), *DirectiveState.choices, ("all", _("全部"))]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.exclude(state=DirectiveState.CLOSED)
        return super().queryset(request, queryset)


class DirectiveDeadlineFilter(DeadlineFilter):
    title = _("答复期限")
    deadline_q = staticmethod(directive_deadline_q)


class DirectiveKindFilter(admin.SimpleListFilter):
    title = _("督办事项类型")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return list(kind_labels().items())

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Directive)
class DirectiveAdmin(WarningDisposeMixin, ViewOnceSavedMixin, ObjectActionsMixin, admin.ModelAdmin):
    list_display = (
        "issued_at",
        "item_display",
        "department",
        "issuing_department",
        "issued_by",
        "due_display",
        "state",
        "answered_at",
    )
    list_filter = (DirectiveSideFilter, DirectiveStateFilter, DirectiveDeadlineFilter, DirectiveKindFilter)
    list_select_related = ("department", "issuing_department", "issued_by")
    fields = (
        "item_detail",
        "department",
        "issuing_department",
        "issuer_display",
        "issued_at",
        "reason",
        "answer_working_days",
        "due_display",
        "state",
        "answer",
        "answerer_display",
        "answered_at",
        "evidence_display",
        "close_note",
        "closed_at",
        "history",
    )
    readonly_fields = fields
    actions = ["answer", "close", "send_back"]
    change_list_template = "admin/oversight/directive/change_list.html"

    def get_queryset(self, request):
        return directives_visible_to(request.user)

    def has_add_permission(self, request):
        return False  # issued from 可督办事项 or an item's page, through ``issue_view``

    def owns(self, request, obj) -> bool:
        return obj is None or may_answer(request.user, obj) or may_review(request.user, obj)

    def changelist_view(self, request, extra_context=None):
        side = SIDES.get(request.GET.get("side"))
        extra = {"title": side[0] if side else "督办", "can_issue": self._can_issue(request)}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def _can_issue(self, request) -> bool:
        return request.user.has_perm("oversight.add_directive")

    # --- columns ----------------------------------------------------------------------------------

    @admin.display(description=_("督办事项"))
    def item_display(self, obj):
        label = f"{kind_labels().get(obj.kind, obj.kind)} #{obj.object_id}"
        try:
            return format_html('<a href="{}">{}</a>', item_url(obj.kind, obj.object_id), label)
        except KeyError:  # a kind no longer registered: its label, without a link
            return label

    @admin.display(description=_("督办事项"))
    def item_detail(self, obj):
        """The item itself on the 督办's page (one lookup): what it is, its department's deadline."""
        item = find_item(obj.kind, obj.object_id)
        if item is None:
            return self.item_display(obj)
        due = ""
        if item.due:
            due = f"；办理期限 {item.due:%Y-%m-%d}" + ("（已逾期）" if item.overdue and item.issuable else "")
        return format_html('{}：<a href="{}">{}</a>{}', item.kind_label, item.url, item.label, due)

    @admin.display(description=_("督办人"))
    def issuer_display(self, obj):
        return person(obj.issued_by)

    @admin.display(description=_("答复人"))
    def answerer_display(self, obj):
        return person(obj.answered_by) or "-"

    @admin.display(description=_("答复期限"), ordering="answer_due_on")
    def due_display(self, obj):
        text = f"{obj.answer_due_on:%Y-%m-%d}{'（暂定）' if obj.answer_due_provisional else ''}"
        if obj.state in AWAITING_ANSWER and obj.answer_due_on < timezone.localdate():
            return coloured(f"{text}（已逾期）", "overdue")
        return text

    @admin.display(description=_("证明材料"))
    def evidence_display(self, obj):
        files = list(obj.evidence.all())
        if not files:
            return "-"
        return format_html_join(
            "",
            '<div><a href="{}">{}</a></div>',
            ((reverse("admin:oversight_directive_evidence", args=[obj.pk, f.pk]), f.name) for f in files),
        )

    @admin.display(description=_("办理经过"))
    def history(self, obj):
        events = (
            AuditEvent.objects.filter(target_type="oversight.directive", target_id=str(obj.pk))
            .select_related("actor_user")
            .order_by("id")
        )
        rows = [
            (
                timezone.localtime(e.occurred_at).strftime("%Y-%m-%d %H:%M"),
                STEP_LABELS.get(e.action, e.action),
                person(e.actor_user) or e.actor_label,
                (e.after or {}).get("note") or (e.after or {}).get("answer") or (e.after or {}).get("reason") or "",
            )
            for e in events
        ]
        if not rows:
            return "-"
        return format_html(
            '<table><thead><tr><th>时间</th><th style="white-space:nowrap">环节</th><th style="white-space:nowrap">操作人</th>'
            "<th>说明</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                '<tr><td style="white-space:nowrap">{}</td><td style="white-space:nowrap">{}</td>'
                '<td style="white-space:nowrap">{}</td><td style="white-space:pre-wrap">{}</td></tr>',
                rows,
            ),
        )

    # --- actions ----------------------------------------------------------------------------------

    def object_actions(self, request, obj):
        actions = []
        if obj.state in AWAITING_ANSWER and may_answer(request.user, obj):
            actions.append(("answer", "答复"))
        if obj.state == DirectiveState.ANSWERED and may_review(request.user, obj):
            actions += [("close", "办结"), ("send_back", "退回重办")]
        return actions

    @admin.action(description=_("答复督办（办理情况和证明材料）"), permissions=["change"])
    def answer(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset.filter(department_id=request.user.department_id, state__in=AWAITING_ANSWER),
            form_class=DirectiveAnswerForm,
            title=_("答复督办"),
            single=True,
            refusal_on_form=True,
            apply=lambda d, data: services.directive_answer(
                actor=request.user, directive=d, answer=data["answer"], evidence=data["evidence"]
            ),
            done=_("已答复督办"),
            submit=_("提交答复"),
        )

    @admin.action(description=_("办结（认可答复）"), permissions=["change"])
    def close(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset.filter(state=DirectiveState.ANSWERED),
            form_class=DirectiveCloseForm,
            title=_("办结督办"),
            apply=lambda d, data: services.directive_close(actor=request.user, directive=d, note=data["note"]),
            done=_("已办结督办"),
            submit=_("办结"),
        )

    @admin.action(description=_("退回重办"), permissions=["change"])
    def send_back(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset.filter(state=DirectiveState.ANSWERED),
            form_class=DirectiveReturnForm,
            title=_("退回重办"),
            single=True,
            refusal_on_form=True,
            apply=lambda d, data: services.directive_return(
                actor=request.user,
                directive=d,
                note=data["note"],
                answer_working_days=data.get("answer_working_days"),
            ),
            done=_("已退回督办"),
            submit=_("退回"),
        )

    # --- pages ------------------------------------------------------------------------------------

    def get_urls(self):
        own = [
            path("issue/", self.admin_site.admin_view(self.issue_view), name="oversight_directive_issue"),
            path("pressable/", self.admin_site.admin_view(self.pressable_view), name="oversight_directive_pressable"),
            path(
                "<int:pk>/evidence/<int:evidence_id>/",
                self.admin_site.admin_view(self.evidence_view),
                name="oversight_directive_evidence",
            ),
        ]
        return [*own, *super().get_urls()]

    def pressable_view(self, request):
        """可督办事项: the overdue and at-risk items of the departments the user may press."""
        if not self._can_issue(request):
            raise PermissionDenied
        kind = request.GET.get("kind") or None
        items = pressable_items(request.user, kind if kind in kind_labels() else None)
        issue = reverse("admin:oversight_directive_issue")
        context = {
            **self.admin_site.each_context(request),
            "title": "可督办事项",
            "opts": self.model._meta,
            "items": [(i, f"{issue}?kind={i.kind}&object_id={i.object_id}") for i in items],
            "kinds": list(kind_labels().items()),
            "kind": kind,
            "at_risk_days": AT_RISK_WORKING_DAYS,
            "scope_label": "全部部门" if is_platform_admin(request.user) else "下级部门",
            "today": timezone.localdate(),
        }
        return TemplateResponse(request, "admin/oversight/directive/pressable.html", context)

    def issue_view(self, request):
        """督办 one item: ``?kind=&object_id=``; the form asks for the reason and the answer period."""
        if not self._can_issue(request):
            raise PermissionDenied
        kind = request.GET.get("kind") or request.POST.get("kind") or ""
        object_id = request.GET.get("object_id") or request.POST.get("object_id") or ""
        item = find_item(kind, object_id)
        if item is None:
            raise Http404("找不到该督办事项")
        if not may_press(request.user, item.department_id):
            raise PermissionDenied
        form = DirectiveIssueForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                directive = services.directive_issue(
                    actor=request.user,
                    kind=kind,
                    object_id=object_id,
                    reason=form.cleaned_data["reason"],
                    answer_working_days=form.cleaned_data["answer_working_days"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, f"已督办，{directive.department}须在 {directive.answer_due_on:%Y-%m-%d} 前答复。"
                )
                return HttpResponseRedirect(reverse("admin:oversight_directive_change", args=[directive.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "督办",
            "opts": self.model._meta,
            "item": item,
            "form": form,
            "kind": kind,
            "object_id": object_id,
            "at_risk_days": AT_RISK_WORKING_DAYS,
        }
        return TemplateResponse(request, "admin/oversight/directive/issue.html", context)

    def evidence_view(self, request, pk, evidence_id):
        directive = self.get_queryset(request).filter(pk=pk).first()
        if directive is None or not self.has_view_permission(request, directive):
            raise Http404
        evidence = DirectiveEvidence.objects.filter(directive=directive, pk=evidence_id).first()
        if evidence is None:
            raise Http404
        return file_response(evidence.file)

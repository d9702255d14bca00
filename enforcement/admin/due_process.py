"""Admin pieces for a case's due process (issue 12 §6), mixed into CaseAdmin (enforcement.admin.cases).

The proposed decision (拟处罚意见) and its display on the 法制审核 screen; the party's answer to the 告知
(书面放弃, 陈述申辩, 申请听证, 听证笔录归档) and the day a decision may follow. Every change is an action
calling a service. (The complaints' 设置统一社会信用代码 and 指定承办人员 are in enforcement.admin.complaints.)
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import intermediate_action
from credit.choices import PenaltyType
from enforcement import case_steps
from enforcement.admin.forms import DocumentsMixin, document_pairs
from enforcement.case_rules import answer_deadline, earliest_decision_day
from enforcement.choices import CaseStage, Circumstance
from enforcement.templatetags.enforcement_public import yuan

ANSWER_KINDS = [
    ("waiver", _("当事人书面放弃陈述、申辩和听证权利")),
    ("statement", _("当事人陈述、申辩（含复核意见）")),
    ("hearing_request", _("当事人申请听证")),
    ("hearing_record", _("听证笔录归档")),
]


class AnswerForm(DocumentsMixin):
    kind = forms.ChoiceField(label=_("登记事项"), choices=ANSWER_KINDS, widget=forms.RadioSelect)
    day = forms.DateField(label=_("日期"), required=False, widget=AdminDateWidget, help_text=_("不填则为今天"))
    note = forms.CharField(
        label=_("情况说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("陈述申辩的内容及复核意见、听证的情况等；书面材料请作为附件上传"),
    )
    field_order = ("kind", "day", "note", "document_title", "documents")


def answer_apply(actor, case, data):
    kwargs = {"actor": actor, "case": case, "note": data.get("note") or "", "documents": document_pairs(data)}
    day = data.get("day")
    return {
        "waiver": lambda: case_steps.case_rights_waive(waived_on=day, **kwargs),
        "statement": lambda: case_steps.case_statement_record(stated_on=day, **kwargs),
        "hearing_request": lambda: case_steps.case_hearing_request(requested_on=day, **kwargs),
        "hearing_record": lambda: case_steps.case_hearing_record_file(filed_on=day, **kwargs),
    }[data["kind"]]()


class ProposalForm(forms.Form):
    penalty_types = forms.MultipleChoiceField(
        label=_("拟处罚种类（可多选）"), choices=PenaltyType.choices, widget=forms.CheckboxSelectMultiple
    )
    fine_amount = forms.DecimalField(
        label=_("拟罚款金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    confiscation_amount = forms.DecimalField(
        label=_("拟没收金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    circumstance = forms.ChoiceField(label=_("裁量情节"), choices=Circumstance.choices, initial=Circumstance.GENERAL)
    legal_basis = forms.CharField(label=_("处罚依据"), widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))
    out_of_range_reason = forms.CharField(
        label=_("超出裁量基准的书面说明"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80})
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))
    use_required_attribute = False


def proposal_html(case):
    """The proposed decision as the 法制审核 reviewer reads it, with the benchmark range of its circumstance."""
    proposal = case_steps.latest_proposal(case)
    if proposal is None:
        return _("（承办人员尚未提出拟处罚意见）")
    kinds = "、".join(str(PenaltyType(k).label) for k in proposal.penalty_types)
    rows = [("拟处罚种类", kinds), ("裁量情节", proposal.get_circumstance_display())]
    if proposal.fine_amount:
        rows.append(("拟罚款金额", yuan(proposal.fine_amount)))
    if proposal.confiscation_amount:
        rows.append(("拟没收金额", yuan(proposal.confiscation_amount)))
    rows.append(("处罚依据", proposal.legal_basis))
    if case.standard_id:
        low, high = case.standard.fine_range(proposal.circumstance)
        rows.append(
            (
                f"裁量基准（{proposal.get_circumstance_display()}）",
                f"{case.standard.code} {case.standard.violation_type}：{yuan(low).removesuffix(' 元')}–{yuan(high)}",
            )
        )
    else:
        rows.append(("裁量基准", "本案未适用裁量基准"))
    rows.append(("超出裁量基准的书面说明", proposal.out_of_range_reason or "（未超出裁量幅度，无需说明）"))
    if proposal.note:
        rows.append(("说明", proposal.note))
    return format_html(
        '<table class="case-proposal"><caption style="text-align:left">拟作出的处罚决定</caption><tbody>{}</tbody></table>',
        format_html_join(
            "", '<tr><th style="white-space:nowrap">{}</th><td style="white-space:pre-wrap">{}</td></tr>', rows
        ),
    )


class CaseDueProcessMixin:
    """CaseAdmin's 拟处罚意见 and 陈述申辩/听证 actions, and the 告知 summary on the case's page."""

    @admin.display(description=_("告知与陈述申辩、听证"))
    def notice_display(self, obj):
        if obj.notice_served_on is None:
            return self.get_empty_value_display()
        deadline = answer_deadline(obj)
        lines = [
            f"《行政处罚告知书》送达：{obj.notice_served_on}；陈述、申辩和要求听证期限（{deadline.rule.working_days}个工作日）至{deadline}"
        ]
        for label, day in (
            ("书面放弃陈述申辩和听证权利", obj.rights_waived_on),
            ("陈述申辩", obj.statement_on),
            ("申请听证", obj.hearing_requested_on),
            ("听证笔录归档", obj.hearing_record_on),
        ):
            if day:
                lines.append(f"{label}：{day}")
        earliest = earliest_decision_day(obj)
        if obj.stage == CaseStage.NOTICE:
            lines.append(
                f"最早可作出处罚决定的日期：{earliest}"
                if earliest
                else "当事人已申请听证：听证笔录归档后方可作出处罚决定"
            )
        return format_html_join("", "<div>{}</div>", ((line,) for line in lines))

    @admin.display(description=_("拟处罚意见"))
    def proposal_display(self, obj):
        return proposal_html(obj)

    @admin.action(description=_("拟处罚意见"), permissions=["change"])
    def propose(self, request, queryset):
        case = self._one(queryset)
        return intermediate_action(
            self,
            request,
            queryset,
            single=True,
            form_class=ProposalForm,
            title=_("拟处罚意见"),
            done=_("已记录拟处罚意见"),
            submit=_("提交拟处罚意见"),
            note=_(
                "拟作出的处罚种类、金额和依据，供法制审核并在告知书中告知当事人；罚款超出所选情节的裁量幅度的，须书面说明理由。"
            ),
            initial={"legal_basis": case.standard.penalty_basis} if case is not None and case.standard_id else None,
            refusal_on_form=True,
            apply=lambda obj, data: case_steps.case_proposal_record(
                actor=request.user,
                case=obj,
                penalty_types=list(data["penalty_types"]),
                fine_amount=data.get("fine_amount") or 0,
                confiscation_amount=data.get("confiscation_amount") or 0,
                circumstance=data["circumstance"],
                legal_basis=data["legal_basis"],
                out_of_range_reason=data.get("out_of_range_reason") or "",
                note=data.get("note") or "",
            ),
        )

    @admin.action(description=_("登记陈述申辩、听证"), permissions=["change"])
    def record_answer(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            single=True,
            form_class=AnswerForm,
            title=_("登记陈述申辩、听证"),
            done=_("已登记"),
            submit=_("确认登记"),
            note=_(
                "告知书送达后，当事人可在5个工作日内陈述、申辩或者要求听证（《行政处罚法》第六十四条），期满方可作出处罚决定；"
                "当事人书面放弃或已陈述申辩的可以提前决定；申请听证的，听证笔录归档后方可决定。"
            ),
            refusal_on_form=True,
            apply=lambda obj, data: answer_apply(request.user, obj, data),
        )

"""Admin forms for cases, decisions, disclosures and discretion benchmarks.

The forms check what an official typed; the rules are the services' (``case_open``, ``case_advance``,
``legal_review_record``, ``penalty_decision_issue`` …), whose exact reasons are shown on the form or
as messages. Case documents use credit's evidence upload (real PDF/JPG/PNG, at most 5 of 10 MB).
"""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import EvidenceField, ImportFileForm, NoModelValidationMixin, UsccField, add_service_errors, dry_run
from credit.choices import PenaltyType
from enforcement import services
from enforcement.choices import CaseOutcome, CaseSource, CaseStage, Circumstance, Procedure, ReviewResult
from enforcement.models import Case, DiscretionStandard
from inspections.models import InspectionResult
from supervision.models import Inspector, MarketEntity

TEXTAREA = {"rows": 4, "cols": 80}
WIDE = {"size": 80}  # a one-line text as wide as the text areas
DOCUMENTS_HELP = _("询问笔录、告知书、送达回证等：PDF、JPG 或 PNG，每个不超过 10 MB，最多 5 个")


def document_pairs(cleaned) -> list:
    """``(title, upload)`` pairs for the services; the title is the optional 文书名称 or the file's name."""
    title = (cleaned.get("document_title") or "").strip()
    uploads = cleaned.get("documents") or []
    return [
        ((f"{title}（{i}）" if title and len(uploads) > 1 else title) or upload.name, upload)
        for i, upload in enumerate(uploads, start=1)
    ]


class DocumentsMixin(forms.Form):
    document_title = forms.CharField(
        label=_("文书名称"), max_length=150, required=False, help_text=_("不填则使用文件名")
    )
    documents = EvidenceField(label=_("附件文书"), required=False, help_text=DOCUMENTS_HELP)


def department_inspectors(department):
    return (
        Inspector.objects.filter(department=department, active=True).order_by("name")
        if department
        else Inspector.objects.none()
    )


# --- 立案 ---------------------------------------------------------------------------------------------


class CaseOpenForm(NoModelValidationMixin, forms.ModelForm):
    """立案 (from an inspection result, monitoring, a transfer in …); validated by a dry run of ``case_open``.
    A case from a complaint is opened from the complaint (转立案)."""

    entity_uscc = UsccField(
        label=_("当事人统一社会信用代码"), required=False, help_text=_("来源为检查结果时不填则取检查对象")
    )
    handlers = forms.ModelMultipleChoiceField(
        label=_("承办人员"),
        queryset=Inspector.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("至少2名持有效执法证的本部门执法人员（《行政处罚法》第四十二条）"),
    )
    lead = forms.ModelChoiceField(
        label=_("主办人"), queryset=Inspector.objects.none(), required=False, help_text=_("不填则为所选第一名")
    )
    note = forms.CharField(label=_("立案说明"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))
    document_title = forms.CharField(
        label=_("文书名称"), max_length=150, required=False, help_text=_("如：立案审批表；不填则使用文件名")
    )
    documents = EvidenceField(label=_("附件文书"), required=False, help_text=DOCUMENTS_HELP)
    department_fixed = None  # set by the admin: the official's own department (None: platform admin chooses)
    actor = None

    class Meta:
        model = Case
        fields = (
            "department",
            "source",
            "source_result",
            "source_note",
            "party_name",
            "party_is_minor",
            "title",
            "standard",
            "is_major",
            "filed_on",
        )
        widgets = {"filed_on": AdminDateWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dept = self.department_fixed
        # Complaints and warnings open their cases from their own pages (转立案; 预警的“已立案”处置).
        self.fields["source"].choices = [
            (v, label) for v, label in CaseSource.choices if v not in (CaseSource.COMPLAINT, CaseSource.WARNING)
        ]
        self.fields["source"].help_text = _(
            "来源为投诉举报的案件请在“投诉举报”中使用“转立案”；来源为风险预警的请在预警页面处置"
        )
        results = (
            InspectionResult.objects.filter(needs_case=True, cases__isnull=True)
            .select_related("task", "department")
            .order_by("-id")
        )
        standards = DiscretionStandard.objects.filter(effective_to__isnull=True).order_by("code")
        inspectors = (
            Inspector.objects.filter(active=True).select_related("department").order_by("department__code", "name")
        )
        if dept is not None:
            results, standards, inspectors = (
                results.filter(department=dept),
                standards.filter(department=dept),
                inspectors.filter(department=dept),
            )
        self.fields["source_result"].queryset = results
        self.fields["source_result"].label_from_instance = lambda r: (
            f"{r.task.entity_id}（{r.department.short_name or r.department.name}，检查结果 #{r.pk}）"
        )
        self.fields["source_result"].help_text = _("本部门建议立案查处（发现问题待后续处理）且尚未立案的检查结果")
        self.fields["standard"].queryset = standards
        self.fields["handlers"].queryset = inspectors
        self.fields["lead"].queryset = inspectors
        self.fields["party_name"].required = False
        self.fields["filed_on"].required = False
        if dept is not None and "department" in self.fields:
            self.fields["department"].required = False  # always the official's own department

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        result = data.get("source_result")
        uscc_code, party = data.get("entity_uscc") or "", data.get("party_name") or ""
        if result is not None:
            uscc_code = uscc_code or result.task.entity_id
            if not party:
                party = MarketEntity.objects.filter(uscc=uscc_code).values_list("name", flat=True).first() or ""
        return {
            "department": self.department_fixed or data.get("department"),
            "party_name": party,
            "entity_uscc": uscc_code,
            "title": data.get("title") or "",
            "source": data.get("source") or "",
            "source_result": result,
            "source_note": data.get("source_note") or "",
            "handlers": list(data.get("handlers") or []),
            "lead": data.get("lead"),
            "standard": data.get("standard"),
            "is_major": bool(data.get("is_major")),
            "party_is_minor": bool(data.get("party_is_minor")),
            "filed_on": data.get("filed_on"),
            "note": data.get("note") or "",
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            refusal = dry_run(services.case_open, actor=self.actor, **self.service_kwargs())
            if refusal is not None:
                add_service_errors(self, refusal)
        return cleaned


# --- case actions -----------------------------------------------------------------------------------


class CaseAdvanceForm(DocumentsMixin):
    to_stage = forms.ChoiceField(label=_("推进到"), choices=())
    note = forms.CharField(label=_("办理说明"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))
    # Issue 12 §6: the party's 5 working days to answer run from the day the 告知书 was served.
    notice_served_on = forms.DateField(
        label=_("告知书送达日期"),
        required=False,
        widget=AdminDateWidget,
        help_text=_("推进到告知环节时填写；不填则为今天"),
    )
    field_order = ("to_stage", "note", "notice_served_on", "document_title", "documents")

    @classmethod
    def for_case(cls, case):
        labels = dict(CaseStage.choices)
        choices = [(s, labels[s]) for s in services.allowed_next_stages(case)]
        return type(cls.__name__, (cls,), {"stage_choices": choices})

    stage_choices = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = self.stage_choices
        if len(self.stage_choices) == 1:
            self.fields["to_stage"].initial = self.stage_choices[0][0]


class LegalReviewForm(forms.Form):
    result = forms.ChoiceField(label=_("审核意见"), choices=ReviewResult.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(
        label=_("审核意见书"), widget=forms.Textarea(attrs=TEXTAREA), help_text=_("退回补正的，案件退回调查取证环节")
    )


class HandlersForm(forms.Form):
    handlers = forms.ModelMultipleChoiceField(
        label=_("承办人员"),
        queryset=Inspector.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("至少2名持有效执法证的本部门执法人员"),
    )
    lead = forms.ModelChoiceField(label=_("主办人"), queryset=Inspector.objects.none(), required=False)
    note = forms.CharField(label=_("变更理由"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))
    department = None

    @classmethod
    def for_case(cls, case):
        return type(cls.__name__, (cls,), {"department": case.department})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handlers"].queryset = department_inspectors(self.department)
        self.fields["lead"].queryset = department_inspectors(self.department)


class CaseCloseForm(DocumentsMixin):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=CaseOutcome.choices)
    note = forms.CharField(
        label=_("结案说明"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("移送司法机关的，写明移送的机关和文号"),
    )
    closed_on = forms.DateField(
        label=_("结案日期"), required=False, widget=AdminDateWidget, help_text=_("不填则为今天")
    )
    field_order = ("outcome", "note", "closed_on", "document_title", "documents")


# --- 作出处罚决定 --------------------------------------------------------------------------------------------

DECISION_TEXT_FIELDS = (
    "violation_type",
    "facts",
    "evidence",
    "legal_basis",
    "penalty_content",
    "performance",
    "remedies",
    "out_of_range_reason",
)


class DecisionForm(forms.Form):
    """The contents of a decision (行政处罚法 第59条) with its penalty types (第9条) and amounts."""

    penalty_types = forms.MultipleChoiceField(
        label=_("处罚种类（可多选）"), choices=PenaltyType.choices, widget=forms.CheckboxSelectMultiple
    )
    # Empty, not "0": the service reads an empty amount as 0 (a decision without a fine or confiscation).
    fine_amount = forms.DecimalField(
        label=_("罚款金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    confiscation_amount = forms.DecimalField(
        label=_("没收金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    circumstance = forms.ChoiceField(label=_("裁量情节"), choices=Circumstance.choices, initial=Circumstance.GENERAL)
    out_of_range_reason = forms.CharField(
        label=_("超出裁量基准的书面说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=_("罚款超出所选情节的裁量幅度时必填，且须经法制审核通过"),
    )
    procedure = forms.ChoiceField(label=_("程序"), choices=Procedure.choices, initial=Procedure.GENERAL)
    violation_type = forms.CharField(
        label=_("违法行为类型"),
        max_length=300,
        required=False,
        help_text=_("不填则取裁量基准的违法行为或案由"),
        widget=forms.TextInput(attrs=WIDE),
    )
    party_address = forms.CharField(
        label=_("当事人地址"), max_length=300, required=False, widget=forms.TextInput(attrs=WIDE)
    )
    legal_representative = forms.CharField(label=_("法定代表人（负责人）"), max_length=100, required=False)
    other_persons = forms.CharField(
        label=_("其他自然人姓名（公示时隐去）"),
        max_length=500,
        required=False,
        help_text=_("证人、投诉举报人、从业人员等，以“、”分隔；公示摘要中隐去其姓名"),
    )
    facts = forms.CharField(label=_("违法事实"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    evidence = forms.CharField(label=_("证据"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    legal_basis = forms.CharField(
        label=_("处罚依据"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80})
    )
    penalty_content = forms.CharField(
        label=_("处罚内容"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80})
    )
    performance = forms.CharField(
        label=_("履行方式和期限"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80})
    )
    remedies = forms.CharField(
        label=_("申请行政复议、提起行政诉讼的途径和期限"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        initial=services.DEFAULT_REMEDIES,
    )
    decided_on = forms.DateField(
        label=_("决定日期"), required=False, widget=AdminDateWidget, help_text=_("不填则为今天")
    )
    restriction_ends_on = forms.DateField(
        label=_("限制期限届满日"),
        required=False,
        widget=AdminDateWidget,
        help_text=_(
            "限制开展生产经营活动、限制从业等有期限的处罚填写；长于公示期的，公示至此日（市场监管总局令第45号第十三条）"
        ),
    )

    # What the service requires of every decision, checked here too so each refusal shows next to its field
    # (the service stays the authority; its other refusals come back as messages naming the field).
    required_contents = ("facts", "evidence", "legal_basis", "penalty_content", "performance", "remedies")
    use_required_attribute = (
        False  # the server's Chinese message next to each field, not the browser's bubble (as the admin's novalidate)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["penalty_types"].error_messages["required"] = _(
            "请选择处罚种类（《行政处罚法》第九条所列种类，可多选）"
        )
        for name in self.required_contents:
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = _("决定书须载明此项（《行政处罚法》第五十九条）")

    def clean(self):
        data = super().clean()
        kinds, fine = data.get("penalty_types") or [], data.get("fine_amount")
        if PenaltyType.FINE in kinds and not fine and "fine_amount" not in self.errors:
            self.add_error("fine_amount", _("处罚种类含罚款时须填写罚款金额"))
        if "penalty_types" in data and PenaltyType.FINE not in kinds and fine:
            self.add_error("fine_amount", _("未选择“罚款”时罚款金额应为空"))
        return data

    def service_kwargs(self) -> dict:
        return decision_kwargs(self.cleaned_data)


def labelled_refusal(exc: ValidationError, form_class=None) -> ValidationError:
    """A service's field errors as "违法事实：原因" (an action shows them as messages, away from the form)."""
    if not hasattr(exc, "error_dict"):
        return exc
    fields = (form_class or DecisionChangeForm).base_fields
    lines = []
    for name, errors in exc.message_dict.items():
        label = fields[name].label if name in fields else ""
        lines += [f"{label}：{message}" if label else message for message in errors]
    return ValidationError(lines)


def decision_kwargs(data) -> dict:
    """The keyword arguments of ``penalty_decision_issue`` (and ``decision_change``) from the form's data."""
    kwargs = {name: data.get(name) or "" for name in DECISION_TEXT_FIELDS}
    kwargs.update(
        penalty_types=list(data.get("penalty_types") or []),
        fine_amount=data.get("fine_amount") or 0,
        confiscation_amount=data.get("confiscation_amount") or 0,
        circumstance=data.get("circumstance"),
        procedure=data.get("procedure"),
        party_address=data.get("party_address") or "",
        legal_representative=data.get("legal_representative") or "",
        other_persons=services.person_names(data.get("other_persons")),
    )
    if data.get("decided_on"):
        kwargs["decided_on"] = data["decided_on"]
    kwargs["restriction_ends_on"] = data.get("restriction_ends_on") or None
    return kwargs


def decision_initial(case) -> dict:
    """What the decision form starts with: the party's roster data and the benchmark's basis."""
    entity = MarketEntity.objects.filter(uscc=case.entity_id).first() if case.entity_id else None
    initial = {
        "remedies": services.DEFAULT_REMEDIES,
        "circumstance": Circumstance.GENERAL,
        "procedure": Procedure.GENERAL,
    }
    if entity is not None:
        initial.update(party_address=entity.registered_address, legal_representative=entity.legal_representative)
    if case.standard_id:
        initial.update(violation_type=case.standard.violation_type, legal_basis=case.standard.penalty_basis)
    return initial


class DecisionChangeForm(DecisionForm):
    reason = forms.CharField(
        label=_("变更理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=_("原决定撤回公示，新决定取得新文号"),
    )
    # Issue 12 §7: an objection about this decision's credit record is corrected here, not in credit.
    objection_no = forms.CharField(
        label=_("依异议更正（异议受理编号）"),
        max_length=32,
        required=False,
        help_text=_("因异议申诉而变更的，填写已受理异议的受理编号；变更后该异议办结为“更正”"),
    )
    field_order = ("reason", "objection_no")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))


class FeatureForm(forms.Form):
    note = forms.CharField(
        label=_("曝光台案例评析"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("在曝光台与处罚信息一同公开，请勿填写个人信息"),
    )


# --- discretion benchmarks ----------------------------------------------------------------------------------


class DiscretionStandardForm(NoModelValidationMixin, forms.ModelForm):
    """One benchmark (a new code or a new version), saved by ``discretion_standards_import`` like a one-row file."""

    heavy_penalty_types = forms.MultipleChoiceField(
        label=_("从重情形可并处的处罚种类"),
        choices=PenaltyType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    department_fixed = None
    actor = None

    class Meta:
        model = DiscretionStandard
        fields = (
            "department",
            "code",
            "violation_type",
            "violation_basis",
            "penalty_basis",
            "lighter_min",
            "lighter_max",
            "general_min",
            "general_max",
            "heavier_min",
            "heavier_max",
            "heavy_penalty_types",
            "effective_from",
        )
        widgets = {"effective_from": AdminDateWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.department_fixed is not None and "department" in self.fields:
            self.fields["department"].required = False  # always the official's own department

    def row(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in services.STANDARD_FIELDS}

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            _rows, problems = services.clean_standards([self.row()])
            for p in problems:
                self.add_error(p["attr"] if p["attr"] in self.fields else None, p["detail"])
        return cleaned


class StandardImportForm(ImportFileForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "department" in self.fields:
            self.fields["department"].label = _("制定部门")

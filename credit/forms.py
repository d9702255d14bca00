"""Admin forms of the credit app. They validate; the admin then saves through ``credit.services``.

A form never repeats a rule of a service: record fields are checked by ``services.clean_records``
(the same validator as the API push and the file import), and list entries and model versions by a
dry run of their service inside a savepoint that is always rolled back, so the official sees the
service's own Chinese message next to the field instead of a 500.
"""

import datetime as dt

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import NoModelValidationMixin, ReasonForm, UsccField, add_service_errors, dry_run
from credit import services
from credit.choices import (
    GRADE_ORDER,
    LIST_GROUNDS,
    Colour,
    Grade,
    ListGround,
    ListType,
    ObjectionOutcome,
    RemovalReason,
    Severity,
)
from credit.evaluation import DEFAULT_WEIGHTS
from credit.models import CreditCommitment, CreditRecord, EvaluationModel, JointMeasure, ListEntry


class CreditRecordForm(NoModelValidationMixin, forms.ModelForm):
    """Add or change one record; saved by ``services.credit_record_save``."""

    uscc = UsccField()
    department_fixed = None  # set by the admin: the official's own department (None: platform admin chooses)

    class Meta:
        model = CreditRecord
        fields = (
            "department",
            "source_ref",
            "uscc",
            "category",
            "polarity",
            "severity",
            "title",
            "content",
            "decided_on",
            "legal_basis",
            "amount",
            "restriction_ends_on",
        )
        widgets = {"content": forms.Textarea(attrs={"rows": 4}), "legal_basis": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["uscc"].initial = self.instance.entity_id

    def department(self):
        if self.instance.pk:
            return self.instance.department
        return self.department_fixed or self.cleaned_data.get("department")

    def service_fields(self) -> dict:
        """The keyword arguments of ``credit_record_save`` (source_ref from the record on change)."""
        data = {name: self.cleaned_data.get(name) for name in services.RECORD_INPUT_FIELDS if name in self.cleaned_data}
        if self.instance.pk:
            data["source_ref"] = self.instance.source_ref
        return data

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        fields = self.service_fields()
        _records, errors = services.clean_records([fields], screen_personal_data=True)
        for item in errors.items:
            name = item["attr"] if item["attr"] in self.fields else None
            if name is None or name not in self.errors:
                self.add_error(name, item["detail"])
        department = self.department()
        if department is None:
            self.add_error("department" if "department" in self.fields else None, "请选择来源部门")
        elif not self.instance.pk and fields.get("source_ref"):
            ref = str(fields["source_ref"]).strip()
            if CreditRecord.objects.filter(department=department, source_ref=ref).exists():
                self.add_error("source_ref", f"本部门已有来源编号为“{ref}”的记录：请在该记录上修改，或使用新的来源编号")
        return cleaned


class RevokeForm(ReasonForm):
    reason = forms.CharField(label=_("撤销理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


# --- lists --------------------------------------------------------------------------------------


def _ground_choices():
    """Grounds grouped by the list they belong to (DOMAIN §3)."""
    return [("", "---------")] + [
        (str(ListType(list_type).label), [(ListGround(g).value, str(ListGround(g).label)) for g in grounds])
        for list_type, grounds in LIST_GROUNDS.items()
    ]


class ListEntryAddForm(NoModelValidationMixin, forms.ModelForm):
    """A new list entry; validated by a dry run of ``services.list_entry_add``, then saved by it."""

    uscc = UsccField(help_text=_("须为名录库中已有的市场主体"))
    ground = forms.ChoiceField(label=_("列入事由"), choices=_ground_choices)
    listed_on = forms.DateField(
        label=_("列入日期"), required=False, widget=AdminDateWidget, help_text=_("不填则与决定日期相同")
    )
    department_fixed = None
    actor = None

    class Meta:
        model = ListEntry
        fields = (
            "uscc",
            "list_type",
            "ground",
            "department",
            "facts",
            "legal_basis",
            "decision_no",
            "ground_established_on",
            "notice_on",
            "decided_on",
            "listed_on",
        )
        widgets = {"facts": forms.Textarea(attrs={"rows": 4})}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "entity_uscc": data["uscc"],
            "list_type": data["list_type"],
            "ground": data["ground"],
            "legal_basis": data.get("legal_basis") or "",
            "department": self.department_fixed or data.get("department"),
            "decided_on": data["decided_on"],
            "listed_on": data.get("listed_on"),
            "notice_on": data.get("notice_on"),
            "ground_established_on": data.get("ground_established_on"),
            "facts": data.get("facts") or "",
            "decision_no": data.get("decision_no") or "",
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        kwargs = self.service_kwargs()
        if kwargs["department"] is None:
            self.add_error("department", "请选择作出决定的部门")
            return cleaned
        refusal = dry_run(services.list_entry_add, actor=self.actor, **kwargs)
        if refusal is not None:
            add_service_errors(self, refusal, {"entity": "uscc", "entity_uscc": "uscc"})
        return cleaned


class ListEntryRemoveForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("移出原因"),
        # 转列严重违法失信名单 happens only by confirming a proposal (ListProposal), never by hand.
        choices=[(c, label) for c, label in RemovalReason.choices if c != RemovalReason.MOVED_TO_SERIOUS],
    )
    removed_on = forms.DateField(label=_("移出日期"), initial=timezone.localdate, widget=AdminDateWidget)
    duty_fulfilled_on = forms.DateField(
        label=_("履行义务日期"),
        required=False,
        widget=AdminDateWidget,
        help_text=_("经营异常名录：用于核对是否在履行义务后5个工作日内移出"),
    )
    note = forms.CharField(
        label=_("移出说明"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


class ProposalConfirmForm(forms.Form):
    notice_on = forms.DateField(
        label=_("告知日期"),
        widget=AdminDateWidget,
        help_text=_("事先告知当事人拟列入严重违法失信名单并听取陈述、申辩的日期"),
    )
    decided_on = forms.DateField(label=_("决定日期"), initial=timezone.localdate, widget=AdminDateWidget)
    legal_basis = forms.CharField(
        label=_("法律依据"),
        max_length=300,
        initial="《市场监督管理严重违法失信名单管理办法》第十三条",
        widget=forms.TextInput(attrs={"size": 80}),
    )
    decision_no = forms.CharField(label=_("决定书文号"), max_length=100, required=False)


class WarningHandleForm(forms.Form):
    note = forms.CharField(
        label=_("处理说明"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


# --- evaluation model ---------------------------------------------------------------------------

BAND_ATTRS = ("label", "colour", "score_min", "score_max")


def band_field(grade: str, attr: str) -> str:
    return f"band_{grade.lower()}_{attr}"


class EvaluationModelForm(NoModelValidationMixin, forms.ModelForm):
    """A new version of the evaluation model: four grade bands, weights, an effective date.

    Saved by ``services.evaluation_model_create``; an existing version is never changed.
    """

    weights = forms.JSONField(
        label=_("扣分与加分权重"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 60}),
        help_text=_("JSON 对象：各类信息对 0–1000 分的影响（非负整数）"),
    )
    actor = None
    descriptions: dict = {}

    class Meta:
        model = EvaluationModel
        fields = ("effective_from", "note", "weights")

    @classmethod
    def band_rows(cls):
        """Fieldsets rows: one line per grade, best first (as the bands read from 1000 down to 0)."""
        return [tuple(band_field(g, a) for a in BAND_ATTRS) for g in reversed(GRADE_ORDER)]

    @staticmethod
    def initial_from(model: EvaluationModel | None, today: dt.date) -> dict:
        initial = {"effective_from": today + dt.timedelta(days=1)}
        if model is None:
            return initial
        initial["weights"] = {**_default_weights(), **(model.weights or {})}
        for band in model.bands.all():
            for attr in BAND_ATTRS:
                initial[band_field(band.grade, attr)] = getattr(band, attr)
        return initial

    def bands(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "grade": g.value,
                **{a: data.get(band_field(g, a)) for a in BAND_ATTRS},
                "description": self.descriptions.get(g.value, ""),
            }
            for g in GRADE_ORDER
        ]

    def service_kwargs(self) -> dict:
        return {
            "effective_from": self.cleaned_data["effective_from"],
            "bands": self.bands(),
            "weights": self.cleaned_data["weights"],
            "note": self.cleaned_data.get("note") or "",
        }

    def clean_weights(self):
        weights = self.cleaned_data["weights"]
        if not isinstance(weights, dict):
            raise ValidationError('权重须为 JSON 对象，如 {"general_record": 150}')
        return weights

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        refusal = dry_run(services.evaluation_model_create, actor=self.actor, **self.service_kwargs())
        if refusal is not None:
            add_service_errors(self, refusal, {"bands": None})
        return cleaned


def _declare_band_fields(form_class) -> None:
    """Four rows of (label, colour, min, max), declared so the admin's fieldsets can place them."""
    for grade in GRADE_ORDER:
        fields = {
            "label": forms.CharField(label=_("%(grade)s：名称") % {"grade": Grade(grade).label}, max_length=20),
            "colour": forms.ChoiceField(label=_("颜色"), choices=Colour.choices),
            "score_min": forms.IntegerField(label=_("分数下限"), min_value=0, max_value=1000),
            "score_max": forms.IntegerField(label=_("分数上限"), min_value=0, max_value=1000),
        }
        for attr, field in fields.items():
            form_class.base_fields[band_field(grade, attr)] = field
            form_class.declared_fields[band_field(grade, attr)] = field


_declare_band_fields(EvaluationModelForm)


def _default_weights() -> dict:

    return dict(DEFAULT_WEIGHTS)


# --- catalogues ---------------------------------------------------------------------------------


class JointMeasureForm(forms.ModelForm):
    class Meta:
        model = JointMeasure
        fields = ("code", "name", "kind", "list_types", "legal_basis", "implementing_department", "active")

    def clean_list_types(self):
        value = self.cleaned_data.get("list_types")
        if not isinstance(value, list) or any(t not in ListType.values for t in value):
            codes = "、".join(f'"{c}"（{label}）' for c, label in ListType.choices)
            raise ValidationError(
                _('适用名单应为名单代码的 JSON 数组，如 ["serious"]；可选：%(codes)s') % {"codes": codes}
            )
        return value


# --- import -------------------------------------------------------------------------------------


# --- remedies: commitments, repair, objections (issue 4) ----------------------------------------


class CommitmentMakeForm(NoModelValidationMixin, forms.ModelForm):
    """An official's entry of a commitment (窗口代录); validated by a dry run of ``commitment_make``."""

    uscc = UsccField(help_text=_("须为名录库中已有的市场主体"))
    content = forms.CharField(
        label=_("承诺内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("不填则使用该承诺类型的标准承诺书文本"),
    )
    made_on = forms.DateField(label=_("作出日期"), required=False, widget=AdminDateWidget, help_text=_("不填则为今天"))
    department_fixed = None  # set by the admin: the official's own department (None: platform admin chooses)
    actor = None

    class Meta:
        model = CreditCommitment
        fields = (
            "uscc",
            "commitment_type",
            "department",
            "matter",
            "related_record",
            "content",
            "signatory",
            "contact_phone",
            "made_on",
            "due_on",
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        content = (data.get("content") or "").strip()
        if not content and data.get("commitment_type") in services.COMMITMENT_TEMPLATES:
            content = services.COMMITMENT_TEMPLATES[data["commitment_type"]].format(
                matter=data.get("matter") or "", due_on=data.get("due_on") or ""
            )
        return {
            "entity_uscc": data["uscc"],
            "commitment_type": data["commitment_type"],
            "department": self.department_fixed or data.get("department"),
            "content": content,
            "signatory": data.get("signatory") or "",
            "due_on": data["due_on"],
            "made_on": data.get("made_on"),
            "matter": data.get("matter") or "",
            "related_record": data.get("related_record"),
            "contact_phone": data.get("contact_phone") or "",
            "channel": "admin",
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        kwargs = self.service_kwargs()
        if kwargs["department"] is None:
            self.add_error("department" if "department" in self.fields else None, "请选择受理部门")
            return cleaned
        refusal = dry_run(services.commitment_make, actor=self.actor, **kwargs)
        if refusal is not None:
            add_service_errors(self, refusal, {"entity": "uscc", "entity_uscc": "uscc"})
        return cleaned


class CommitmentFulfilForm(forms.Form):
    resolved_on = forms.DateField(label=_("认定日期"), initial=timezone.localdate, widget=AdminDateWidget)
    note = forms.CharField(
        label=_("认定说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )
    evidence = forms.FileField(
        label=_("履约证明材料"), required=False, help_text=_("可选；选择多条承诺时，同一文件附于每一条")
    )


class CommitmentBreakForm(forms.Form):
    resolved_on = forms.DateField(label=_("认定日期"), initial=timezone.localdate, widget=AdminDateWidget)
    note = forms.CharField(
        label=_("违诺事实和理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("违诺将形成一条负面信用记录（信用承诺类），并计入信用评价"),
    )


class ObjectionAcceptForm(forms.Form):
    reason = forms.CharField(label=_("受理意见"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class ObjectionRefuseForm(forms.Form):
    reason = forms.CharField(label=_("不予受理理由"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))


# The correctable fields an official edits in the admin (the service accepts these and a few more).
CORRECTION_FIELDS = ("title", "content", "severity", "decided_on", "legal_basis", "amount")


class ObjectionDecideForm(forms.Form):
    """办结: 维持, 更正 (the changed fields of the record) or 撤销; checked by a dry run of ``objection_decide``.

    ``objection`` and ``actor`` are bound by ``for_objection``; a list-entry objection has no correction fields.
    """

    outcome = forms.ChoiceField(label=_("处理结果"), choices=ObjectionOutcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("处理理由"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))
    title = forms.CharField(
        label=_("更正：标题"), max_length=200, required=False, widget=forms.TextInput(attrs={"size": 80})
    )
    content = forms.CharField(
        label=_("更正：内容"), required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 60})
    )
    severity = forms.ChoiceField(
        label=_("更正：失信程度"), choices=[("", "—（正面、中性信息）"), *Severity.choices], required=False
    )
    decided_on = forms.DateField(label=_("更正：决定（认定）日期"), required=False, widget=AdminDateWidget)
    legal_basis = forms.CharField(
        label=_("更正：依据"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60})
    )
    amount = forms.DecimalField(
        label=_("更正：金额（元）"), max_digits=16, decimal_places=2, min_value=0, required=False
    )

    objection = None
    actor = None

    @classmethod
    def for_objection(cls, objection, actor):
        return type(cls.__name__, (cls,), {"objection": objection, "actor": actor})

    @staticmethod
    def initial_for(objection) -> dict:
        record = objection.record
        return {name: getattr(record, name) for name in CORRECTION_FIELDS} if record is not None else {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.objection is not None and self.objection.record is None:
            for name in CORRECTION_FIELDS:
                del self.fields[name]

    @staticmethod
    def changed_fields(record, data: dict) -> dict:
        """Only the fields the official changed (the service writes them through ``credit_records_push``)."""
        if record is None:
            return {}
        changed = {}
        for name in CORRECTION_FIELDS:
            value, current = data.get(name), getattr(record, name)
            if isinstance(value, str):
                value, current = value.strip(), (current or "").strip()
            if value in ("", None) and current in ("", None):
                continue
            if value != current:
                changed[name] = value
        return changed

    def corrections(self) -> dict:
        return self.changed_fields(self.objection.record if self.objection is not None else None, self.cleaned_data)

    def service_kwargs(self) -> dict:
        outcome = self.cleaned_data["outcome"]
        return {
            "objection": self.objection,
            "outcome": outcome,
            "reason": self.cleaned_data.get("reason") or "",
            "corrections": self.corrections() if outcome == ObjectionOutcome.CORRECTED else None,
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.objection is None:
            return cleaned
        kwargs = self.service_kwargs()
        if (
            kwargs["outcome"] == ObjectionOutcome.CORRECTED
            and self.objection.record is not None
            and not kwargs["corrections"]
        ):
            self.add_error(None, "选择“更正”时，请至少修改一项记录内容")
            return cleaned
        refusal = dry_run(services.objection_decide, actor=self.actor, **kwargs)
        if isinstance(refusal, services.RecordsInvalid):
            for item in refusal.items:
                self.add_error(item["attr"] if item["attr"] in self.fields else None, item["detail"])
        elif refusal is not None:
            add_service_errors(self, refusal, {"corrections": None})
        return cleaned

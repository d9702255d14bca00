"""Forms of the oversight admin pages: issuing and handling a 督办, and disposing of a risk warning."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.utils.translation import gettext_lazy as _

from core.forms import EvidenceField
from credit.choices import DISPOSITION_ACTIONS, WarningDisposition
from credit.services.warnings import NOTE_MAX
from oversight.directives import DEFAULT_ANSWER_WORKING_DAYS, MAX_ANSWER_WORKING_DAYS
from supervision.models import Department, Inspector

DAYS_HELP = _("按工作日计算（节假日及调休以节假日数据为准，数据未覆盖的年份为暂定）")


class DirectiveIssueForm(forms.Form):
    reason = forms.CharField(label=_("督办事由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))
    answer_working_days = forms.IntegerField(
        label=_("答复期限（工作日）"),
        min_value=1,
        max_value=MAX_ANSWER_WORKING_DAYS,
        initial=DEFAULT_ANSWER_WORKING_DAYS,
        help_text=DAYS_HELP,
    )


class DirectiveAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("办理情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("已采取的措施、办理结果"),
    )
    evidence = EvidenceField(
        label=_("证明材料"), required=False, help_text=_("最多5个 PDF、JPG 或 PNG 文件，每个不超过10 MB")
    )


class DirectiveCloseForm(forms.Form):
    note = forms.CharField(
        label=_("审核意见"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


class DirectiveReturnForm(forms.Form):
    note = forms.CharField(label=_("退回理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    answer_working_days = forms.IntegerField(
        label=_("重新答复期限（工作日）"),
        min_value=1,
        max_value=MAX_ANSWER_WORKING_DAYS,
        required=False,
        help_text=_("自退回之日起重新计算；不填则与原期限的工作日数相同"),
    )


DISPOSITIONS = [(d.value, label) for d, label in DISPOSITION_ACTIONS.items()]
# The fields each disposition asks for besides the note (the page shows only those).
DISPOSITION_FIELDS = {
    WarningDisposition.CASE_OPENED: ("title", "handlers", "lead", "is_major"),
    WarningDisposition.ADDED_TO_INSPECTION: ("due_on",),
    WarningDisposition.TRANSFERRED: ("department",),
    WarningDisposition.INTERVIEWED: (),
    WarningDisposition.NO_ISSUE: (),
}


class WarningDisposeForm(forms.Form):
    """One form for every disposition; the service says what is missing for the one chosen."""

    disposition = forms.ChoiceField(label=_("处置方式"), choices=DISPOSITIONS, widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("案由"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=_("如：涉嫌销售超过保质期的食品（预警内容已作为案件来源说明记入案件）"),
    )
    handlers = forms.ModelMultipleChoiceField(
        label=_("承办人员"),
        queryset=Inspector.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("至少2名持有效执法证的本部门执法人员（《行政处罚法》第四十二条）"),
    )
    lead = forms.ModelChoiceField(
        label=_("主办人"), queryset=Inspector.objects.none(), required=False, help_text=_("不填则为所选第一名")
    )
    is_major = forms.BooleanField(label=_("重大执法决定"), required=False)
    due_on = forms.DateField(label=_("检查期限"), required=False, widget=AdminDateWidget, help_text=_("选填"))
    department = forms.ModelChoiceField(label=_("接收部门"), queryset=Department.objects.none(), required=False)
    note = forms.CharField(
        label=_("处置说明"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("做了什么、结论是什么（必填，将记入预警和审计日志）"),
        error_messages={"required": _("请填写处置说明（做了什么、结论是什么）")},
    )

    def __init__(self, *args, warning, disposition, **kwargs):
        super().__init__(*args, **kwargs)
        inspectors = Inspector.objects.filter(department_id=warning.department_id, active=True).order_by("name")
        self.fields["handlers"].queryset = inspectors
        self.fields["lead"].queryset = inspectors
        self.fields["department"].queryset = Department.objects.exclude(pk=warning.department_id).order_by("code")
        self.fields["disposition"].initial = disposition
        shown = DISPOSITION_FIELDS.get(disposition, ())
        for name in [n for names in DISPOSITION_FIELDS.values() for n in names]:
            if name not in shown:
                del self.fields[name]

"""The form of 信用信息注册 (issue 14 §3). It checks only the shape of the input; the rules (which
kind needs what, dates) are ``credit.services.declaration_add``'s, and its refusals come back onto
these fields by name."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from core.forms import EvidenceField
from credit.models import DeclarationKind
from credit.services.declarations import DESCRIPTION_MAX, ISSUER_MAX, STANDARD_NO_MAX, TITLE_MAX


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class DeclarationForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("类别"), choices=[("", gettext_lazy("请选择")), *DeclarationKind.choices]
    )
    title = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=TITLE_MAX,
        help_text=gettext_lazy("资质、荣誉或公益活动的名称；企业标准自我声明填写标准名称"),
    )
    standard_no = forms.CharField(
        label=gettext_lazy("标准编号"),
        max_length=STANDARD_NO_MAX,
        required=False,
        help_text=gettext_lazy(
            "仅企业标准自我声明填写（必填），如 Q/ZZSM 0001S-2026，与企业标准信息公共服务平台上的声明一致"
        ),
    )
    issuer = forms.CharField(
        label=gettext_lazy("发证（授予、组织）单位"),
        max_length=ISSUER_MAX,
        required=False,
        help_text=gettext_lazy("资质、荣誉必填；公益活动可填组织单位"),
    )
    issued_on = forms.DateField(
        label=gettext_lazy("日期"),
        widget=DateInput(),
        help_text=gettext_lazy("取得、授予、发布实施或活动日期（年-月-日）"),
    )
    valid_until = forms.DateField(
        label=gettext_lazy("有效期至"), widget=DateInput(), required=False, help_text=gettext_lazy("长期有效的不填")
    )
    description = forms.CharField(
        label=gettext_lazy("说明"), max_length=DESCRIPTION_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = EvidenceField(
        label=gettext_lazy("附件"),
        required=False,
        help_text=gettext_lazy(
            "可选，1个 PDF、JPG 或 PNG 文件，不超过 10 MB（如证书扫描件）；附件仅供监管部门核查，不对外公开"
        ),
    )

    def clean_attachment(self):
        files = self.cleaned_data.get("attachment") or []
        if len(files) > 1:
            raise forms.ValidationError(gettext("只能上传1个附件，本次选择了 %(n)s 个") % {"n": len(files)})
        return files[0] if files else None

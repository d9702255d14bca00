"""The annual report form of the entity side (issue 14 §3): Chinese labels, money in 万元 as decimals.

Structured lists (股东出资, 网站网店, …) are one line per entry with the columns separated by “|”, so the
form works on a phone; ``supervision.annual_reports`` validates their shapes and the whole report.
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from supervision.annual_reports import FIELDS, LIST_SHAPES, MONEY_FIELDS, REQUIRED, SOCIAL_INSURANCE, field_label
from supervision.models_reports import AnnualReportKind, OperatingStatus

SEPARATORS = ("｜", "|")


def lines_to_rows(name: str, text: str) -> list[dict]:
    keys = [key for key, _label, _kind, _required in LIST_SHAPES[name]]
    rows = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        for sep in SEPARATORS[1:]:
            line = line.replace(sep, SEPARATORS[0])
        cells = [cell.strip() for cell in line.split(SEPARATORS[0])]
        rows.append(dict(zip(keys, cells + [""] * (len(keys) - len(cells)), strict=False)))
    return rows


def rows_to_lines(name: str, rows) -> str:
    keys = [key for key, _label, _kind, _required in LIST_SHAPES[name]]
    return "\n".join(" | ".join(str(row.get(key, "")) for key in keys).rstrip(" |") for row in rows or [])


def list_help(name: str) -> str:
    columns = " | ".join(
        f"{label}{'' if required else gettext('（选填）')}" for _key, label, _kind, required in LIST_SHAPES[name]
    )
    return gettext("每行一条，各项以“|”分隔：%(columns)s；日期格式如 2025-03-01") % {"columns": columns}


class AnnualReportForm(forms.Form):
    # Required fields are checked by the service with the other rules, so every error shows at once.
    postal_address = forms.CharField(label=_("通信地址"), max_length=300, required=False, help_text=_("必填"))
    postal_code = forms.CharField(label=_("邮政编码"), max_length=6, required=False)
    phone = forms.CharField(
        label=_("联系电话"), max_length=32, required=False, help_text=_("必填；企业联系电话，将向社会公示")
    )
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False, help_text=_("将向社会公示"))
    operating_status = forms.ChoiceField(label=_("存续状态"), choices=OperatingStatus.choices)
    websites = forms.CharField(label=_("网站及网店"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    capital = forms.CharField(label=_("股东及出资信息"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    equity_transfers = forms.CharField(
        label=_("股权变更信息"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    investments = forms.CharField(label=_("对外投资信息"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    licences = forms.CharField(
        label=_("行政许可取得和变动信息"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    employees = forms.CharField(
        label=_("从业人数"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    guarantees = forms.CharField(
        label=_("对外提供保证担保信息"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    assets_public = forms.BooleanField(
        label=_("公示资产状况信息"),
        required=False,
        help_text=_(
            "从业人数、资产总额、负债总额、对外提供保证担保、所有者权益、营业收入、利润、纳税总额等，由企业选择是否公示"
        ),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in MONEY_FIELDS:
            label = (
                gettext("营业额或营业收入（万元）")
                if kind == AnnualReportKind.INDIVIDUAL and name == "revenue"
                else field_label(name)
            )
            self.fields[name] = forms.CharField(
                label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
            )
        for key, label in SOCIAL_INSURANCE:
            self.fields[f"si_{key}"] = forms.CharField(
                label=gettext("%(label)s参保人数") % {"label": label},
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            )
        allowed = set(FIELDS[kind])
        for name in list(self.fields):
            base = "social_insurance" if name.startswith("si_") else name
            if base not in allowed:
                del self.fields[name]
        for name in LIST_SHAPES:
            if name in self.fields:
                self.fields[name].help_text = list_help(name)
        for name in REQUIRED & set(self.fields):  # marked * like a required field; the service checks them
            self.fields[name].show_required = True
            self.fields[name].widget.attrs["aria-required"] = "true"

    def report_data(self) -> dict:
        """The cleaned form as the service takes it (lists as rows, social insurance as a dict)."""
        data = {}
        for name in FIELDS[self.kind]:
            if name in LIST_SHAPES:
                data[name] = lines_to_rows(name, self.cleaned_data.get(name, ""))
            elif name == "social_insurance":
                data[name] = {key: self.cleaned_data.get(f"si_{key}", "") for key, _label in SOCIAL_INSURANCE}
            else:
                data[name] = self.cleaned_data.get(name)
        return data

    def add_service_errors(self, error) -> None:
        """Show a service's ValidationError on the fields it names; the input stays as typed."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            field = name if name in self.fields else ("si_pension" if name == "social_insurance" else None)
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


# A year's own figures and events are not carried into the next year's form.
NOT_CARRIED = {"employees", *MONEY_FIELDS, "social_insurance", "equity_transfers", "guarantees"}


def initial_from(report, entity, *, same_year: bool = False) -> dict:
    """Pre-fill: the report itself when correcting it; for a new one last year's report (contact, websites,
    capital, investments) where there is one, else the roster (address and phone)."""
    if report is None:
        return {"postal_address": entity.registered_address, "phone": entity.contact_phone, "operating_status": "open"}
    initial = {}
    for name in FIELDS[report.kind]:
        if not same_year and name in NOT_CARRIED:
            continue
        value = getattr(report, name)
        if name in LIST_SHAPES:
            initial[name] = rows_to_lines(name, value)
        elif name == "social_insurance":
            initial.update({f"si_{key}": count for key, count in (value or {}).items()})
        else:
            initial[name] = "" if value is None else value
    return initial

"""Filings without query codes (issue 14 §3): the signed-in entity objects, applies for repair, a list
exit or an early stop, and makes a 主动型 or 行业自律型 commitment.

Each view goes through the same service as the public form (``credit.services``,
``credit.services.list_exits``, ``enforcement.early_stop``) with the signed-in liaison as the audit
actor and ``channel="enterprise"``. The query code the service returns is not shown: the entity
follows its filing under 我的申请. Every choice is drawn from ``request.entity``'s own rows, so an id of
another entity's record in the address is a 404 and in the form an invalid choice.

Unlike the public objection form (which reaches only public records, or one record through the
party's link), the entity may object to any record about it, published or not: the objection
service itself never required publication.
"""

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.forms import EVIDENCE_MAX_FILES, add_service_errors
from credit import services
from credit.choices import Polarity, RecordState
from credit.models import CreditRecord, ListEntry
from credit.services import list_exits
from enforcement import early_stop
from enforcement import selectors as enforcement_selectors
from enterprise import forms_filings
from enterprise.access import entity_required

ACTOR_CHANNEL = "enterprise"

KINDS = {
    "objection": gettext_lazy("异议申诉"),
    "repair": gettext_lazy("信用修复申请"),
    "list-exit": gettext_lazy("移出名单申请"),
    "early-stop": gettext_lazy("提前停止公示申请"),
    "commitment": gettext_lazy("信用承诺"),
}


# --- the entity's own choices ----------------------------------------------------------------------


def objection_records(entity):
    """Records the entity may object to: every record about it still in force, published or not."""
    return (
        CreditRecord.objects.filter(entity_id=entity.uscc)
        .exclude(state__in=[RecordState.REVOKED, RecordState.REPAIRED])
        .select_related("department")
        .order_by("-decided_on", "-id")
    )


def repair_records(entity):
    """Negative records in force (only those are repaired, DOMAIN §3); the service gives the rest."""
    return (
        CreditRecord.objects.filter(entity_id=entity.uscc, polarity=Polarity.NEGATIVE, state=RecordState.ACTIVE)
        .select_related("department")
        .order_by("-decided_on", "-id")
    )


def open_entries(entity):
    """The entity's list entries not removed (every list; the service says which take an exit)."""
    return (
        ListEntry.objects.filter(entity_id=entity.uscc, removed_on__isnull=True)
        .select_related("department")
        .order_by("-listed_on", "-id")
    )


def penalties(entity):
    """The entity's penalties in publicity (the rows an early stop can apply to)."""
    return enforcement_selectors.public_penalties().filter(entity_id=entity.uscc)


def _preselected(request, param: str, queryset):
    """The item named by ``?param=<id>``: None when absent, 404 when not the entity's own."""
    raw = request.GET.get(param)
    if raw is None:
        return None
    try:
        pk = int(str(raw).strip())
    except ValueError:
        raise Http404(_("未找到该信息")) from None
    obj = queryset.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if obj is None:
        raise Http404(_("未找到该信息"))
    return obj


def _done(request, kind: str, filing):
    """PRG: to the filing's own page (under 我的申请), with its tracking number; no query code."""
    messages.success(
        request,
        _("%(kind)s已提交，受理编号 %(no)s。办理进度可在“我的申请”中查看，无需查询码。")
        % {"kind": KINDS[kind], "no": filing.tracking_no},
    )
    try:
        to = reverse("enterprise:filing-detail", kwargs={"kind": kind, "pk": filing.pk})
    except NoReverseMatch:
        to = reverse("enterprise:filings")
    return redirect(to)


def _page(request, template: str, **context):
    base = {"entity": request.entity, "account": request.account, "nav": "filings", "max_files": EVIDENCE_MAX_FILES}
    return render(request, f"enterprise/{template}.html", {**base, **context})


# --- the forms --------------------------------------------------------------------------------------
# never_cache: a form holds the liaison's contact details.


@never_cache
@require_http_methods(["GET", "POST"])
@entity_required
def objection_new(request):
    """异议 to a record (published or not) or a list entry of the entity."""
    records, entries = objection_records(request.entity), open_entries(request.entity)
    if request.method == "POST":
        form = forms_filings.ObjectionForm(request.POST, records=records, entries=entries)
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection, _code = services.objection_file(
                    actor=request.user,
                    applicant_name=data["applicant_name"],
                    contact_phone=data["contact_phone"],
                    reason=data["reason"],
                    record=data["record"],
                    list_entry=data["list_entry"],
                    contact_email=request.account.email,
                    channel=ACTOR_CHANNEL,
                )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"record_id": "record", "list_entry_id": "list_entry"})
            else:
                return _done(request, "objection", objection)
    else:
        initial = forms_filings.applicant_initial(request.account)
        initial["record"] = _preselected(request, "record", records)
        initial["list_entry"] = _preselected(request, "entry", entries)
        form = forms_filings.ObjectionForm(initial=initial, records=records, entries=entries)
    return _page(
        request,
        "filing_form",
        form=form,
        title=_("提出异议"),
        intro=_(
            "认为有关本主体的信用记录（无论是否公示）或名单记录有误的，可以提出异议。处理部门在5个工作日内决定是否受理，"
            "并在20个工作日内办结，处理结果为维持、更正或撤销。"
        ),
        action=reverse("enterprise:filing-new-objection"),
        submit=_("提交异议"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@entity_required
def repair_new(request):
    """信用修复申请 for a negative record of the entity in force; the service's reasons show when it refuses."""
    records = repair_records(request.entity)
    problems = []
    if request.method == "POST":
        form = forms_filings.RepairForm(request.POST, request.FILES, records=records)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application, _code = services.repair_apply(
                    actor=request.user,
                    record=data["record"],
                    applicant_name=data["applicant_name"],
                    contact_phone=data["contact_phone"],
                    reason=data["reason"],
                    commitment_accepted=data["commitment_accepted"] is True,
                    contact_email=data["contact_email"],
                    evidence_files=data["evidence"],
                    channel=ACTOR_CHANNEL,
                )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"record_id": "record"})
            else:
                return _done(request, "repair", application)
    else:
        record = _preselected(request, "record", records)
        if record is not None:
            problems = services.repair_problems(record, commitment_accepted=True)
        form = forms_filings.RepairForm(
            initial={**forms_filings.applicant_initial(request.account), "record": record}, records=records
        )
    return _page(
        request,
        "filing_form",
        form=form,
        problems=problems,
        title=_("申请信用修复"),
        intro=_(
            "已履行法定义务、纠正失信行为并作出信用修复承诺的，可在最短公示期满后向认定该信息的部门（谁认定、谁修复）申请信用修复。"
            "修复通过后，该信息不再公示，信用等级随之重新评价。"
        ),
        commitment_text=services.COMMITMENT_TEMPLATES["repair"],
        action=reverse("enterprise:filing-new-repair"),
        submit=_("提交申请"),
        multipart=True,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@entity_required
def list_exit_new(request):
    """移出名单申请 for one of the entity's list entries; the service's reasons show when it refuses."""
    entries = open_entries(request.entity)
    problems = []
    if request.method == "POST":
        form = forms_filings.ListExitForm(request.POST, request.FILES, entries=entries)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application, _code = list_exits.list_exit_apply(
                    actor=request.user,
                    entry=data["list_entry"],
                    applicant_name=data["applicant_name"],
                    contact_phone=data["contact_phone"],
                    reason=data["reason"],
                    contact_email=request.account.email,
                    evidence_files=data["evidence"],
                    channel=ACTOR_CHANNEL,
                )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"list_entry_id": "list_entry"})
            else:
                return _done(request, "list-exit", application)
    else:
        entry = _preselected(request, "entry", entries)
        if entry is not None:
            problems = list_exits.exit_problems(entry)
        form = forms_filings.ListExitForm(
            initial={**forms_filings.applicant_initial(request.account), "list_entry": entry}, entries=entries
        )
    return _page(
        request,
        "filing_form",
        form=form,
        problems=problems,
        title=_("申请移出名单"),
        rules=[str(rule) for rule in list_exits.EXIT_RULES.values()],
        action=reverse("enterprise:filing-new-list-exit"),
        submit=_("提交申请"),
        multipart=True,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@entity_required
def early_stop_new(request):
    """提前停止公示 (总局令第45号) of one of the entity's penalties in publicity."""
    disclosures = penalties(request.entity)
    problems = []
    if request.method == "POST":
        form = forms_filings.EarlyStopForm(request.POST, request.FILES, disclosures=disclosures)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application, _code = early_stop.early_stop_apply(
                    actor=request.user,
                    disclosure=data["disclosure"],
                    applicant_name=data["applicant_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    reason=data["reason"],
                    performed=data["performed"] is True,
                    harm_removed=data["harm_removed"] is True,
                    evidence_files=data["evidence"],
                    channel=ACTOR_CHANNEL,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _done(request, "early-stop", application)
    else:
        disclosure = _preselected(request, "penalty", disclosures)
        if disclosure is not None:
            problems = early_stop.early_stop_problems(disclosure)
        form = forms_filings.EarlyStopForm(
            initial={**forms_filings.applicant_initial(request.account), "disclosure": disclosure},
            disclosures=disclosures,
        )
    return _page(
        request,
        "filing_form",
        form=form,
        problems=problems,
        title=_("申请提前停止公示行政处罚信息"),
        intro=_(
            "依据《市场监督管理行政处罚信息公示规定》（国家市场监督管理总局令第45号），行政处罚信息公示达到规定时限要求，"
            "且已经自觉履行行政处罚决定中规定的义务、已经主动消除危害后果和不良影响、未因同一类违法行为再次受到行政处罚、"
            "未在经营异常名录和严重违法失信名单中的，可以向作出行政处罚决定的部门申请提前停止公示。"
        ),
        action=reverse("enterprise:filing-new-early-stop"),
        submit=_("提交申请"),
        multipart=True,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@entity_required
def commitment_new(request):
    """主动型 or 行业自律型 信用承诺 of the entity."""
    if request.method == "POST":
        form = forms_filings.CommitmentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                commitment, _code = services.commitment_make(
                    actor=request.user,
                    entity_uscc=request.entity.uscc,
                    commitment_type=data["commitment_type"],
                    department=data["department"],
                    content=data["content"],
                    signatory=data["signatory"],
                    due_on=data["due_on"],
                    matter=data["matter"],
                    contact_phone=data["contact_phone"],
                    channel=ACTOR_CHANNEL,
                )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"entity": None, "related_record": None})
            else:
                return _done(request, "commitment", commitment)
    else:
        kind = request.GET.get("type", "voluntary")
        kind = kind if kind in dict(forms_filings.ENTITY_COMMITMENT_TYPES) else "voluntary"
        form = forms_filings.CommitmentForm(
            initial={
                "commitment_type": kind,
                "content": forms_filings.commitment_text(kind),
                "department": request.entity.registration_authority_id,
                "signatory": request.account.full_name,
                "contact_phone": request.account.mobile,
                "due_on": timezone.localdate() + relativedelta(years=1),
            }
        )
    return _page(
        request,
        "filing_form",
        form=form,
        title=_("作出信用承诺"),
        type_links=[
            (value, label, reverse("enterprise:filing-new-commitment") + f"?type={value}")
            for value, label in forms_filings.ENTITY_COMMITMENT_TYPES
        ],
        intro=_(
            "主动型承诺：自愿向社会作出诚信经营承诺，履约期限最长36个月；行业自律型承诺：作为行业组织会员作出的自律承诺，"
            "须写明行业组织名称。承诺内容在本主体信用信息页面公示；违反承诺的，记入信用记录。"
        ),
        action=reverse("enterprise:filing-new-commitment"),
        submit=_("作出承诺"),
    )

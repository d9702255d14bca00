"""Public filings (issue 4): commitments, repair applications, objections and tracking, for people
without an account. Each filing is tracked by its number and a query code (core.filings); the
signed-in entity side files through the same services (enterprise.views_filings).
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core import uscc as uscc_lib
from core.api.throttling import form_throttled
from core.filing_done import done_redirect
from core.filings import filing_find, filing_status
from core.forms import EVIDENCE_MAX_FILES, add_service_errors
from credit import forms_public, record_links, selectors, services
from credit.choices import RecordState
from credit.models import Objection, RepairApplication
from supervision.selectors import public_entities

PUBLIC_ACTOR = "public:web"
MAX_PK = 2**63 - 1


def _pk(raw) -> int | None:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_PK else None


def _entity_name(code: str) -> str:
    return public_entities().filter(uscc=code).values_list("name", flat=True).first() or ""


def _no_target(request, what: str, how: str):
    message = _("未找到该%(what)s，或该信息已不在公示中。%(how)s") % {"what": what, "how": how}
    return render(
        request, "public/error.html", {"title": _("未找到该%(what)s") % {"what": what}, "message": message}, status=404
    )


# Every filing page is never_cache: a form may hold the applicant's contact details, a success page
# the query code; neither may be kept by a browser cache or a proxy.


@never_cache
@require_http_methods(["GET", "POST"])
def commitment_new(request):
    """Make a 信用承诺 (DOMAIN §3) from the public site; the template of the chosen type is prefilled."""
    kind = request.GET.get("type", "voluntary")
    kind = kind if kind in dict(forms_public.PUBLIC_COMMITMENT_TYPES) else "voluntary"
    if request.method == "POST":
        if (limited := form_throttled(request)) is not None:
            return limited
        form = forms_public.CommitmentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                commitment, code = services.commitment_make(
                    actor=PUBLIC_ACTOR,
                    entity_uscc=data["uscc"],
                    commitment_type=data["commitment_type"],
                    department=data["department"],
                    content=data["content"],
                    signatory=data["signatory"],
                    due_on=data["due_on"],
                    matter=data["matter"],
                    contact_phone=data["contact_phone"],
                    channel="web",
                )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"entity": "uscc", "related_record": None})
            else:
                return done_redirect(
                    request, kind="commitment", to="commitment-done", pk=commitment.pk, query_code=code
                )
    else:
        initial = {"commitment_type": kind, "content": forms_public.commitment_text(kind)}
        if request.GET.get("uscc"):
            initial["uscc"] = uscc_lib.normalize(request.GET["uscc"])[:40]
        form = forms_public.CommitmentForm(initial=initial)
    templates = {value: forms_public.commitment_text(value) for value, _label in forms_public.PUBLIC_COMMITMENT_TYPES}
    raw = {value: services.COMMITMENT_TEMPLATES[value] for value, _label in forms_public.PUBLIC_COMMITMENT_TYPES}
    rules = {value: services.COMMITMENT_RULES[value][0] or "" for value, _label in forms_public.PUBLIC_COMMITMENT_TYPES}
    context = {
        "form": form,
        "templates": templates,
        "raw_templates": raw,
        "matter_rules": rules,
        "placeholder": forms_public.PLACEHOLDER,
    }
    return render(request, "credit/commitment_form.html", context)


def repair_advice(record, target_query: str) -> dict:
    """What to do instead of a repair application that cannot succeed (DOMAIN §3)."""
    today = timezone.localdate()
    return {
        "wait_until": record.repairable_from if record.repairable_from and record.repairable_from > today else None,
        "objection_query": target_query if record.state == RecordState.ACTIVE else "",
        "open_application": RepairApplication.objects.filter(record=record, state="submitted").exists(),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def repair_new(request):
    """Apply to repair a public record, or any record about the entity through its party link (信用修复;
    credit.record_links). The service's exact reasons are shown when it refuses."""
    record, target_query = record_links.filing_record(request.GET)
    if record is None:
        return _no_target(
            request, pgettext("in a sentence", "信用记录"), _("请在主体信用信息页面，点击该条记录下的“申请信用修复”。")
        )
    # issue 18 §1.9: an application that cannot succeed is not taken at all (it used to be typed in,
    # with its files, and then refused): the page says why and what to do instead.
    problems = services.repair_problems(record, commitment_accepted=True)
    if request.method == "POST":
        if (limited := form_throttled(request)) is not None:
            return limited
        if problems:
            form = forms_public.RepairForm(request.POST)  # the typed text stays on the page; no file is read
            form.add_error(None, _("该记录目前不能申请信用修复，本次申请未提交。请按下方说明办理。"))
        else:
            form = forms_public.RepairForm(request.POST, request.FILES)
        if not problems and form.is_valid():
            data = form.cleaned_data
            try:
                application, code = services.repair_apply(
                    actor=PUBLIC_ACTOR,
                    record=record,
                    applicant_name=data["applicant_name"],
                    contact_phone=data["contact_phone"],
                    reason=data["reason"],
                    commitment_accepted=data["commitment_accepted"] is True,
                    contact_email=data["contact_email"],
                    evidence_files=data["evidence"],
                    channel="web",
                )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"record_id": None})
            else:
                return done_redirect(
                    request,
                    kind="repair",
                    to="repair-done",
                    pk=application.pk,
                    query_code=code,
                    evidence_count=len(data["evidence"]),
                )
    else:
        form = forms_public.RepairForm()
    context = {
        "form": form,
        "record": record,
        "entity_name": _entity_name(record.entity_id),
        "problems": problems,
        "advice": repair_advice(record, target_query) if problems else None,
        "commitment_text": services.COMMITMENT_TEMPLATES["repair"],
        "target_query": target_query,
        "max_files": EVIDENCE_MAX_FILES,
    }
    return render(request, "credit/repair_form.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def objection_new(request):
    """Object to a public record or list entry (异议申诉); the record shows 异议处理中 at once."""
    record = entry = None
    if "list_entry" in request.GET:
        pk = _pk(request.GET.get("list_entry"))
        entry = selectors.public_list_entries().filter(pk=pk).first() if pk else None
        if entry is None:
            return _no_target(
                request,
                pgettext("in a sentence", "名单记录"),
                _("请在主体信用信息页面，点击该条名单记录下的“提出异议”。"),
            )
        target_query = f"list_entry={entry.pk}"
    else:
        # A public record by id, or any record about the entity through its party link (credit.record_links).
        record, target_query = record_links.filing_record(request.GET)
        if record is None:
            return _no_target(
                request, pgettext("in a sentence", "信用记录"), _("请在主体信用信息页面，点击该条记录下的“提出异议”。")
            )
    target = record or entry
    if request.method == "POST":
        if (limited := form_throttled(request)) is not None:
            return limited
        form = forms_public.ObjectionForm(request.POST, request.FILES, record=record)
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection, code = services.objection_file(
                    actor=PUBLIC_ACTOR,
                    applicant_name=data["applicant_name"],
                    contact_phone=data["contact_phone"],
                    reason=data["reason"],
                    record=record,
                    list_entry=entry,
                    channel="web",
                    corrections=form.corrections(),
                    evidence_files=data["evidence"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"record_id": None, "list_entry_id": None})
            else:
                return done_redirect(request, kind="objection", to="objection-done", pk=objection.pk, query_code=code)
    else:
        form = forms_public.ObjectionForm(record=record)
    open_objection = Objection.objects.filter(
        **{"record" if record else "list_entry": target}, state__in=["submitted", "accepted"]
    ).exists()
    context = {
        "form": form,
        "record": record,
        "entry": entry,
        "entity_name": _entity_name(target.entity_id),
        "entity_uscc": target.entity_id,
        "target_query": target_query,
        "open_objection": open_objection,
        "max_files": EVIDENCE_MAX_FILES,
    }
    return render(request, "credit/objection_form.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    """Track any filing by its number and query code; a wrong code and an unknown number look the same."""
    status = None
    if request.method == "POST":
        if (limited := form_throttled(request)) is not None:
            return limited
        form = forms_public.TrackForm(request.POST)
        if form.is_valid():
            number = form.cleaned_data["tracking_no"].strip().upper()
            found = filing_find(number, form.cleaned_data["code"])  # any registered kind (core.filings)
            if found is None:
                form.add_error(None, _("未找到：受理编号或查询码有误，请核对后重试。"))
            else:
                status = filing_status(found)
    else:
        form = forms_public.TrackForm(initial={"tracking_no": request.GET.get("no", "")[:32]})
    return render(request, "credit/track.html", {"form": form, "status": status})

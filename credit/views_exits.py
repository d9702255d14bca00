"""The public list exit application (移出名单申请, issue 12 §4): ``/lists/exit/new/?entry=<id>``.

Post/Redirect/Get (core.filing_done): a successful POST redirects to ``/lists/exit/done/``, which
shows the number and query code once; a refresh never files again and shows no code a second time.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.api.throttling import form_throttled
from core.filing_done import done_pop, done_redirect, shown_once
from core.forms import EVIDENCE_MAX_FILES, add_service_errors
from credit import forms_public, selectors
from credit.choices import ListType
from credit.models import ListExitApplication
from credit.services import list_exits
from credit.views_filings import PUBLIC_ACTOR, _entity_name, _no_target, _pk


@never_cache
@require_http_methods(["GET", "POST"])
def list_exit_new(request):
    """Apply to leave a list; the service's exact reasons are shown when it refuses."""
    pk = _pk(request.GET.get("entry"))
    entry = selectors.public_list_entries().filter(pk=pk).select_related("department").first() if pk else None
    if entry is None:
        return _no_target(
            request,
            pgettext("in a sentence", "名单记录"),
            _("请在主体信用信息页面或名单页面，点击该条名单记录下的“申请移出”。"),
        )
    abnormal = entry.list_type == ListType.ABNORMAL
    if request.method == "POST":
        if (limited := form_throttled(request)) is not None:
            return limited
        form = forms_public.ListExitForm(request.POST, request.FILES, evidence_required=abnormal)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application, code = list_exits.list_exit_apply(
                    actor=PUBLIC_ACTOR,
                    entry=entry,
                    applicant_name=data["applicant_name"],
                    contact_phone=data["contact_phone"],
                    reason=data["reason"],
                    evidence_files=data["evidence"],
                    channel="web",
                )
            except ValidationError as exc:
                add_service_errors(form, exc, rename={"list_entry_id": None})
            else:
                return done_redirect(
                    request,
                    kind="list_exit",
                    to="list-exit-done",
                    pk=application.pk,
                    query_code=code,
                    evidence_count=len(data["evidence"]),
                )
        problems = []  # the errors on the form say it
    else:
        form = forms_public.ListExitForm(evidence_required=abnormal)
        problems = list_exits.exit_problems(entry)
    context = {
        "form": form,
        "entry": entry,
        "entity_name": _entity_name(entry.entity_id),
        "problems": problems,
        "rule": list_exits.EXIT_RULES.get(entry.list_type, ""),
        "max_files": EVIDENCE_MAX_FILES,
    }
    return render(request, "credit/list_exit_form.html", context)


@never_cache
@require_http_methods(["GET"])
def list_exit_done(request):
    """The receipt, once: the query code leaves the session as it is shown."""
    receipt = done_pop(request, "list_exit")
    application = (
        ListExitApplication.objects.select_related("department").filter(pk=receipt["pk"]).first() if receipt else None
    )
    if application is None:
        return shown_once(request, title=_("移出名单申请已提交"))
    context = {
        "application": application,
        "query_code": receipt["query_code"],
        "evidence_count": receipt.get("evidence_count", 0),
        "entity_name": _entity_name(application.entity_id),
    }
    return render(request, "credit/list_exit_done.html", context)

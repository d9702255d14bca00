"""The page a party's link opens (当事人告知链接, credit.record_links): one record about the entity,
published or not, with the way to object to it or to apply to repair it.

Only the link's holder reaches it. A forged or altered link is answered as an unknown record, the
same page as any record the public cannot see. The page is never cached and never indexed.
"""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from credit import record_links, services
from credit.choices import Polarity, RecordState
from supervision.selectors import public_entities


def _unknown(request):
    # The words of credit.views_filings._no_target: an unknown record and one behind a bad link look the same.
    message = _("未找到该信用记录，或该信息已不在公示中。请核对认定部门送达的告知书上的链接。")
    return render(request, "public/error.html", {"title": _("未找到该信用记录"), "message": message}, status=404)


@never_cache
@require_http_methods(["GET"])
def record_notice(request, token: str):
    record = record_links.record_from_token(token)
    if record is None:
        return _unknown(request)
    query = urlencode({"record_token": record_links.record_token(record)})
    open_states = (RecordState.ACTIVE, RecordState.EXPIRED)
    context = {
        "record": record,
        "entity_name": public_entities().filter(uscc=record.entity_id).values_list("name", flat=True).first() or "",
        "objection_url": f"{reverse('objection-new')}?{query}" if record.state in open_states else "",
        "repair_url": f"{reverse('repair-new')}?{query}"
        if record.polarity == Polarity.NEGATIVE and record.state == RecordState.ACTIVE
        else "",
        "problems": services.repair_problems(record, commitment_accepted=True)
        if record.polarity == Polarity.NEGATIVE
        else [],
    }
    response = render(request, "credit/record_notice.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the link is the capability: it never leaves in a Referer
    return response

"""Post/Redirect/Get for the public filing forms (issue 12 §6: one submission, one filing).

A successful POST files, then answers 303 to the form's "done" page; a refresh of that page is a
GET and files nothing. The tracking number and the query code travel in the server-side session
(never in the URL, where logs, history and Referer headers would keep them), and the done page
pops them: they are shown exactly once, as the code notice promises. A second GET of the done page
says so and points to /track/.

Use in a form view: ``return done_redirect(request, kind="complaint", to="complaint-done", pk=obj.pk, query_code=code)``;
in the done view: ``payload = done_pop(request, "complaint")`` (``None`` → ``shown_once(request)``).
"""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

SESSION_PREFIX = "filing_done:"


def done_redirect(request, *, kind: str, to: str, pk: int, query_code: str, **extra) -> HttpResponseRedirect:
    """Keep what the done page shows in the session, and send the browser there with a GET (303)."""
    request.session[SESSION_PREFIX + kind] = {"pk": pk, "query_code": query_code, **extra}
    response = HttpResponseRedirect(reverse(to))
    response.status_code = 303  # See Other: the browser follows with GET, whatever the method was
    return response


def done_pop(request, kind: str) -> dict | None:
    """What the done page shows, once: a second call returns ``None``."""
    return request.session.pop(SESSION_PREFIX + kind, None)


def shown_once(request, *, title: str = "提交已完成"):
    """The done page opened again (refresh, back button, bookmark): nothing is filed, no code shown."""
    message = "本次提交已受理，未重复提交。为保护您的信息，受理编号和查询码只在提交后显示一次；请凭已记下的受理编号和查询码查询办理进度。"
    return render(request, "public/filing_done_again.html", {"title": title, "message": message})

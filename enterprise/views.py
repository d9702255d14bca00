"""The entity side's pages: sign-in, sign-out and the home page (issue 14).

Each sub-domain adds its own views module (``views_file``, ``views_filings``, ``views_reports``…)
and its paths in ``enterprise/urls.py``; every view is wrapped in ``access.entity_required``.
"""

from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from enterprise import selectors
from enterprise.access import entity_required


@entity_required
def home(request):
    summary = selectors.home_summary(request.entity)
    return render(
        request, "enterprise/home.html", {"entity": request.entity, "account": request.account, "summary": summary}
    )


@require_POST
def sign_out(request):
    logout(request)
    return redirect("enterprise:login")

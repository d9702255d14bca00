"""Login lockout (django-axes), issue 11.

- A lockout is on the pair (username, address): ``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``.
  Failures for an official's name from another address never lock the official out, and one
  address's failures never lock the other people behind the same proxy.
- One address is also capped over every username: ``AXES_IP_FAILURE_LIMIT`` (default 50) failures
  within the cool-off lock that address (password spraying). Counted from axes' own
  ``AccessAttempt`` rows of that address that are still inside the cool-off.
- Cool-off 15 minutes (``AXES_COOLOFF_TIME``); a platform administrator unlocks earlier by deleting
  the rows in the admin (``core.login_lockout_admin``).
- The address is ``core.net.client_ip`` (``AXES_CLIENT_IP_CALLABLE``).
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


def ip_failures(request) -> int:
    """Failed sign-ins from this request's address within the cool-off, over every username."""
    ip = getattr(request, "axes_ip_address", None)
    if not ip:
        return 0
    rows = AccessAttempt.objects.filter(ip_address=ip)
    if settings.AXES_COOLOFF_TIME is not None:
        rows = rows.filter(attempt_time__gte=get_cool_off_threshold(request))
    return rows.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler plus the per-address ceiling.

    ``get_failures`` drives both the check before a sign-in (``is_locked``) and the lockout flag
    after a failure, so an address over the ceiling counts as at the per-pair limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if ip_failures(request) >= settings.AXES_IP_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page, in Chinese (axes' own text is English only)."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    wait = f"请 {minutes} 分钟后再试，" if minutes else ""
    message = f"登录失败次数过多，该账号在当前网络下已被暂时锁定。{wait}或联系平台管理员解锁。"
    response = render(request, "public/error.html", {"title": "登录已被暂时锁定", "message": message}, status=429)
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response

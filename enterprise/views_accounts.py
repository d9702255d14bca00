"""The entity side's account pages (issue 14 §1): activation, sign-in with the optional second factor,
and 账号设置 (own details, password, two-factor sign-in, further liaisons).

Lockout: sign-in failures, wrong second-factor tokens and wrong activation codes all count in
django-axes under the admin's rules (``AXES_*``, ``core.login_lockout``). A wrong activation code
counts under the name ``开通码:<USCC>``, so guessing one entity's code locks that entity's
activation from that address after ``AXES_FAILURE_LIMIT`` tries.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from reportlab.graphics.barcode import qrencoder

from core import uscc as uscc_mod
from core.forms import add_service_errors
from enterprise import accounts
from enterprise.access import account_of, entity_required
from enterprise.forms_accounts import (
    AccountForm,
    ActivationForm,
    EntityLoginForm,
    LiaisonAddForm,
    PasswordCheckForm,
    TokenForm,
)
from enterprise.models import EntityAccount

PENDING_USER = "enterprise_2fa_user"  # session: the user who passed the password, awaiting the token
PENDING_BACKEND = "enterprise_2fa_backend"
PENDING_NEXT = "enterprise_2fa_next"
TEMP_PASSWORD_SHOWN = "enterprise_temp_password"  # session: a new liaison's password, shown once


def _safe_next(request, value):
    ok = value and url_has_allowed_host_and_scheme(value, {request.get_host()}, request.is_secure())
    return value if ok and value.startswith("/enterprise/") else reverse("enterprise:home")


def _counted_failure(request, username: str) -> None:
    """One failure for axes (the same count as a wrong password for this name from this address)."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def _locked(request, username: str):
    """The lockout page when the name is locked from this address, else None."""
    credentials = {"username": username}
    AxesProxyHandler.update_request(request)
    if settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(request, credentials):
        return get_lockout_response(request, None, credentials)
    return None


def qr_svg(text: str):
    """An inline SVG QR code of ``text`` (reportlab's encoder; no image file, nothing external)."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    qr.make()
    n = qr.getModuleCount()
    size = n + 8  # a quiet zone of 4 modules
    cells = [(c + 4, r + 4) for r in range(n) for c in range(n) if qr.isDark(r, c)]
    path = format_html_join("", "M{} {}h1v1h-1z", cells)
    return format_html(
        '<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="220" height="220" '
        'role="img" aria-label="两步验证二维码"><rect width="100%" height="100%" fill="#fff"/>'
        '<path d="{}" fill="#000"/></svg>',
        size,
        size,
        path,
    )


# --- activation -----------------------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("code", "password1", "password2")
def activate(request):
    if account_of(request.user) is not None:
        return redirect("enterprise:home")
    form = ActivationForm(request.POST or None)
    if request.method == "POST":
        name = f"开通码:{uscc_mod.normalize(request.POST.get('uscc', ''))}"
        if (locked := _locked(request, name)) is not None:
            return locked
        if form.is_valid():
            data = form.cleaned_data
            try:
                account = accounts.account_activate(
                    entity=form.entity,
                    code=data["code"],
                    username=data["username"],
                    full_name=data["full_name"],
                    password=data["password1"],
                    mobile=data["mobile"],
                    email=data["email"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                if "code" in form.errors:
                    _counted_failure(request, name)
            else:
                login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("账号开通成功。建议在“账号设置”中开启两步验证。"))
                return redirect("enterprise:home")
    return render(request, "enterprise/activate.html", {"form": form})


# --- sign-in --------------------------------------------------------------------------------------


class EntityLoginView(auth_views.LoginView):
    """Django's sign-in for entity users; staff are refused with a pointer to /admin/. With a
    confirmed TOTP device the password alone does not sign in: the token page follows."""

    template_name = "enterprise/login.html"
    authentication_form = EntityLoginForm
    redirect_authenticated_user = False
    next_page = reverse_lazy("enterprise:home")

    def dispatch(self, request, *args, **kwargs):
        if account_of(request.user) is not None:
            return redirect(_safe_next(request, request.GET.get("next")))
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return _safe_next(self.request, self.get_redirect_url())

    def form_valid(self, form):
        user = form.get_user()
        if accounts.totp_active(user) is not None:
            self.request.session.cycle_key()
            self.request.session[PENDING_USER] = user.pk
            self.request.session[PENDING_BACKEND] = user.backend
            self.request.session[PENDING_NEXT] = self.get_success_url()
            return HttpResponseRedirect(reverse("enterprise:login-token"))
        return super().form_valid(form)


@never_cache
@sensitive_post_parameters("token")
def login_token(request):
    """The second step: the 6-digit token of the liaison's authenticator app."""
    user = get_user_model().objects.filter(pk=request.session.get(PENDING_USER)).first()
    device = accounts.totp_active(user) if user is not None else None
    if user is None or device is None or account_of(user) is None:
        request.session.pop(PENDING_USER, None)
        return redirect("enterprise:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if (locked := _locked(request, user.get_username())) is not None:
            return locked
        if form.is_valid():
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                form.add_error("token", _("验证码错误次数过多，请稍后再试。"))
            elif device.verify_token(form.cleaned_data["token"]):
                backend = request.session.pop(PENDING_BACKEND, "django.contrib.auth.backends.ModelBackend")
                target = request.session.pop(PENDING_NEXT, reverse("enterprise:home"))
                request.session.pop(PENDING_USER, None)
                user.otp_device = device  # django_otp marks the session verified on login
                login(request, user, backend=backend)
                return redirect(_safe_next(request, target))
            else:
                form.add_error("token", accounts.TOKEN_WRONG)
                _counted_failure(request, user.get_username())
    return render(request, "enterprise/login_token.html", {"form": form})


# --- 账号设置 ---------------------------------------------------------------------------------------


def _account_page(request, **forms):
    account = request.account
    pending = accounts.totp_pending(account)
    context = {
        "nav": "account",
        "entity": request.entity,
        "account": account,
        "details_form": forms.get("details_form") or AccountForm(initial=_details(account)),
        "password_form": forms.get("password_form") or PasswordChangeForm(account.user),
        "totp": accounts.totp_active(account.user),
        "totp_pending": pending,
        "totp_uri": pending.config_url if pending else "",
        "totp_qr": qr_svg(pending.config_url) if pending else "",
        "token_form": forms.get("token_form") or TokenForm(),
        "off_form": forms.get("off_form") or PasswordCheckForm(account.user),
        "liaisons": EntityAccount.objects.filter(entity=request.entity, revoked_at__isnull=True).select_related("user"),
        "liaison_form": forms.get("liaison_form") or LiaisonAddForm(),
        "temp_password": request.session.pop(TEMP_PASSWORD_SHOWN, None),
    }
    return render(request, "enterprise/account.html", context, status=400 if forms else 200)


def _details(account):
    return {"full_name": account.full_name, "mobile": account.mobile, "email": account.email}


@never_cache
@entity_required
def account(request):
    if request.method == "POST":
        form = AccountForm(request.POST)
        if form.is_valid():
            accounts.account_update(account=request.account, **form.cleaned_data)
            messages.success(request, _("联络员信息已保存。"))
            return redirect("enterprise:account")
        return _account_page(request, details_form=form)
    return _account_page(request)


@require_POST
@sensitive_post_parameters()
@entity_required
def password_change(request):
    form = PasswordChangeForm(request.account.user, request.POST)
    if not form.is_valid():
        return _account_page(request, password_form=form)
    accounts.account_password_set(account=request.account, password=form.cleaned_data["new_password1"])
    update_session_auth_hash(request, request.account.user)
    messages.success(request, _("密码已修改。"))
    return redirect("enterprise:account")


@require_POST
@entity_required
def totp_start(request):
    accounts.totp_start(account=request.account)
    messages.info(request, _("请用身份验证器应用扫描二维码，再输入其中显示的6位验证码完成开启。"))
    return HttpResponseRedirect(reverse("enterprise:account") + "#totp")


@require_POST
@entity_required
def totp_confirm(request):
    form = TokenForm(request.POST)
    device = accounts.totp_pending(request.account)
    if device is None:
        messages.error(request, _("两步验证设置已失效，请重新开始设置。"))
        return redirect("enterprise:account")
    if form.is_valid():
        try:
            accounts.totp_confirm(account=request.account, device=device, token=form.cleaned_data["token"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("两步验证已开启，今后登录时需输入验证码。"))
            return redirect("enterprise:account")
    return _account_page(request, token_form=form)


@require_POST
@sensitive_post_parameters("password")
@entity_required
def totp_disable(request):
    form = PasswordCheckForm(request.account.user, request.POST)
    if not form.is_valid():
        return _account_page(request, off_form=form)
    accounts.totp_disable(account=request.account)
    messages.success(request, _("两步验证已关闭。"))
    return redirect("enterprise:account")


@require_POST
@entity_required
def liaison_add(request):
    form = LiaisonAddForm(request.POST)
    if form.is_valid():
        try:
            new, password = accounts.liaison_add(actor_account=request.account, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[TEMP_PASSWORD_SHOWN] = {"username": new.user.username, "password": password}
            messages.success(request, _("已添加联络员%(name)s。") % {"name": new.full_name})
            return HttpResponseRedirect(reverse("enterprise:account") + "#liaisons")
    return _account_page(request, liaison_form=form)


@require_POST
@entity_required
def liaison_remove(request, pk):
    # Looked up within the signed-in entity: another entity's account is a 404.
    target = get_object_or_404(EntityAccount, pk=pk, entity=request.entity, revoked_at__isnull=True)
    try:
        accounts.liaison_remove(actor_account=request.account, account=target)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已删除联络员%(name)s。") % {"name": target.full_name})
    return HttpResponseRedirect(reverse("enterprise:account") + "#liaisons")

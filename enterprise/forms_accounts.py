"""Forms of the entity accounts (issue 14 §1): activation, sign-in, the second factor, account settings.

The forms check what was typed; the rules (the code, one use, the first liaison) belong to
``enterprise.accounts``, whose refusals are put back on the form with every typed value kept.
"""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import uscc as uscc_mod
from core.forms import validate_phone
from enterprise.access import account_of
from supervision.models import MarketEntity

STAFF_REFUSED = gettext_lazy("工作人员账号不能在企业端登录，请从管理后台 /admin/ 登录。")
NOT_ENTITY = gettext_lazy("该账号不是企业端账号，或已被注销。如需开通，请联系登记机关出具开通函。")


def _phone_attrs(field):
    field.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})


class UsernameField(forms.CharField):
    """A login name: Django's username rules (letters, digits and @.+-_), at most 150 characters."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("登录用户名"),
            max_length=150,
            help_text=_("用于登录企业端，可使用字母、数字和 @.+-_，区分大小写。"),
            validators=[get_user_model().username_validator],
            **kwargs,
        )
        self.widget.attrs.update({"autocapitalize": "none", "autocomplete": "username", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        if value and get_user_model().objects.filter(username__iexact=value).exists():
            raise ValidationError(_("该用户名已被使用，请换一个。"))
        return value


class LiaisonFields(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("联络员姓名"), max_length=100)
    mobile = forms.CharField(label=gettext_lazy("手机号码"), max_length=32, validators=[validate_phone])
    email = forms.EmailField(
        label=gettext_lazy("电子邮箱（选填）"), required=False, help_text=gettext_lazy("站内消息同时发送到该邮箱。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _phone_attrs(self.fields["mobile"])


class ActivationForm(LiaisonFields):
    """USCC and code of the letter, then the first liaison's sign-in and contact details."""

    uscc = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=40)
    code = forms.CharField(
        label=gettext_lazy("开通码"), max_length=40, help_text=gettext_lazy("开通函上的开通码，如 K7QM-3WXR-HN5T-PD2A")
    )
    username = UsernameField()
    password1 = forms.CharField(
        label=gettext_lazy("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=gettext_lazy("确认密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    field_order = ["uscc", "code", "username", "full_name", "password1", "password2", "mobile", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uscc"].widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false"})
        self.fields["code"].widget.attrs.update({"autocapitalize": "characters", "autocomplete": "off"})
        self.entity = None

    def clean_uscc(self):
        code = uscc_mod.normalize(self.cleaned_data["uscc"])
        reason = uscc_mod.problems(code)
        if reason is not None and not (len(code) == 18 and uscc_mod.is_verified_exception(code)):
            raise ValidationError(reason)
        self.entity = MarketEntity.objects.filter(uscc=code).first()
        if self.entity is None:
            raise ValidationError(
                _("名录库中没有统一社会信用代码为“%(code)s”的市场主体，请核对开通函。") % {"code": code}
            )
        return code

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif p1:
            user = get_user_model()(username=data.get("username") or "", email=data.get("email") or "")
            try:
                password_validation.validate_password(p1, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class EntityLoginForm(AuthenticationForm):
    """Django's sign-in (django-axes counts the failures), for entity users only."""

    error_messages = {
        "invalid_login": gettext_lazy("用户名或密码不正确，请重新输入（注意区分大小写）。"),
        "inactive": NOT_ENTITY,
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "spellcheck": "false"})
        self.fields["username"].error_messages["required"] = _("请输入用户名")
        self.fields["password"].label = _("密码")
        self.fields["password"].error_messages["required"] = _("请输入密码")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_staff or user.is_superuser:
            raise ValidationError(STAFF_REFUSED, code="staff")
        if account_of(user) is None:
            raise ValidationError(NOT_ENTITY, code="not_entity")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=8,
        help_text=gettext_lazy("身份验证器应用中显示的6位数字"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise ValidationError(_("请输入6位数字验证码。"))
        return token


class AccountForm(LiaisonFields):
    """The liaison's own details."""


class LiaisonAddForm(LiaisonFields):
    username = UsernameField()
    field_order = ["username", "full_name", "mobile", "email"]


class PasswordCheckForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("当前密码不正确。"))
        return password

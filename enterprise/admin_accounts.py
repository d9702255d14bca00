"""Entity accounts and activation letters in the admin (issue 14 §1).

- Scope: an official sees the accounts and letters of entities whose registration authority is their
  department or one below it (``accounts.scope_to_registration_authority``); a platform admin all.
- Who may: every official with a department (the registration authority's staff issue letters and hand
  accounts over); the roles need no model permission, so the checks are here, on the department.
- “出具开通函” is the letters' add page: it asks for the USCC and answers with the PDF (the code is on
  it, once). ``?uscc=`` pre-fills it, so an entity's page can link here.
- “注销全部账号” closes every account of the chosen accounts' entities (a handover).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import uscc as uscc_mod
from core.admin_base import ObjectActionsMixin, UsccSearchMixin, intermediate_action
from core.forms import ReasonForm
from core.scoping import department_of, is_platform_admin
from enterprise import accounts
from enterprise.models import ActivationLetter, EntityAccount
from supervision.models import MarketEntity


@admin.display(description=_("统一社会信用代码"), ordering="entity_id")
def uscc_column(obj):
    return obj.entity_id


LETTER_ISSUE_TEMPLATE = "enterprise/admin_letter_issue.html"


def _official(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and (is_platform_admin(user) or department_of(user) is not None))


def activation_url(request) -> str:
    path = reverse("enterprise:activate")
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


class RevokeForm(ReasonForm):
    reason = forms.CharField(
        label=_("注销原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), initial=""
    )


class LetterIssueForm(forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=40)

    def clean_uscc(self):
        code = uscc_mod.normalize(self.cleaned_data["uscc"])
        reason = uscc_mod.problems(code)
        if reason is not None and not (len(code) == 18 and uscc_mod.is_verified_exception(code)):
            raise ValidationError(reason)
        self.entity = MarketEntity.objects.filter(uscc=code).first()
        if self.entity is None:
            raise ValidationError(_("名录库中没有该统一社会信用代码的市场主体。"))
        return code


class OfficialOnly:
    """View for officials with a department (or platform admins); nothing is edited in forms."""

    def has_module_permission(self, request):
        return _official(request)

    def has_view_permission(self, request, obj=None):
        return _official(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EntityAccount)
class EntityAccountAdmin(OfficialOnly, ObjectActionsMixin, UsccSearchMixin, admin.ModelAdmin):
    list_display = ("full_name", uscc_column, "entity_name", "username", "is_first_liaison", "created_at", "state")
    list_filter = ("is_first_liaison", ("revoked_at", admin.EmptyFieldListFilter))
    text_search_fields = ("full_name", "entity__name", "user__username")
    search_help_text = _("按统一社会信用代码（18位）、主体名称、联络员姓名或用户名查询")
    fields = (
        "entity",
        "full_name",
        "username",
        "mobile",
        "email",
        "is_first_liaison",
        "created_at",
        "created_by",
        "revoked_at",
        "revoked_reason",
    )
    readonly_fields = fields
    actions = ["revoke_all"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("entity", "user")
        return accounts.scope_to_registration_authority(qs, request.user)

    def has_add_permission(self, request):
        return False

    def has_revoke_permission(self, request, obj=None):
        return _official(request)

    def owns(self, request, obj) -> bool:
        return obj is None or accounts.may_manage(request.user, obj.entity)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # ObjectActionsMixin shows the buttons to those who may change; here that is the revoke right.
        obj = self.get_object(request, object_id) if request.method == "GET" else None
        extra = {}
        if obj is not None and obj.active and self.owns(request, obj):
            extra = {
                "remedy_actions": self.object_actions(request, obj),
                "remedy_action_url": reverse("admin:enterprise_entityaccount_changelist"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
        return admin.ModelAdmin.change_view(self, request, object_id, form_url, {**extra, **(extra_context or {})})

    def object_actions(self, request, obj):
        return [("revoke_all", _("注销全部账号"))] if obj.active else []

    @admin.display(description=_("主体名称"), ordering="entity__name")
    def entity_name(self, obj):
        return obj.entity.name

    @admin.display(description=_("登录用户名"), ordering="user__username")
    def username(self, obj):
        return obj.user.username

    @admin.display(description=_("状态"))
    def state(self, obj):
        return _("有效") if obj.active else _("已注销")

    @admin.action(description=_("注销全部账号（所选账号所属主体的全部联络员）"), permissions=["revoke"])
    def revoke_all(self, request, queryset):
        done = set()

        def apply(obj, data):
            if obj.entity_id in done:
                return
            done.add(obj.entity_id)
            accounts.accounts_revoke(entity=obj.entity, actor=request.user, reason=data["reason"])

        return intermediate_action(
            self,
            request,
            queryset.filter(revoked_at__isnull=True),
            form_class=RevokeForm,
            title=_("注销全部账号"),
            done=_("已注销（按所选账号计）"),
            submit=_("确认注销"),
            note=_(
                "注销后，该主体的全部联络员账号立即停用并退出登录，未使用的开通函同时作废；"
                "如需继续使用企业端，请为其重新出具开通函。"
            ),
            apply=apply,
        )


@admin.register(ActivationLetter)
class ActivationLetterAdmin(OfficialOnly, UsccSearchMixin, admin.ModelAdmin):
    list_display = (uscc_column, "entity_name", "department", "issued_by", "issued_at", "expires_at", "state")
    list_select_related = ("entity", "department", "issued_by")
    text_search_fields = ("entity__name",)
    search_help_text = _("按统一社会信用代码（18位）或主体名称查询")
    # The code's hash is never shown.
    fields = ("entity", "department", "issued_by", "issued_at", "expires_at", "used_at", "used_by", "revoked_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return accounts.scope_to_registration_authority(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return _official(request)

    @admin.display(description=_("主体名称"), ordering="entity__name")
    def entity_name(self, obj):
        return obj.entity.name

    @admin.display(description=_("状态"))
    def state(self, obj):
        if obj.used_at:
            return _("已使用")
        if obj.revoked_at:
            return _("已作废")
        if obj.expires_at <= timezone.now():
            return _("已过期")
        return _("未使用")

    def add_view(self, request, form_url="", extra_context=None):
        """出具开通函: the USCC in, the letter's PDF out (the only time the code is shown)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = LetterIssueForm(request.POST or None, initial={"uscc": request.GET.get("uscc", "")})
        if request.method == "POST" and form.is_valid():
            try:
                letter, code = accounts.letter_issue(entity=form.entity, actor=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("uscc", message)
            else:
                pdf = accounts.letter_pdf(letter, code, activation_url(request))
                response = HttpResponse(pdf, content_type="application/pdf")
                response["Content-Disposition"] = f'attachment; filename="activation-letter-{letter.entity_id}.pdf"'
                response["Cache-Control"] = "no-store"
                messages.success(request, _("开通函已出具，开通码仅在本次下载的文件中显示。"))
                return response
        context = {
            **self.admin_site.each_context(request),
            "title": _("出具开通函"),
            "opts": self.model._meta,
            "form": form,
            "valid_days": accounts.ACTIVATION_LETTER_VALID_DAYS,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, LETTER_ISSUE_TEMPLATE, context)

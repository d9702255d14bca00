"""Entity accounts (issue 14 §1): activation letters, activation, liaisons, revocation, the account's own
settings. Every write is a service here, with its audit event in the same transaction.

- The activation code is 16 characters from an alphabet without look-alikes (no 0/O, 1/I/L), printed in
  groups of four: about 79 bits, so an HMAC of it (``salted_hmac`` with the SECRET_KEY) is a safe hash.
  Only the hash is stored; the code exists once, on the letter's PDF.
- A liaison signs in with a username chosen on activation (not the USCC: one entity has several liaisons).
- A further liaison added by the first one gets a temporary password, shown once to the first liaison.
- Scope: an official acts for entities whose registration authority is their department or below it in
  the department tree; a platform administrator for all.
"""

import datetime as dt
import io
import secrets

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from core import audit
from core import uscc as uscc_mod
from core.pdf import esc, kv_table, register_font
from core.pdf import styles as pdf_styles
from core.scoping import department_of, is_platform_admin
from enterprise.models import ActivationLetter, EntityAccount
from supervision.models import Department, MarketEntity

# Issue 14 §1: "a one-time code, valid 30 days".
ACTIVATION_LETTER_VALID_DAYS = 30
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed from paper
CODE_GROUPS, CODE_GROUP_LENGTH = 4, 4
TEMP_PASSWORD_LENGTH = 12
HMAC_SALT = "enterprise.activation-code"

CODE_WRONG = "开通码不正确，请核对开通函上的开通码（不区分大小写，可不输入短横线）。"
CODE_EXPIRED = "该开通码已过有效期（开通函自出具之日起30日内有效），请联系登记机关重新出具开通函。"
CODE_USED = "该开通码已使用过，不能再次使用；如需新增联络员，请由首位联络员在“账号设置”中添加。"
TOKEN_WRONG = "验证码不正确或已过期，请输入身份验证器中当前显示的6位数字。"
CODE_VOID = "该开通码已作废（登记机关已重新出具开通函），请使用最新的开通函。"


# --- codes ----------------------------------------------------------------------------------------


def new_code() -> str:
    """A fresh code, e.g. ``K7QM-3WXR-HN5T-PD2A``."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(chars[i : i + CODE_GROUP_LENGTH] for i in range(0, len(chars), CODE_GROUP_LENGTH))


def normalize_code(value) -> str:
    """Upper-case, full-width to half-width, without spaces and dashes (as printed or as typed)."""
    text = uscc_mod.normalize(value)
    return "".join(c for c in text if c.isalnum())


def code_hash(code: str) -> str:
    return salted_hmac(HMAC_SALT, normalize_code(code), algorithm="sha256").hexdigest()


def code_matches(letter: ActivationLetter, code: str) -> bool:
    return constant_time_compare(letter.code_hash, code_hash(code))


# --- scope ----------------------------------------------------------------------------------------


def departments_under(department) -> set[int]:
    """The department's id and every descendant's (the department tree, breadth first)."""
    if department is None:
        return set()
    ids, frontier = {department.pk}, [department.pk]
    while frontier:
        frontier = [pk for pk in Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)]
        frontier = [pk for pk in frontier if pk not in ids]
        ids.update(frontier)
    return ids


def scope_to_registration_authority(queryset: QuerySet, user, field: str = "entity__registration_authority"):
    """Rows of entities registered by the official's department or one below it (all for a platform admin)."""
    if is_platform_admin(user):
        return queryset
    ids = departments_under(department_of(user))
    return queryset.filter(**{f"{field}_id__in": ids}) if ids else queryset.none()


def may_manage(user, entity: MarketEntity) -> bool:
    """Whether ``user`` may issue letters for, and revoke the accounts of, ``entity``."""
    if is_platform_admin(user):
        return True
    return entity.registration_authority_id in departments_under(department_of(user))


def _require_scope(actor, entity):
    if not may_manage(actor, entity):
        raise ValidationError("只有该主体登记机关（或其上级部门）的工作人员可以办理，本部门无权办理。")


# --- activation letters ---------------------------------------------------------------------------


@transaction.atomic
def letter_issue(*, entity: MarketEntity, actor) -> tuple[ActivationLetter, str]:
    """Issue a letter; earlier unused letters of the entity are voided. Returns the letter and the
    code in clear (print it now: it is never available again)."""
    _require_scope(actor, entity)
    entity = MarketEntity.objects.select_for_update().get(pk=entity.pk)
    if EntityAccount.objects.filter(entity=entity, revoked_at__isnull=True).exists():
        raise ValidationError("该主体已有有效的企业账号；如需交接，请先“注销全部账号”，再出具新的开通函。")
    department = department_of(actor) if not is_platform_admin(actor) else None
    department = department or entity.registration_authority or department_of(actor)
    if department is None:
        raise ValidationError("该主体未登记登记机关，且您的账号未关联部门，无法出具开通函。")
    now = timezone.now()
    voided = list(
        ActivationLetter.objects.filter(entity=entity, used_at__isnull=True, revoked_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    ActivationLetter.objects.filter(pk__in=voided).update(revoked_at=now)
    code = new_code()
    letter = ActivationLetter.objects.create(
        entity=entity,
        department=department,
        code_hash=code_hash(code),
        issued_by=actor,
        issued_at=now,
        expires_at=now + dt.timedelta(days=ACTIVATION_LETTER_VALID_DAYS),
    )
    audit.record(
        actor=actor,
        action="activation_letter.issue",
        target=letter,
        after={"entity": entity.pk, "department": department.pk, "expires_at": letter.expires_at, "voided": voided},
    )
    return letter, code


def letter_pdf(letter: ActivationLetter, code: str, activation_url: str) -> bytes:
    """The letter as PDF: entity, USCC, the code, its expiry and the activation address."""
    register_font()
    styles = pdf_styles()
    entity = letter.entity
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"企业端账号开通函（{entity.name}）",
        author=letter.department.name,
        creator="综合监管平台",
        invariant=1,
    )
    expires = timezone.localtime(letter.expires_at)
    issued = timezone.localtime(letter.issued_at)
    story = [
        Paragraph("企业端账号开通函", styles["title"]),
        Paragraph(esc(letter.department.name), styles["subtitle"]),
        Spacer(1, 6 * mm),
        Paragraph(f"{esc(entity.name)}：", styles["body"]),
        Paragraph(
            "贵单位可凭本函在综合监管平台企业端开通账号，由企业信息联络员查看本单位信用档案、报送年度报告、"
            "在线办理异议、信用修复等事项。请妥善保管本函，开通码仅可使用一次。",
            styles["body"],
        ),
        Spacer(1, 4 * mm),
        kv_table(
            [
                ("市场主体名称", entity.name),
                ("统一社会信用代码", entity.uscc),
                ("开通码", code),
                ("有效期至", f"{expires:%Y年%m月%d日 %H:%M}（出具之日起{ACTIVATION_LETTER_VALID_DAYS}日内有效）"),
                ("开通地址", activation_url),
                ("出具时间", f"{issued:%Y年%m月%d日 %H:%M}"),
            ],
            doc.width,
            styles,
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            "开通步骤：打开上述开通地址，输入统一社会信用代码和开通码，设置登录用户名、密码和联络员手机号码。"
            "开通后可在“账号设置”中开启两步验证，并由首位联络员增加其他联络员。"
            "开通码过期、遗失或联络员变更的，请向登记机关申请重新出具开通函，原开通函同时作废。",
            styles["body"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()


def letter_for(entity: MarketEntity, code: str) -> ActivationLetter:
    """The entity's letter with this code, or a ValidationError on ``code`` saying why it cannot be used."""
    for letter in ActivationLetter.objects.filter(entity=entity).order_by("-issued_at"):
        if not code_matches(letter, code):
            continue
        if letter.used_at is not None:
            raise ValidationError({"code": CODE_USED})
        if letter.revoked_at is not None:
            raise ValidationError({"code": CODE_VOID})
        if letter.expires_at <= timezone.now():
            raise ValidationError({"code": CODE_EXPIRED})
        return letter
    raise ValidationError({"code": CODE_WRONG})


def _new_user(*, username, password, email):
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用，请换一个。"})
    return User.objects.create_user(username=username, password=password, email=email or "", is_staff=False)


@transaction.atomic
def account_activate(
    *, entity: MarketEntity, code: str, username: str, full_name: str, password: str, mobile: str, email: str = ""
) -> EntityAccount:
    """The first liaison activates the entity's account with the letter's code (one use)."""
    letter = letter_for(entity, code)
    letter = ActivationLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.used_at is not None or letter.revoked_at is not None:  # raced by another activation
        raise ValidationError({"code": CODE_USED})
    user = _new_user(username=username, password=password, email=email)
    account = EntityAccount.objects.create(
        user=user, entity=entity, full_name=full_name, mobile=mobile, email=email or "", is_first_liaison=True
    )
    letter.used_at, letter.used_by = timezone.now(), account
    letter.save(update_fields=["used_at", "used_by"])
    audit.record(
        actor=user,
        action="entity_account.activate",
        target=account,
        after={"entity": entity.pk, "letter": letter.pk, "username": user.username, "first_liaison": True},
    )
    return account


# --- liaisons -------------------------------------------------------------------------------------


def _require_first(actor_account: EntityAccount):
    if not (actor_account.active and actor_account.is_first_liaison):
        raise ValidationError("只有首位联络员可以增加或删除联络员。")


@transaction.atomic
def liaison_add(
    *, actor_account: EntityAccount, username: str, full_name: str, mobile: str, email: str = ""
) -> tuple[EntityAccount, str]:
    """The first liaison adds a liaison of the same entity. Returns the account and its temporary
    password (shown once; the new liaison changes it under 账号设置)."""
    _require_first(actor_account)
    password = "".join(secrets.choice(CODE_ALPHABET + CODE_ALPHABET.lower()) for _ in range(TEMP_PASSWORD_LENGTH))
    user = _new_user(username=username, password=password, email=email)
    account = EntityAccount.objects.create(
        user=user,
        entity_id=actor_account.entity_id,
        full_name=full_name,
        mobile=mobile,
        email=email or "",
        is_first_liaison=False,
        created_by=actor_account.user,
    )
    audit.record(
        actor=actor_account.user,
        action="entity_account.liaison_add",
        target=account,
        after={"entity": account.entity_id, "username": user.username, "full_name": full_name},
    )
    return account, password


def _end_sessions(user_ids) -> None:
    """Delete the database sessions of these users (the session store is the database, settings)."""
    ids = {str(pk) for pk in user_ids}
    if not ids:
        return
    doomed = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now())
        if str(s.get_decoded().get("_auth_user_id")) in ids
    ]
    Session.objects.filter(session_key__in=doomed).delete()


def _close(account: EntityAccount, now, reason: str) -> None:
    account.revoked_at, account.revoked_reason = now, reason[:300]
    account.save(update_fields=["revoked_at", "revoked_reason"])
    user = account.user
    user.is_active = False
    user.set_unusable_password()  # the session's auth hash no longer matches: signed out everywhere
    user.save(update_fields=["is_active", "password"])


@transaction.atomic
def liaison_remove(*, actor_account: EntityAccount, account: EntityAccount) -> EntityAccount:
    """The first liaison removes another liaison of the same entity (never itself)."""
    _require_first(actor_account)
    if account.entity_id != actor_account.entity_id or not account.active:
        raise ValidationError("该联络员不存在或已删除。")
    if account.pk == actor_account.pk:
        raise ValidationError("首位联络员不能删除自己；如需交接，请联系登记机关注销全部账号后重新开通。")
    _close(account, timezone.now(), f"由首位联络员{actor_account.full_name}删除")
    _end_sessions([account.user_id])
    audit.record(
        actor=actor_account.user,
        action="entity_account.liaison_remove",
        target=account,
        after={"entity": account.entity_id, "revoked_at": account.revoked_at},
    )
    return account


@transaction.atomic
def accounts_revoke(*, entity: MarketEntity, actor, reason: str) -> list[EntityAccount]:
    """注销全部账号: the registration authority closes every account of the entity (a handover); the
    entity then gets a new letter. Unused letters are voided too."""
    _require_scope(actor, entity)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写注销原因。"})
    now = timezone.now()
    accounts = list(
        EntityAccount.objects.select_for_update().select_related("user").filter(entity=entity, revoked_at__isnull=True)
    )
    for account in accounts:
        _close(account, now, reason)
    voided = ActivationLetter.objects.filter(entity=entity, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    _end_sessions([a.user_id for a in accounts])
    audit.record(
        actor=actor,
        action="entity_account.revoke_all",
        target=entity,
        after={"accounts": [a.pk for a in accounts], "letters_voided": voided, "reason": reason},
    )
    return accounts


# --- the account's own settings -------------------------------------------------------------------


@transaction.atomic
def account_update(*, account: EntityAccount, full_name: str, mobile: str, email: str = "") -> EntityAccount:
    before = audit.snapshot(account, ["full_name", "mobile", "email"])
    account.full_name, account.mobile, account.email = full_name, mobile, email or ""
    account.save(update_fields=["full_name", "mobile", "email"])
    account.user.email = account.email
    account.user.save(update_fields=["email"])
    after = audit.snapshot(account, ["full_name", "mobile", "email"])
    audit.record(actor=account.user, action="entity_account.update", target=account, before=before, after=after)
    return account


@transaction.atomic
def account_password_set(*, account: EntityAccount, password: str) -> EntityAccount:
    """Set a new password (validated by the form with Django's validators); never audited in clear."""
    account.user.set_password(password)
    account.user.save(update_fields=["password"])
    audit.record(actor=account.user, action="entity_account.password_change", target=account, after={})
    return account


def totp_pending(account: EntityAccount) -> TOTPDevice | None:
    """The device being set up (not yet confirmed with a token), if any."""
    return TOTPDevice.objects.filter(user=account.user, confirmed=False).order_by("-pk").first()


def totp_active(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


@transaction.atomic
def totp_start(*, account: EntityAccount) -> TOTPDevice:
    """A new, unconfirmed device (a fresh secret); it counts only once ``totp_confirm`` accepts a token."""
    TOTPDevice.objects.filter(user=account.user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=account.user, name="企业端两步验证", confirmed=False)
    audit.record(actor=account.user, action="entity_account.totp_start", target=account, after={"device": device.pk})
    return device


def totp_confirm(*, account: EntityAccount, device: TOTPDevice, token: str) -> TOTPDevice:
    """Two-factor sign-in on, when the new device gives a valid token; earlier devices are removed.
    The token is checked outside the transaction, so django-otp's failure count survives a refusal."""
    if device.user_id != account.user_id or device.confirmed:
        raise ValidationError("两步验证设置已失效，请重新开始设置。")
    if not device.verify_token(token):
        raise ValidationError({"token": TOKEN_WRONG})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=account.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(
            actor=account.user, action="entity_account.totp_enable", target=account, after={"device": device.pk}
        )
    return device


@transaction.atomic
def totp_disable(*, account: EntityAccount) -> EntityAccount:
    removed, _ = TOTPDevice.objects.filter(user=account.user).delete()
    audit.record(actor=account.user, action="entity_account.totp_disable", target=account, after={"removed": removed})
    return account

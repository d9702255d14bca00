"""信用信息注册 (issue 14 §3): an entity's self-declared information — added and withdrawn by the entity,
removed with reasons by its registration authority (登记机关) or a platform administrator.

None of these touches a ``CreditRecord`` or asks for a re-grade: self-declared information is
published as the entity's own word (企业自主填报，未经核实) and never changes the grade.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.scoping import department_of, is_platform_admin
from credit.models import DeclarationKind, DeclarationState, SelfDeclaration
from supervision.models import MarketEntity

TITLE_MAX = 200
ISSUER_MAX = 200
STANDARD_NO_MAX = 64
DESCRIPTION_MAX = 2000
REASON_MAX = 500
# Kinds whose issuing body must be named: a qualification or an honour is somebody's grant.
ISSUER_REQUIRED = (DeclarationKind.QUALIFICATION, DeclarationKind.HONOUR)


def _clean(*, kind, title, issuer, standard_no, issued_on, valid_until, description, today) -> dict:
    errors = {}
    title, issuer, standard_no = (title or "").strip(), (issuer or "").strip(), (standard_no or "").strip()
    description = (description or "").strip()
    if kind not in DeclarationKind.values:
        errors["kind"] = "请选择填报类别（资质、荣誉、企业标准自我声明或公益活动）"
    if not title:
        errors["title"] = "名称为必填项" if kind != DeclarationKind.STANDARD else "标准名称为必填项"
    elif len(title) > TITLE_MAX:
        errors["title"] = f"名称不能超过 {TITLE_MAX} 个字"
    if kind in ISSUER_REQUIRED and not issuer:
        errors["issuer"] = "资质、荣誉须填写发证（授予）单位"
    elif len(issuer) > ISSUER_MAX:
        errors["issuer"] = f"单位名称不能超过 {ISSUER_MAX} 个字"
    if kind == DeclarationKind.STANDARD and not standard_no:
        # 《企业标准化促进办法》: a declared standard names its number and its name.
        errors["standard_no"] = "企业标准自我声明须填写标准编号"
    elif len(standard_no) > STANDARD_NO_MAX:
        errors["standard_no"] = f"标准编号不能超过 {STANDARD_NO_MAX} 个字符"
    if not isinstance(issued_on, dt.date):
        errors["issued_on"] = "请填写日期（年-月-日）"
    elif issued_on > today:
        errors["issued_on"] = "日期不能晚于今天"
    if valid_until is not None and not isinstance(valid_until, dt.date):
        errors["valid_until"] = "有效期请填写日期（年-月-日）"
    elif valid_until is not None and isinstance(issued_on, dt.date) and valid_until < issued_on:
        errors["valid_until"] = "有效期不能早于取得（发布）日期"
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = f"说明不能超过 {DESCRIPTION_MAX} 个字"
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "title": title,
        "issuer": issuer,
        "standard_no": standard_no if kind == DeclarationKind.STANDARD else "",
        "issued_on": issued_on,
        "valid_until": valid_until,
        "description": description,
    }


@transaction.atomic
def declaration_add(
    *,
    actor,
    entity: MarketEntity,
    kind: str,
    title: str,
    issued_on: dt.date,
    issuer: str = "",
    standard_no: str = "",
    valid_until: dt.date | None = None,
    description: str = "",
    attachment=None,
) -> SelfDeclaration:
    """The entity publishes a declaration. ``actor`` is the liaison signed in for ``entity`` (the
    entity side's guard binds the two); an official never declares on an entity's behalf."""
    if not getattr(actor, "is_authenticated", False) or actor.is_staff:
        raise ValidationError("企业自主填报信息只能由该企业的联络员在企业端填报")
    fields = _clean(
        kind=kind,
        title=title,
        issuer=issuer,
        standard_no=standard_no,
        issued_on=issued_on,
        valid_until=valid_until,
        description=description,
        today=timezone.localdate(),
    )
    declaration = SelfDeclaration.objects.create(
        entity_id=entity.uscc, created_by=actor, attachment=attachment or "", **fields
    )
    audit.record(actor=actor, action="declaration.add", target=declaration, after=audit.snapshot(declaration))
    return declaration


def _locked(declaration) -> SelfDeclaration:
    return SelfDeclaration.objects.select_for_update().get(pk=declaration.pk)


@transaction.atomic
def declaration_withdraw(*, actor, entity: MarketEntity, declaration: SelfDeclaration) -> SelfDeclaration:
    """The entity takes its own declaration off its public page."""
    declaration = _locked(declaration)
    if declaration.entity_id != entity.uscc:
        raise ValidationError("只能撤回本企业填报的信息")
    if declaration.state != DeclarationState.PUBLISHED:
        raise ValidationError(f"该信息{declaration.get_state_display()}，无需撤回")
    before = audit.snapshot(declaration)
    declaration.state, declaration.withdrawn_at = DeclarationState.WITHDRAWN, timezone.now()
    declaration.save(update_fields=["state", "withdrawn_at"])
    audit.record(
        actor=actor, action="declaration.withdraw", target=declaration, before=before, after=audit.snapshot(declaration)
    )
    return declaration


def can_remove(actor, declaration: SelfDeclaration) -> bool:
    """A platform administrator, or an official of the entity's registration authority (登记机关)."""
    if is_platform_admin(actor):
        return True
    department = department_of(actor)
    if department is None:
        return False
    return MarketEntity.objects.filter(uscc=declaration.entity_id, registration_authority=department).exists()


@transaction.atomic
def declaration_remove(*, actor, declaration: SelfDeclaration, reason: str) -> SelfDeclaration:
    """Take a declaration off the public page for a stated reason (e.g. false or unlawful content)."""
    declaration = _locked(declaration)
    reason = (reason or "").strip()
    if not can_remove(actor, declaration):
        raise ValidationError("只有该主体的登记机关或平台管理员可以删除企业自主填报信息")
    if not reason:
        raise ValidationError({"reason": "须写明删除理由（如填报内容虚假）"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"删除理由不能超过 {REASON_MAX} 个字"})
    if declaration.state != DeclarationState.PUBLISHED:
        raise ValidationError(f"该信息{declaration.get_state_display()}，不在公示中")
    before = audit.snapshot(declaration)
    declaration.state = DeclarationState.REMOVED
    declaration.removed_at, declaration.removed_by, declaration.removal_reason = timezone.now(), actor, reason
    declaration.save(update_fields=["state", "removed_at", "removed_by", "removal_reason"])
    audit.record(
        actor=actor, action="declaration.remove", target=declaration, before=before, after=audit.snapshot(declaration)
    )
    return declaration

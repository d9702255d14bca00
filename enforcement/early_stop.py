"""提前停止公示: the party applies, the deciding department decides (issue 12 §1).

《市场监督管理行政处罚信息公示规定》（国家市场监督管理总局令第45号）, the provision after 第十三条
(article number not confirmed in the sources read; see /work/notes/penalty.md): once the disclosure has
met the required time (时限要求, set by SAMR separately: ``DisclosureRule.early_stop_min_months``) the
party may apply to the department that made the decision, when all of these hold:
  (一) 已经自觉履行行政处罚决定中规定的义务;  (二) 已经主动消除危害后果和不良影响;
  (三) 未因同一类违法行为再次受到市场监督管理部门行政处罚;  (四) 未在经营异常名录和严重违法失信名单中.
(一) and (二) are declared with evidence and verified by the official; (三) and (四) are checked here.
Penalties of 责令停产停业、限制开展生产经营活动、限制从业、降低资质等级、吊销许可证件 never stop early
(the same provision; ``credit.choices.NON_REPAIRABLE_PENALTIES``).

The credit record is not touched: its NDRC window and repair are the other clock. Order 45 sets no
deadline for the decision in the text read; none is shown (no constant is invented).
"""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import audit
from core.filings import new_tracking, query_code_digest
from core.scoping import department_of, is_platform_admin
from credit import selectors as credit_selectors
from credit.choices import NON_REPAIRABLE_PENALTIES, ListType, PenaltyType
from enforcement import change_events
from enforcement.choices import DisclosureRuleKind, DisclosureState, EarlyStopState
from enforcement.disclosure_period import rule_for
from enforcement.models import EarlyStopApplication, EarlyStopEvidence, PenaltyDisclosure

ORDER_45_EARLY_STOP = "《市场监督管理行政处罚信息公示规定》（国家市场监督管理总局令第45号）关于提前停止公示的规定"
TRACKING_PREFIX = "TZ"


def early_stop_problems(disclosure: PenaltyDisclosure, today=None) -> list[str]:
    """Why this disclosure cannot stop early now ([] when an application can be decided on its evidence)."""
    today = today or timezone.localdate()
    if disclosure.state != DisclosureState.PUBLISHED or (
        disclosure.publicity_ends_on and disclosure.publicity_ends_on < today
    ):
        return [_("该处罚信息不在公示中")]
    problems = []
    rule = rule_for(disclosure.department, today)
    if rule.kind != DisclosureRuleKind.SAMR_ORDER_45:
        problems.append(_("该部门的处罚信息不适用市场监管总局令第45号的提前停止公示，可对相应信用记录申请信用修复"))
    else:
        published_on = timezone.localdate(disclosure.published_at) if disclosure.published_at else today
        earliest = published_on + relativedelta(months=rule.early_stop_min_months)
        if today < earliest:
            problems.append(
                _("公示未满%(months)s个月，%(date)s起可以申请")
                % {"months": rule.early_stop_min_months, "date": date_format(earliest, _("Y年n月j日"))}
            )
    heavy = [str(PenaltyType(k).label) for k in disclosure.penalty_types if k in NON_REPAIRABLE_PENALTIES]
    if heavy:
        problems.append(_("受到%(kinds)s处罚的，不得提前停止公示") % {"kinds": _("、").join(heavy)})
    lists = credit_selectors.active_list_entries(today).filter(
        entity_id=disclosure.entity_id, list_type__in=[ListType.ABNORMAL, ListType.SERIOUS]
    )
    for label in sorted({str(ListType(t).label) for t in lists.values_list("list_type", flat=True)}):
        problems.append(_("当事人仍在%(list)s中") % {"list": label})
    again = (
        PenaltyDisclosure.objects.filter(
            entity_id=disclosure.entity_id,
            violation_type=disclosure.violation_type,
            decided_on__gt=disclosure.decided_on,
        )
        .exclude(pk=disclosure.pk)
        .exclude(state=DisclosureState.WITHDRAWN)
    )
    if disclosure.entity_id and again.exists():
        problems.append(_("当事人此后因同一类违法行为再次受到行政处罚"))
    return problems


@transaction.atomic
def early_stop_apply(
    *,
    actor,
    disclosure: PenaltyDisclosure,
    applicant_name: str,
    contact_phone: str,
    reason: str,
    performed: bool,
    harm_removed: bool,
    contact_email: str = "",
    evidence_files=(),
    channel: str = "web",
):
    """File an application; refused with the exact reasons when it cannot succeed. Returns ``(application, query_code)``."""
    disclosure = PenaltyDisclosure.objects.select_for_update().select_related("department").get(pk=disclosure.pk)
    errors = {}
    for name, value, label in (
        ("applicant_name", applicant_name, "申请人"),
        ("contact_phone", contact_phone, "联系电话"),
        ("reason", reason, "申请理由"),
    ):
        if not str(value or "").strip():
            errors[name] = f"{label}为必填项"
    if performed is not True:
        errors["performed"] = _("须已经自觉履行行政处罚决定中规定的义务（总局令第45号）")
    if harm_removed is not True:
        errors["harm_removed"] = _("须已经主动消除危害后果和不良影响（总局令第45号）")
    if errors:
        raise ValidationError(errors)
    if problems := early_stop_problems(disclosure):
        raise ValidationError({"disclosure": problems})
    if EarlyStopApplication.objects.filter(disclosure=disclosure, state=EarlyStopState.SUBMITTED).exists():
        raise ValidationError({"disclosure": _("该处罚信息已有待决定的提前停止公示申请")})
    number, code = new_tracking(EarlyStopApplication, TRACKING_PREFIX)
    application = EarlyStopApplication.objects.create(
        tracking_no=number,
        query_code_hash=query_code_digest(number, code),
        applicant_name=applicant_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
        filed_at=timezone.now(),
        channel=channel,
        disclosure=disclosure,
        entity_id=disclosure.entity_id,
        department=disclosure.department,
        reason=reason.strip(),
        performed=True,
        harm_removed=True,
    )
    for upload in evidence_files:
        EarlyStopEvidence.objects.create(application=application, file=upload)
    audit.record(actor=actor, action="early_stop.apply", target=application, after=_snapshot(application))
    return application, code


def _snapshot(application) -> dict:
    # Never the contact details (confidential, API.md).
    return {
        "tracking_no": application.tracking_no,
        "disclosure": application.disclosure_id,
        "state": application.state,
        "decision_reason": application.decision_reason,
        "evidence": application.evidence.count(),
    }


def _decide(*, actor, application, approve: bool, reason: str):
    application = EarlyStopApplication.objects.select_for_update().select_related("department").get(pk=application.pk)
    if application.state != EarlyStopState.SUBMITTED:
        raise ValidationError(f"该申请已{application.get_state_display()}")
    if not str(reason or "").strip():
        raise ValidationError({"reason": "须写明决定理由（不予提前停止公示的，写明理由）"})
    if (
        getattr(actor, "is_authenticated", False)
        and not is_platform_admin(actor)
        and department_of(actor) != application.department
    ):
        raise ValidationError(f"只有作出处罚决定的{application.department.name}可以作出决定")
    before = _snapshot(application)
    if approve:
        disclosure = PenaltyDisclosure.objects.select_for_update().get(pk=application.disclosure_id)
        if problems := early_stop_problems(disclosure):
            raise ValidationError({"reason": problems})
        disclosure.state, disclosure.featured = DisclosureState.EARLY_STOPPED, False
        disclosure.save(update_fields=["state", "featured"])
        change_events.penalties_withdrawn([disclosure.pk])  # issue 15 §3: it leaves /penalties/
        audit.record(
            actor=actor,
            action="penalty_disclosure.early_stop",
            target=disclosure,
            before={"state": DisclosureState.PUBLISHED},
            after={"state": disclosure.state, "application": application.tracking_no, "reason": reason.strip()},
        )
    application.state = EarlyStopState.APPROVED if approve else EarlyStopState.REFUSED
    application.decided_at, application.decision_reason = timezone.now(), reason.strip()
    application.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    application.save(update_fields=["state", "decided_at", "decision_reason", "decided_by"])
    audit.record(
        actor=actor,
        action=f"early_stop.{'approve' if approve else 'refuse'}",
        target=application,
        before=before,
        after=_snapshot(application),
    )
    return application


@transaction.atomic
def early_stop_approve(*, actor, application, reason: str):
    """准予: the disclosure ends now (leaves /penalties/, the API and the entity page); the credit record stays."""
    return _decide(actor=actor, application=application, approve=True, reason=reason)


@transaction.atomic
def early_stop_refuse(*, actor, application, reason: str):
    """不予: with the reasons, which the applicant reads on the track page."""
    return _decide(actor=actor, application=application, approve=False, reason=reason)


def early_stop_status(application) -> dict:
    """The application as its filer may see it by number and code (``filing_status`` keys)."""
    facts = [
        ("处罚决定书文号", application.disclosure.number),
        ("提交时间", application.filed_at),
        ("决定部门", application.department.name),
    ]
    data = {
        "kind": "提前停止公示申请",
        "status": application.state,
        "status_label": application.get_state_display(),
        "facts": facts,
    }
    if application.state != EarlyStopState.SUBMITTED:
        facts.append(("决定时间", application.decided_at))
        data["outcome"] = application.get_state_display() + (
            f"：{application.decision_reason}" if application.decision_reason else ""
        )
    return data

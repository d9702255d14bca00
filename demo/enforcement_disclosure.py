"""Demo of the disclosure clock (issue 12 §1), called by ``demo.enforcement.seed_enforcement_demo``:

- 郑州市市场监督管理局 and the district bureaus under it follow 总局令第45号 (one rule row for the
  subtree), so its fines stay on /penalties/ for 3 years while their credit records (一般) leave the
  grade after 1 year. 河南's 较低数额 threshold is left unset, as the platform has no official source for
  it: no fine counts as low until a platform administrator enters it.
- 金水区市场监督管理局's own case system pushed two older penalties (carried over with their original
  publication dates); their parties applied to stop the disclosure early: one waits for the decision,
  one was refused with reasons.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from credit import services as credit_services
from credit.models import CreditRecord
from enforcement import early_stop
from enforcement.choices import DisclosureRuleKind, DisclosureState
from enforcement.disclosure_period import ORDER_45, disclosure_rule_save, period_for
from enforcement.models import DisclosureRule, PenaltyDisclosure
from supervision.models import Department, MarketEntity

ACTOR = "task:seed_demo"
RULE_FROM = dt.date(2021, 9, 1)  # 总局令第45号 in force


def seed_disclosure_rules(depts: dict) -> int:
    """The market regulators' rule (before the demo's penalties are published)."""
    city = depts.get("ZZSJ")
    if city is None or DisclosureRule.objects.filter(department=city, effective_from=RULE_FROM).exists():
        return 0
    disclosure_rule_save(
        actor=ACTOR,
        rule=DisclosureRule(
            department=city,
            kind=DisclosureRuleKind.SAMR_ORDER_45,
            citation=ORDER_45,
            effective_from=RULE_FROM,
            note="适用于本局及各区市场监督管理局",
        ),
    )
    return 1


PUSHED = [
    (
        "金市监罚〔2025〕31号",
        "未按规定公示食品经营许可证",
        "经查，当事人未在经营场所显著位置悬挂食品经营许可证正本。",
        "5000.00",
        "已缴清罚款，已在经营场所显著位置悬挂许可证正本并完成员工培训。",
        None,
    ),
    (
        "金市监罚〔2025〕44号",
        "销售标签不符合规定的预包装食品",
        "经查，当事人销售的预包装食品标签未标注生产日期。",
        "20000.00",
        "已缴清罚款，已下架并退回全部不合格商品。",
        "整改报告未附下架商品清单及供货商退货凭证，请补充后重新申请。",
    ),
]


def seed_early_stop(today: dt.date | None = None) -> int:
    """Two pushed penalties of 金水区市场监督管理局 with early-stop applications (one pending, one refused)."""
    today = today or timezone.localdate()
    jinshui = Department.objects.filter(code="JSSJ").first()
    entities = (
        list(MarketEntity.objects.filter(registration_authority=jinshui, status="active").order_by("uscc")[:40])
        if jinshui
        else []
    )
    added = 0
    for (number, violation, facts, amount, reason, refusal), entity in zip(PUSHED, entities[::20], strict=False):
        if CreditRecord.objects.filter(department=jinshui, source_ref=number).exists():
            continue  # seeded before: a rerun (even on a later day) adds and moves nothing
        decided_on = today - relativedelta(months=15)
        credit_services.credit_records_push(
            actor=ACTOR,
            department=jinshui,
            records=[
                {
                    "source_ref": number,
                    "uscc": entity.uscc,
                    "category": "administrative_penalty",
                    "polarity": "negative",
                    "severity": "general",
                    "title": f"{violation}（罚款）",
                    "content": facts,
                    "decided_on": decided_on.isoformat(),
                    "legal_basis": "《中华人民共和国食品安全法》",
                    "amount": amount,
                    "penalty_types": ["fine"],
                }
            ],
        )
        record = CreditRecord.objects.get(department=jinshui, source_ref=number)
        disclosure = PenaltyDisclosure.objects.get(credit_record=record, decision__isnull=True)
        # Carried over from 金水区's own system: published there 7 days after the decision (总局令第45号 第十三条 counts from then).
        published_on = decided_on + dt.timedelta(days=7)
        period = period_for(
            jinshui,
            penalty_types=["fine"],
            fine_amount=record.amount,
            published_on=published_on,
            restriction_ends_on=None,
            record_ends_on=record.publicity_ends_on,
        )
        PenaltyDisclosure.objects.filter(pk=disclosure.pk).update(
            published_at=timezone.make_aware(dt.datetime.combine(published_on, dt.time(9))),
            publicity_ends_on=period.ends_on,
            period_basis=period.basis,
            state=DisclosureState.PUBLISHED,
        )
        disclosure.refresh_from_db()
        if early_stop.early_stop_problems(disclosure, today):
            continue
        application, _code = early_stop.early_stop_apply(
            actor=ACTOR,
            disclosure=disclosure,
            applicant_name=entity.name,
            contact_phone="13900000000",
            reason=reason,
            performed=True,
            harm_removed=True,
            channel="web",
        )
        if refusal:
            early_stop.early_stop_refuse(actor=ACTOR, application=application, reason=refusal)
        added += 1
    return added

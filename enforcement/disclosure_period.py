"""How long a penalty stays disclosed: a clock of its own, apart from the credit record's (issue 12 §1).

- The **credit record's window** (NDRC 《信用修复管理办法》, credit.services.publicity_window) decides
  what the grade counts and what repair can end. It is not changed here.
- The **disclosure period** decides how long ``/penalties/``, the API and the entity page's
  行政处罚信息 show the summary. For a market-regulation department it is 《市场监督管理行政处罚信息
  公示规定》 (国家市场监督管理总局令第45号, 2021) 第十三条:
    - 仅受到通报批评或者较低数额罚款: 3 months from publication (自公示之日起届满三个月);
    - any other penalty: 3 years from publication;
    - 第二款: 较低数额罚款 is set by the provincial market regulator (``LowFineThreshold``; none set
      means no fine counts as low);
    - 第三款: a 限制开展生产经营活动 / 限制从业 longer than that keeps it disclosed until the
      restriction ends (applied to any restriction term recorded on the decision).
  Other departments follow their own ``DisclosureRule``; with none, the NDRC window of the record.

Which department is "market regulation": an explicit ``DisclosureRule`` of the department or an
ancestor decides. Without one, a department that is (or sits under) the registration authority
(登记机关) of any roster entity is a 市场监督管理部门 (《市场主体登记管理条例》第五条: registration is
done by the market regulators), and follows Order 45; any other follows the NDRC window.
"""

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from core import audit
from credit.choices import PenaltyType
from enforcement.choices import DisclosureRuleKind
from enforcement.models import DisclosureRule, LowFineThreshold
from supervision.models import Department, MarketEntity

ORDER_45 = "《市场监督管理行政处罚信息公示规定》（国家市场监督管理总局令第45号）第十三条"
ORDER_45_LOW_MONTHS = 3  # 第十三条第一款: 通报批评 or a low fine, 3 months from publication
ORDER_45_MONTHS = 36  # 第十三条第一款: any other penalty, 3 years from publication
# 第十三条第一款 "仅受到通报批评或者较低数额罚款": only these kinds (警告 alone is never published, 第二条).
LOW_KINDS = frozenset({PenaltyType.WARNING, PenaltyType.CRITICISM, PenaltyType.FINE})


class Period(NamedTuple):
    ends_on: dt.date
    basis: str


def _lineage(department: Department) -> list[int]:
    """The department's id and its ancestors' ids, nearest first."""
    ids, node = [], department
    while node is not None and node.pk not in ids:
        ids.append(node.pk)
        node = Department.objects.only("id", "parent_id").filter(pk=node.parent_id).first() if node.parent_id else None
    return ids


def rule_for(department: Department, on: dt.date) -> DisclosureRule:
    """The rule in force for ``department`` on ``on``: its own or the nearest ancestor's row; else
    Order 45 for a registration authority's subtree; else the NDRC window (unsaved rows)."""
    lineage = _lineage(department)
    rows = {
        r.department_id: r
        for r in DisclosureRule.objects.filter(department_id__in=lineage, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("department_id", "effective_from")
    }  # the latest version per department wins (ordered ascending, the dict keeps the last)
    for pk in lineage:
        if pk in rows:
            return rows[pk]
    if MarketEntity.objects.filter(registration_authority_id__in=lineage).exists():
        return DisclosureRule(
            department=department,
            kind=DisclosureRuleKind.SAMR_ORDER_45,
            citation=f"{ORDER_45}（登记机关，按市场监督管理部门）",
            effective_from=on,
        )
    return DisclosureRule(
        department=department,
        kind=DisclosureRuleKind.NDRC_WINDOW,
        citation="与信用记录公示期限一致（未设定本部门规则）",
        effective_from=on,
    )


def low_fine_threshold(region_code: str, on: dt.date) -> LowFineThreshold | None:
    """The 较低数额 threshold in force for a region (the longest matching prefix), or None: not set."""
    region_code = region_code or ""
    prefixes = [region_code[:n] for n in range(2, len(region_code) + 1)]
    rows = LowFineThreshold.objects.filter(region_code__in=prefixes, effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )
    return max(rows, key=lambda r: (len(r.region_code), r.effective_from), default=None)


def is_low(penalty_types, fine_amount, threshold: LowFineThreshold | None) -> bool:
    """第十三条第一款: 通报批评 alone, or a fine at or below the province's threshold (and nothing heavier).
    With no threshold set, a fine never counts as low."""
    kinds = set(penalty_types or ())
    if not kinds or not kinds <= LOW_KINDS:
        return False
    if PenaltyType.FINE not in kinds:
        return PenaltyType.CRITICISM in kinds
    if threshold is None:
        return False
    fine = Decimal(str(fine_amount or 0))
    return fine <= threshold.amount if threshold.inclusive else fine < threshold.amount


_UNSET = object()


def disclosure_period(
    *,
    rule: DisclosureRule,
    penalty_types,
    fine_amount,
    published_on: dt.date,
    region_code: str,
    restriction_ends_on: dt.date | None,
    record_ends_on: dt.date | None,
    threshold=_UNSET,
) -> Period:
    """The end of a summary's disclosure under ``rule`` (see the module docstring)."""
    if rule.kind == DisclosureRuleKind.SAMR_ORDER_45:
        if threshold is _UNSET:
            threshold = low_fine_threshold(region_code, published_on)
        if is_low(penalty_types, fine_amount, threshold):
            ends, basis = (
                published_on + relativedelta(months=ORDER_45_LOW_MONTHS),
                f"{ORDER_45}第一款：通报批评或较低数额罚款，公示三个月",
            )
        else:
            ends, basis = published_on + relativedelta(months=ORDER_45_MONTHS), f"{ORDER_45}第一款：公示三年"
    elif rule.kind == DisclosureRuleKind.FIXED:
        ends, basis = published_on + relativedelta(months=rule.months), f"{rule.citation}：公示{rule.months}个月"
    else:
        ends, basis = record_ends_on or published_on, rule.citation or "与信用记录公示期限一致"
    if restriction_ends_on and restriction_ends_on > ends:
        # 第十三条第三款: 限制期限超过公示期的，公示期按照实际限制期限执行.
        ends, basis = restriction_ends_on, f"{basis}；限制期限更长，公示至限制期满（{ORDER_45}第三款）"
    return Period(ends, basis[:300])


def period_for(
    department: Department,
    *,
    penalty_types,
    fine_amount,
    published_on: dt.date,
    restriction_ends_on: dt.date | None,
    record_ends_on: dt.date | None,
    rules: dict | None = None,
) -> Period:
    """``disclosure_period`` under the deciding department's rule (rule and threshold cached in ``rules``)."""
    rules = {} if rules is None else rules
    key = (department.pk, published_on)
    if key not in rules:
        rules[key] = (rule_for(department, published_on), low_fine_threshold(department.region_code, published_on))
    rule, threshold = rules[key]
    return disclosure_period(
        rule=rule,
        penalty_types=penalty_types,
        fine_amount=fine_amount,
        published_on=published_on,
        region_code=department.region_code,
        restriction_ends_on=restriction_ends_on,
        record_ends_on=record_ends_on,
        threshold=threshold,
    )


# Penalties that run for a term (行政处罚法 第9条); their end keeps the disclosure going (总局令第45号 第十三条第三款).
TERM_PENALTIES = frozenset(
    {
        PenaltyType.RESTRICT_BUSINESS,
        PenaltyType.RESTRICT_PRACTICE,
        PenaltyType.SUSPEND_LICENCE,
        PenaltyType.SUSPEND_BUSINESS,
    }
)


def restriction_problem(penalty_types, restriction_ends_on, decided_on: dt.date) -> str | None:
    """Why a restriction end cannot go with these penalty types, or None."""
    if not restriction_ends_on:
        return None
    if not set(penalty_types or ()) & TERM_PENALTIES:
        return "仅限制开展生产经营活动、限制从业、暂扣许可证件、责令停产停业等有期限的处罚可填写限制期限届满日"
    if restriction_ends_on <= decided_on:
        return "限制期限届满日应晚于决定日期"
    return None


# --- the rule data, edited by platform administrators (audited) -----------------------------------


@transaction.atomic
def low_fine_threshold_save(*, actor, threshold: LowFineThreshold) -> LowFineThreshold:
    """Create or change a province's 较低数额 threshold; the change is audited with its source."""
    if not str(threshold.citation or "").strip():
        raise ValidationError({"citation": "请注明依据（省级市场监管部门文件名称、文号和条款）"})
    before = audit.snapshot(LowFineThreshold.objects.get(pk=threshold.pk)) if threshold.pk else None
    threshold.full_clean()
    threshold.save()
    audit.record(
        actor=actor, action="low_fine_threshold.save", target=threshold, before=before, after=audit.snapshot(threshold)
    )
    return threshold


@transaction.atomic
def disclosure_rule_save(*, actor, rule: DisclosureRule) -> DisclosureRule:
    """Create or change a department's disclosure rule; audited."""
    if rule.kind == DisclosureRuleKind.FIXED and not rule.months:
        raise ValidationError({"months": "固定期限规则须填写公示期（月）"})
    before = audit.snapshot(DisclosureRule.objects.get(pk=rule.pk)) if rule.pk else None
    rule.full_clean()
    rule.save()
    audit.record(actor=actor, action="disclosure_rule.save", target=rule, before=before, after=audit.snapshot(rule))
    return rule

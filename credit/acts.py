"""Other administrative acts (其他行政行为, issue 12 §2): 行政强制、确认、征收、给付、裁决、补偿、奖励.

Departments push them as credit records (``POST /api/v1/credit-records/``, the admin form or a file
import: all through ``services.clean_records``). They are neutral or positive facts and take no
severity, so they never change a grade's colour (``credit.evaluation`` colours by negative facts).

Publication deadline: each act is published within ``DeadlineKind.OTHER_ACT`` working days of its
decision (国办发〔2018〕118号: 20 working days; 二七区 seed 004 §15: 7), read only through
``supervision.deadlines.due``. An act is public on this platform from the moment it is stored: it is
never negative, so ``published`` is always true, and ``selectors.public_records`` shows it at once.
Its publication day is therefore the day it was first pushed (``created_at``, local date; a resend
updates the record but keeps that day), and nothing new is stored. An act the platform has not
received yet is unknown to it, so what the scan can find is an act published late.
"""

import datetime as dt

from django.utils import timezone

from credit.choices import OTHER_ACT_CATEGORIES, Polarity, RecordCategory, RecordState
from credit.models import CreditRecord
from credit.warning_rules import WarningRule
from supervision import deadlines
from supervision.choices import DeadlineKind

ACT_CODES = frozenset(c.value for c in OTHER_ACT_CATEGORIES)


def record_problems(category, polarity, severity) -> list[tuple[str, str]]:
    """``(field, Chinese message)`` for an act pushed as negative or with a severity (issue 12 §2)."""
    if category not in ACT_CODES:
        return []
    label = RecordCategory(category).label
    problems = []
    if polarity == Polarity.NEGATIVE:
        problems.append(
            ("polarity", f"{label}属于其他行政行为信息，性质只能为正面（positive）或中性（neutral），不能为负面")
        )
    if severity:
        problems.append(("severity", f"{label}属于其他行政行为信息，不填写失信程度"))
    return problems


def publication_due(record: CreditRecord) -> deadlines.Due:
    """The last day the act may be published: OTHER_ACT working days from its decision, under the
    rule covering its department (the shorter one where rules overlap)."""
    return deadlines.due(DeadlineKind.OTHER_ACT, record.decided_on, department=record.department)


def published_on(record: CreditRecord) -> dt.date:
    """The day the act became public here: the day it was first stored (see the module's note)."""
    return timezone.localdate(record.created_at)


class ActPublishedLate(WarningRule):
    """国办发〔2018〕118号 (20 working days) and 二七区 seed 004 §15 (7 working days): an act first
    published after its deadline warns the department that decided it.

    The deadline depends on the department's rule and the holiday calendar, so it is computed in
    Python (``supervision.deadlines.due``, once per department and decision day) for the acts stored
    in the look-back window, and the late ones are passed to the one INSERT as arrays. A push's
    lateness never changes afterwards, and the dedupe key (the record) raises it once.
    """

    code = "ACT_PUBLISHED_LATE"
    description = "其他行政行为信息（行政强制、确认、征收、给付、裁决、补偿、奖励）超过公示期限才公示"
    select = """
        SELECT 'a' || r.id AS dedupe_key, r.uscc, r.department_id,
               format('%%s（%%s）的%%s信息“%%s”（%%s）于 %%s 作出，应在 %%s%%s 前公示（%%s个工作日），实际于 %%s 公示，超过公示期限',
                      coalesce(e.name, r.uscc), r.uscc, d.label, r.title, r.source_ref, to_char(r.decided_on, 'YYYY-MM-DD'),
                      to_char(d.due_on, 'YYYY-MM-DD'), CASE WHEN d.provisional THEN '（暂定）' ELSE '' END, d.working_days,
                      to_char(d.published_on, 'YYYY-MM-DD')) AS message
        FROM unnest(%(ids)s::bigint[], %(due)s::date[], %(provisional)s::boolean[], %(days)s::integer[], %(published)s::date[], %(labels)s::text[])
             AS d(id, due_on, provisional, working_days, published_on, label)
        JOIN credit_creditrecord r ON r.id = d.id
        LEFT JOIN supervision_marketentity e ON e.uscc = r.uscc
    """

    def late(self, *, since) -> list[tuple[CreditRecord, deadlines.Due]]:
        """Acts stored since ``since`` (not revoked) that were published after their deadline."""
        rows = (
            CreditRecord.objects.filter(category__in=sorted(ACT_CODES), created_at__gte=since)
            .exclude(state=RecordState.REVOKED)
            .select_related("department")
            .only("id", "category", "decided_on", "created_at", "department")
            .order_by("id")
        )
        cache: dict[tuple[int, dt.date], deadlines.Due] = {}
        late = []
        for record in rows:
            key = (record.department_id, record.decided_on)
            if key not in cache:
                cache[key] = publication_due(record)
            if published_on(record) > cache[key].date:
                late.append((record, cache[key]))
        return late

    def params(self, *, today, now) -> dict:
        params = super().params(today=today, now=now)
        late = self.late(since=params["since"])
        return {
            **params,
            "ids": [r.pk for r, _due in late],
            "due": [due.date for _r, due in late],
            "provisional": [due.provisional for _r, due in late],
            "days": [due.rule.working_days for _r, due in late],
            "published": [published_on(r) for r, _due in late],
            "labels": [str(r.get_category_display()) for r, _due in late],
        }


RULES: list[WarningRule] = [ActPublishedLate()]

"""Risk-scan rules (预警规则) of enforcement, registered into ``credit.scan`` from ``EnforcementConfig.ready``.

Like the credit rules, each is one set-based statement with a dedupe key, so the nightly scan can
run twice (or again after a crash) and raise nothing twice.
"""

from credit.warning_rules import WarningRule
from enforcement.choices import COMPLAINT_SPIKE_COUNT, COMPLAINT_SPIKE_DAYS


class ComplaintSpike(WarningRule):
    """Issue 6 §1: ≥3 verified complaints about one entity within 30 days.

    A verified (属实 / 部分属实) complaint becomes a 投诉举报 credit record (``complaint_close``), and other
    departments push theirs with the same category, so the records are the one count: those not
    revoked or repaired, decided in the 30 days up to today. The dedupe key is the entity and its
    newest counted record: a rerun raises nothing, the window sliding on raises nothing, and only a
    further verified complaint warns again.
    """

    code = "COMPLAINT_SPIKE"
    description = f"{COMPLAINT_SPIKE_DAYS}天内经核实的投诉举报达到{COMPLAINT_SPIKE_COUNT}件及以上"
    select = f"""
        SELECT r.uscc || ':' || max(r.id) AS dedupe_key, r.uscc,
               coalesce(min(e.registration_authority_id), (array_agg(r.department_id ORDER BY r.decided_on DESC, r.id DESC))[1]) AS department_id,
               format('%%s（%%s）近{COMPLAINT_SPIKE_DAYS}天内经核实的投诉举报 %%s 件，请关注并研判是否需要立案查处或加强检查',
                      coalesce(min(e.name), r.uscc), r.uscc, count(*)) AS message
        FROM credit_creditrecord r LEFT JOIN supervision_marketentity e ON e.uscc = r.uscc
        WHERE r.category = 'complaint' AND r.polarity = 'negative' AND r.state IN ('active', 'expired')
          AND r.decided_on > (%(today)s::date - {COMPLAINT_SPIKE_DAYS}) AND r.decided_on <= %(today)s
        GROUP BY r.uscc HAVING count(*) >= {COMPLAINT_SPIKE_COUNT}
    """  # noqa: S608  (assembled from constants; values are bound parameters)


RULES: list[WarningRule] = [ComplaintSpike()]

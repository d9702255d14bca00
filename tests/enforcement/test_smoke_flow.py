import datetime as dt

import time_machine

from enforcement import services
from enforcement.choices import CaseStage, DisclosureState


def test_case_goes_from_filing_to_publication(waived, open_case, issue, alice, frozen_today):
    # The decision number carries the year of the (frozen) issue date, never the real clock's year.
    case = waived(open_case(stage=CaseStage.NOTICE))
    decision = issue(case)
    assert decision.number == "郑市监罚〔2026〕1号"
    assert decision.disclosure.state == DisclosureState.PENDING
    result = services.disclosures_publish(actor="test")
    assert result == {"published": 1, "withdrawn": 0}
    decision.disclosure.refresh_from_db()
    assert decision.disclosure.state == DisclosureState.PUBLISHED and decision.disclosure.credit_record_id
    services.decision_revoke(actor=alice, decision=decision, reason="复议决定撤销")
    decision.disclosure.refresh_from_db()
    assert decision.disclosure.state == DisclosureState.WITHDRAWN


def test_decision_number_year_follows_the_frozen_clock_not_the_real_one(waived, open_case, issue):
    # Given the clock frozen in 2027 (the real date never enters a test, STYLE.md rule 15)
    with time_machine.travel(dt.datetime(2027, 1, 4, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        # When a decision is issued
        decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    # Then its number carries the issue year
    assert decision.number == "郑市监罚〔2027〕1号"

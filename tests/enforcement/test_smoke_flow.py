from enforcement import services
from enforcement.choices import CaseStage, DisclosureState


def test_case_goes_from_filing_to_publication(open_case, issue, alice):
    case = open_case(stage=CaseStage.NOTICE)
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

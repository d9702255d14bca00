"""The enforcement part of ``manage.py seed_demo`` (issue 6 §5): benchmarks, cases at every stage,
about 50 published penalties, 曝光台 cases and complaints in every state; a rerun adds nothing."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count

from core.choices import Role
from core.redaction import contains_personal_data
from credit.models import CreditRecord, ListProposal, RiskWarning
from demo import enforcement_standards as demo
from demo.enforcement import seed_enforcement_demo
from enforcement.choices import (
    CaseOutcome,
    CaseSource,
    CaseStage,
    ComplaintChannel,
    ComplaintState,
    ComplaintVerdict,
    DecisionState,
    DisclosureState,
    Procedure,
    ReviewResult,
)
from enforcement.models import Case, Complaint, DiscretionStandard, LegalReview, PenaltyDecision, PenaltyDisclosure
from supervision.models import Inspector

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_city(seeded_demo, db, frozen_today):
    """The whole demo (supervision's seed_demo, which calls every app's seed_demo hook at its end), seeded once for this module (tests/conftest.py)."""
    return seeded_demo


def state():
    return (
        sorted(DiscretionStandard.objects.values_list("department__code", "code", "effective_from")),
        sorted(Case.objects.values_list("number", "party_name", "stage", "outcome")),
        sorted(PenaltyDecision.objects.values_list("number", "state", "fine_amount")),
        sorted(PenaltyDisclosure.objects.values_list("number", "state", "featured")),
        sorted(Complaint.objects.values_list("entity_name", "channel", "state", "verdict")),
        LegalReview.objects.count(),
        CreditRecord.objects.count(),
        ListProposal.objects.count(),
        RiskWarning.objects.count(),
        get_user_model().objects.count(),
    )


def test_demo_has_cases_at_every_stage_published_penalties_and_complaints(demo_city):
    """One seeding for every content check (the whole demo takes tens of seconds to seed)."""
    cases_at_every_stage_with_every_outcome(demo_city)
    about_fifty_published_penalties_with_exposure_cases()
    disclosures_outlive_credit_windows_and_an_early_stop_waits()
    complaints_in_every_state_and_channel()
    logins_for_enforcement_and_legal_review(demo_city)
    a_case_waiting_out_its_5_working_days_after_notice()


def a_case_waiting_out_its_5_working_days_after_notice():
    """Issue 12 §6: a case in 告知, served, whose party's 5 working days have not yet passed; every decided
    case was decided after them or after a recorded waiver."""
    from django.utils import timezone

    from enforcement.case_rules import decision_wait_problem, earliest_decision_day

    today = timezone.localdate()
    waiting = [
        c
        for c in Case.objects.filter(stage=CaseStage.NOTICE)
        if earliest_decision_day(c) and earliest_decision_day(c) > today
    ]
    assert waiting and decision_wait_problem(waiting[0], today=today, decided_on=today)
    for decision in PenaltyDecision.objects.select_related("case").filter(replaces__isnull=True):
        case = decision.case
        assert case.notice_served_on and decision.decided_on >= earliest_decision_day(case), decision.number
    # Cases are moved by their handlers or the 部门负责人 (the heads' logins)
    assert get_user_model().objects.get(username="sjfzr").groups.filter(name=Role.DEPARTMENT_HEAD).exists()


def cases_at_every_stage_with_every_outcome(demo_city):
    assert "执法监管演示数据已就绪" in demo_city
    cases = Case.objects.filter(department__code__in=demo.DEPARTMENTS)
    by_stage = dict(cases.values_list("stage").annotate(n=Count("id")).order_by())
    assert set(by_stage) == set(CaseStage.values), by_stage
    assert cases.count() >= 80
    outcomes = set(cases.filter(stage=CaseStage.CLOSED).values_list("outcome", flat=True))
    assert outcomes == set(CaseOutcome.values)
    assert cases.filter(source=CaseSource.COMPLAINT).count() == 6
    assert cases.filter(
        source=CaseSource.INSPECTION, source_result__needs_case=True
    ).exists()  # from the 双随机 demo's results
    # 行政处罚法 第42条: every case has two certified handlers; 法制审核 by a 法制审核人员 who is not one of them
    assert not cases.annotate(n=Count("handler_links")).filter(n__lt=2).exists()
    for review in LegalReview.objects.select_related("case"):
        assert review.reviewer.groups.filter(name=Role.LEGAL_REVIEWER).exists()
        assert not Inspector.objects.filter(
            user=review.reviewer, pk__in=review.case.handler_links.values("inspector")
        ).exists()
    assert LegalReview.objects.filter(result=ReviewResult.RETURNED).exists()
    for case in cases.filter(is_major=True, decisions__isnull=False).distinct():
        assert case.legal_reviews.filter(result=ReviewResult.PASSED).exists()
    # 首违不罚 for an entity in an observation period, without any decision
    first = cases.get(outcome=CaseOutcome.FIRST_VIOLATION)
    assert not PenaltyDecision.objects.filter(entity=first.entity_id).exists()
    # a 从重 decision with a heavy penalty proposed the entity for the serious list
    assert ListProposal.objects.filter(source_ref__in=PenaltyDecision.objects.values("number")).exists()


def about_fifty_published_penalties_with_exposure_cases():
    # The decisions made in this platform (pushed 行政处罚 records are mirrored too since issue 12 §1: see below).
    published = PenaltyDisclosure.objects.filter(state=DisclosureState.PUBLISHED, decision__isnull=False)
    assert 45 <= published.count() <= 55
    assert set(published.values_list("department__code", flat=True)) == set(demo.DEPARTMENTS)
    assert all(d.credit_record_id for d in published)
    assert not any(contains_personal_data(d.facts) for d in published)
    # numbers continue after the credit demo's decisions of the same department: no credit record is taken over
    for decision in PenaltyDecision.objects.all():
        records = CreditRecord.objects.filter(department=decision.department, source_ref=decision.number)
        assert set(records.values_list("entity_id", flat=True)) <= {decision.entity_id}, decision.number
    # 曝光台 cases with their 评析
    featured = published.filter(featured=True)
    assert 3 <= featured.count() <= 5 and all(d.featured_note for d in featured)
    # not published: warning only, simplified procedure, a minor party
    hidden = PenaltyDisclosure.objects.filter(state=DisclosureState.NOT_PUBLIC)
    assert hidden.filter(decision__procedure=Procedure.SIMPLIFIED).count() == 2
    assert hidden.filter(penalty_types=["warning"]).count() == 3
    assert hidden.filter(decision__party_is_minor=True).count() == 1
    # one decision revoked on review, withdrawn with its reason
    revoked = PenaltyDecision.objects.get(state=DecisionState.REVOKED)
    assert revoked.disclosure.state == DisclosureState.WITHDRAWN and "行政复议" in revoked.disclosure.withdraw_reason
    # decisions spread over the months before the demo day
    days = sorted(published.values_list("decided_on", flat=True))
    assert (days[-1] - days[0]).days >= 120


def disclosures_outlive_credit_windows_and_an_early_stop_waits():
    """Issue 12 §1: 市场监管 fines stay disclosed 3 years while their 一般 records end after 1; pushed
    penalties are on /penalties/; early-stop applications, one pending and one refused with reasons."""
    from enforcement.choices import EarlyStopState
    from enforcement.models import EarlyStopApplication

    outliving = PenaltyDisclosure.objects.filter(
        state=DisclosureState.PUBLISHED,
        department__code="ZZSJ",
        credit_record__severity="general",
        publicity_ends_on__gt=dt.date(2029, 1, 1),
    )
    assert outliving.exists() and all(d.publicity_ends_on > d.credit_record.publicity_ends_on for d in outliving)
    assert PenaltyDisclosure.objects.filter(state=DisclosureState.PUBLISHED, decision__isnull=True).exists()
    states = sorted(EarlyStopApplication.objects.values_list("state", flat=True))
    assert states == sorted([EarlyStopState.SUBMITTED, EarlyStopState.REFUSED])


def complaints_in_every_state_and_channel():
    complaints = Complaint.objects.all()
    assert 55 <= complaints.count() <= 65
    assert set(complaints.values_list("state", flat=True)) == set(ComplaintState.values)
    assert {ComplaintChannel.WEB, ComplaintChannel.HOTLINE_12345, ComplaintChannel.HOTLINE_12315} <= set(
        complaints.values_list("channel", flat=True)
    )
    assert not complaints.filter(channel__in=["12345", "12315"], external_no="").exists()
    verdicts = set(complaints.exclude(verdict="").values_list("verdict", flat=True))
    assert verdicts == set(ComplaintVerdict.values)
    verified = complaints.filter(verdict=ComplaintVerdict.VERIFIED)
    assert all(c.credit_record_id for c in verified)
    assert (
        complaints.filter(verdict=ComplaintVerdict.CONVERTED).count()
        == Case.objects.filter(source=CaseSource.COMPLAINT).count()
    )
    # one entity verified three times: the 投诉举报激增 warning (issue 6 §1)
    assert RiskWarning.objects.filter(rule_code="COMPLAINT_SPIKE").exists()


def logins_for_enforcement_and_legal_review(demo_city):
    User = get_user_model()
    officer = User.objects.get(username="zfry")
    assert officer.groups.filter(name=Role.ENFORCEMENT_OFFICER).exists() and officer.check_password(demo.PASSWORD)
    assert Inspector.objects.get(user=officer).certificate_valid_on(officer.date_joined.date())
    assert User.objects.get(username="fzsh").groups.filter(name=Role.LEGAL_REVIEWER).exists()
    assert "fzsh / demo12345" in demo_city


def test_enforcement_seeding_twice_adds_nothing(demo_city):
    # Given the seeded demo
    before = state()
    # When the enforcement seeding runs again, then the whole seed_demo, then the enforcement seeding 40 days later
    stats = seed_enforcement_demo(stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    with time_machine.travel(dt.datetime(2027, 1, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        later = seed_enforcement_demo(stdout=io.StringIO())
    # Then nothing is added or changed
    for run in (stats, later):
        assert (
            run["cases_added"],
            run["decisions_added"],
            run["published"],
            run["complaints"]["added"],
            run["logins_added"],
        ) == (0, 0, 0, 0, 0)
    assert state() == before  # (how long a reseed takes is measured by bench/reseed.py, not here)

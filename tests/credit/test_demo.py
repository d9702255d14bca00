"""The credit part of ``manage.py seed_demo`` and the ``evaluate_credit`` command."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from credit.choices import (
    CommitmentState,
    CommitmentType,
    Grade,
    ListType,
    ObjectionOutcome,
    ObjectionState,
    RepairState,
)
from credit.models import (
    CreditCommitment,
    CreditRecord,
    EntityCredit,
    ListEntry,
    ListProposal,
    Objection,
    RepairApplication,
)
from demo.credit import seed_credit_demo


@pytest.fixture
def demo_city(seeded_demo, db, frozen_today):
    """The whole demo (supervision's seed_demo, which calls the credit hook at its end), seeded once for this module (tests/conftest.py)."""
    return seeded_demo


def test_credit_seeding_twice_adds_nothing(demo_city):
    def state():
        return (
            sorted(CreditRecord.objects.values_list("department__code", "source_ref", "decided_on")),
            sorted(ListEntry.objects.values_list("entity_id", "list_type", "decision_no", "listed_on", "removed_on")),
            sorted(EntityCredit.objects.values_list("entity_id", "grade", "score")),
            sorted(CreditCommitment.objects.values_list("entity_id", "commitment_type", "made_on", "state")),
            sorted(RepairApplication.objects.values_list("record_id", "state")),
            sorted(Objection.objects.values_list("record_id", "state", "outcome")),
        )

    # Given the seeded demo
    before = state()
    # When the credit seeding runs again the same day
    stats = seed_credit_demo(stdout=io.StringIO())
    # Then nothing is added or changed
    assert (stats["records_created"], stats["list_entries_created"]) == (0, 0)
    assert (stats["commitments_created"], stats["repair_applications_created"], stats["objections_created"]) == (
        0,
        0,
        0,
    )
    assert state() == before
    # And seed_demo on a later day, in a new year, finds the same rows (grades move on with the date)
    with time_machine.travel(dt.datetime(2027, 1, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        call_command("seed_demo", stdout=io.StringIO())
    later = state()
    assert later[:2] == before[:2]
    assert later[3:] == before[3:]  # no commitment, repair application or objection added or moved on


def test_demo_has_all_four_colours_and_mostly_green(demo_city):
    assert "信用演示数据已就绪" in demo_city  # seed_demo called the credit hook
    assert EntityCredit.objects.count() == 2000
    grades = {g: EntityCredit.objects.filter(grade=g).count() for g in Grade.values}
    total = sum(grades.values())
    assert all(grades[g] > 0 for g in Grade.values), grades
    assert 0.60 <= grades[Grade.GOOD] / total <= 0.80, grades
    for grade in (Grade.WARNING, Grade.DISHONEST, Grade.SERIOUSLY_DISHONEST):
        assert grades[grade] / total >= 0.03, grades


def test_demo_records_come_from_several_departments_with_realistic_numbers(demo_city):
    departments = set(CreditRecord.objects.values_list("department__code", flat=True))
    assert {"ZZSJ", "ZZSWJ", "ZZHJ", "ZZWJ"} <= departments
    assert len(departments) >= 8
    assert CreditRecord.objects.filter(source_ref__regex=r"^郑市监罚〔20\d\d〕\d+号$").exists()
    categories = set(CreditRecord.objects.values_list("category", flat=True))
    assert {
        "administrative_licence",
        "administrative_penalty",
        "inspection_result",
        "award",
        "tax_arrears",
        "complaint",
        "commitment",
    } <= categories


def test_demo_lists_cover_every_list_type(demo_city):
    active = ListEntry.objects.filter(removed_on__isnull=True)
    assert {e for e in active.values_list("list_type", flat=True)} == {t.value for t in ListType}
    for entry in active.filter(list_type=ListType.SERIOUS):
        assert entry.notice_on < entry.decided_on
    assert ListEntry.objects.filter(removed_on__isnull=False).exists()  # removed entries are history
    # Some abnormal entries are older than 3 years, so the nightly scan proposes the serious list.
    from credit.scan import run_risk_scan

    run = run_risk_scan(trigger="test")
    assert run.state == "succeeded", run.error
    assert ListProposal.objects.filter(list_type=ListType.SERIOUS).count() >= 3


def test_demo_has_commitments_of_every_type_in_every_state(demo_city):
    assert "信用承诺：新增" in demo_city
    pairs = set(CreditCommitment.objects.values_list("commitment_type", "state"))
    assert pairs == {(t, s) for t in CommitmentType.values for s in CommitmentState.values}
    # Some are past their due date and still 履约中, so the inbox shows COMMITMENT_OVERDUE
    assert (
        CreditCommitment.objects.filter(state=CommitmentState.IN_PROGRESS, due_on__lt=dt.date(2026, 11, 22)).count()
        >= 4
    )
    # A resolved commitment became a credit record: positive when fulfilled, negative when broken
    for commitment in CreditCommitment.objects.exclude(state=CommitmentState.IN_PROGRESS):
        assert commitment.result_record.polarity == (
            "positive" if commitment.state == CommitmentState.FULFILLED else "negative"
        )
    from credit.models import RiskWarning

    assert RiskWarning.objects.filter(rule_code="COMMITMENT_OVERDUE").count() >= 4


def test_demo_has_repair_applications_at_each_stage(demo_city):
    states = {s: RepairApplication.objects.filter(state=s).count() for s in RepairState.values}
    assert all(n >= 1 for n in states.values()), states
    for application in RepairApplication.objects.select_related("record", "commitment"):
        assert application.record.severity == "general"
        assert application.commitment.commitment_type == CommitmentType.REPAIR
        assert application.record.state == ("repaired" if application.state == RepairState.APPROVED else "active")


def test_demo_has_objections_at_each_stage_and_outcome(demo_city):
    stages = set(Objection.objects.values_list("state", "outcome"))
    assert stages == {
        (ObjectionState.SUBMITTED, ""),
        (ObjectionState.ACCEPTED, ""),
        (ObjectionState.REFUSED, ""),
        *((ObjectionState.DECIDED, o) for o in ObjectionOutcome.values),
    }
    revoked = Objection.objects.get(outcome=ObjectionOutcome.REVOKED)
    assert revoked.record.state == "revoked"


def test_demo_has_acts_of_several_types_on_the_acts_page_one_late_in_erqi(demo_city, client):
    # Issue 12 §2: /acts/ is not empty in the demo, and the late 二七区 act is in its bureau's inbox
    from credit.acts import ACT_CODES
    from credit.models import RiskWarning

    acts = CreditRecord.objects.filter(category__in=ACT_CODES)
    assert acts.values("category").distinct().count() >= 4
    assert acts.filter(department__region_code="410103").count() >= 2
    html = client.get("/acts/").content.decode()
    assert "行政强制" in html and "二七区市场监督管理局" in html
    [late] = RiskWarning.objects.filter(rule_code="ACT_PUBLISHED_LATE")
    assert late.department.code == "EQSJ" and "行政奖励" in late.message


def test_demo_has_a_list_exit_application_at_each_state(demo_city):
    """Issue 12 §4: pending, approved (the entry removed) and refused (with reasons), through the services."""
    from credit.choices import ExitState, RemovalReason
    from credit.models import ListExitApplication

    by_state = {a.state: a for a in ListExitApplication.objects.select_related("list_entry")}
    assert set(by_state) == set(ExitState.values)
    assert by_state[ExitState.APPROVED].list_entry.removal_reason == RemovalReason.DUTY_FULFILLED
    assert by_state[ExitState.REFUSED].decision_reason and by_state[ExitState.SUBMITTED].list_entry.removed_on is None


# --- manage.py evaluate_credit --------------------------------------------------------------------

"""Risk scan rule COMPLAINT_SPIKE (issue 6 §1): ≥3 verified complaints about one entity within 30 days.

Verified complaints are closed through ``complaint_close`` on the days given (time travel), so the
rule reads exactly what officials produce.
"""

import datetime as dt

import pytest
import time_machine

from credit.models import RiskWarning
from credit.scan import RULES, run_risk_scan
from enforcement import services
from enforcement.choices import COMPLAINT_SPIKE_COUNT, COMPLAINT_SPIKE_DAYS, ComplaintVerdict
from enforcement.scan_rules import ComplaintSpike

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 11, 22)

pytestmark = pytest.mark.django_db


@pytest.fixture
def entity(make_entity, dept_a):
    return make_entity(name="郑州市管城区某某火锅店", registration_authority=dept_a)


def verified_on(day: dt.date, entity, actor, verdict=ComplaintVerdict.VERIFIED):
    with time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI), tick=False):
        complaint, _ = services.complaint_file(
            actor="public:web",
            entity_name=entity.name,
            entity_uscc=entity.uscc,
            content="锅底反复使用。",
            channel="web",
            contact_phone="13500001111",
        )
        return services.complaint_close(
            actor=actor, complaint=complaint, verdict=verdict, outcome="核查属实，已责令改正。"
        )


def scan(day=TODAY) -> int:
    return ComplaintSpike().run(today=day, now=dt.datetime.combine(day, dt.time(2, 0), tzinfo=SHANGHAI))


def test_rule_is_registered_with_the_risk_scan():
    assert any(r.code == "COMPLAINT_SPIKE" for r in RULES)
    assert (COMPLAINT_SPIKE_COUNT, COMPLAINT_SPIKE_DAYS) == (3, 30)


def test_two_verified_complaints_in_30_days_raise_no_warning(entity, alice):
    for day in (TODAY - dt.timedelta(days=10), TODAY):
        verified_on(day, entity, alice)
    assert scan() == 0
    assert not RiskWarning.objects.exists()


def test_three_verified_complaints_in_30_days_warn_the_registration_authority(entity, alice, dept_a):
    # The oldest on day 30 of the window (today − 29), partly verified counts too.
    verified_on(TODAY - dt.timedelta(days=29), entity, alice)
    verified_on(TODAY - dt.timedelta(days=5), entity, alice, verdict=ComplaintVerdict.PARTLY)
    verified_on(TODAY, entity, alice)
    assert scan() == 1
    warning = RiskWarning.objects.get(rule_code="COMPLAINT_SPIKE")
    assert warning.entity_id == entity.uscc and warning.department == dept_a
    assert "近30天内经核实的投诉举报 3 件" in warning.message and entity.name in warning.message


def test_three_spread_over_31_days_raise_no_warning(entity, alice):
    verified_on(TODAY - dt.timedelta(days=30), entity, alice)
    verified_on(TODAY - dt.timedelta(days=15), entity, alice)
    verified_on(TODAY, entity, alice)
    assert scan() == 0


def test_unfounded_complaints_do_not_count(entity, alice):
    verified_on(TODAY - dt.timedelta(days=2), entity, alice, verdict=ComplaintVerdict.UNFOUNDED)
    verified_on(TODAY - dt.timedelta(days=1), entity, alice)
    verified_on(TODAY, entity, alice)
    assert scan() == 0


def test_rerun_is_idempotent_and_a_further_complaint_warns_again(entity, alice):
    for days in (20, 10, 0):
        verified_on(TODAY - dt.timedelta(days=days), entity, alice)
    assert scan() == 1
    assert scan() == 0  # same day, same records
    assert scan(TODAY + dt.timedelta(days=5)) == 0  # the window slid, no new complaint
    verified_on(TODAY + dt.timedelta(days=6), entity, alice)
    assert scan(TODAY + dt.timedelta(days=6)) == 1  # a 4th one is news
    assert RiskWarning.objects.filter(rule_code="COMPLAINT_SPIKE").count() == 2


def test_the_nightly_scan_runs_the_rule(entity, alice):
    for days in (2, 1, 0):
        verified_on(TODAY - dt.timedelta(days=days), entity, alice)
    with time_machine.travel(dt.datetime(2026, 11, 22, 2, 0, tzinfo=SHANGHAI), tick=False):
        first = run_risk_scan(trigger="manual")
        second = run_risk_scan(trigger="manual")
    assert first.state == "succeeded", first.error
    assert first.counts["warnings"]["COMPLAINT_SPIKE"] == 1
    assert second.counts["warnings"]["COMPLAINT_SPIKE"] == 0

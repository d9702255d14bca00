"""The nightly scan and the annual report (issue 14 §3): 30 June → 经营异常名录 proposal, confirmed within
10 working days; a late report filed while listed raises the exit application by itself."""

import datetime as dt

import pytest
import time_machine

from credit.annual_report_rules import NoAnnualReport, proposal_confirm_due
from credit.choices import ExitState, ListGround, ListType, ProposalState
from credit.models import ListExitApplication, ListProposal
from credit.scan import RULES, run_risk_scan
from credit.services.lists import list_proposal_confirm
from supervision import annual_reports as ar
from supervision.choices import EntityStatus
from tests.conftest import valid_uscc
from tests.supervision.test_annual_reports import enterprise_data

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(2, 0), tzinfo=SHANGHAI), tick=False)


def scan(day: dt.date) -> int:
    """The rule as the nightly scan runs it, on ``day``."""
    with at(day):
        rule = NoAnnualReport()
        rule.run(today=day, now=dt.datetime.combine(day, dt.time(2, 0), tzinfo=SHANGHAI))
        return rule.raised_proposals


@pytest.fixture
def late_entity(make_entity, dept_a):
    return make_entity(registration_authority=dept_a, established_on=dt.date(2024, 5, 1))


def test_no_annual_report_rule_is_registered_in_the_scan():
    assert "NO_ANNUAL_REPORT" in [rule.code for rule in RULES]


def test_before_1_july_nothing_on_1_july_a_proposal_with_the_ground_and_no_duplicate_on_rerun(
    late_entity, make_entity, dept_a
):
    filed = make_entity(registration_authority=dept_a)
    with at(dt.date(2026, 3, 1)):
        ar.annual_report_file(actor="test", entity=filed, year=2025, data=enterprise_data())
    make_entity(registration_authority=dept_a, established_on=dt.date(2026, 1, 5))  # owes no 2025 report
    make_entity(registration_authority=dept_a, status=EntityStatus.CANCELLED)  # 注销: not in the population
    make_entity(registration_authority=dept_a, uscc_code=valid_uscc("92410100MA1234567"), name="张记面馆")  # 个体工商户

    assert scan(dt.date(2026, 6, 30)) == 0  # 30 June: the deadline day itself
    assert not ListProposal.objects.exists()

    assert scan(dt.date(2026, 7, 1)) == 1
    proposal = ListProposal.objects.get()
    assert (proposal.entity_id, proposal.list_type, proposal.ground) == (
        late_entity.uscc,
        ListType.ABNORMAL,
        ListGround.NO_ANNUAL_REPORT,
    )
    assert proposal.department == dept_a and proposal.state == ProposalState.PENDING
    assert "2025年度报告" in proposal.reason and "2026-06-30" in proposal.reason

    assert scan(dt.date(2026, 7, 2)) == 0
    assert ListProposal.objects.count() == 1


def test_the_scan_job_raises_it_on_1_july(late_entity):
    with at(dt.date(2026, 7, 1)):
        run = run_risk_scan(trigger="test", today=dt.date(2026, 7, 1))
    assert run.state == "succeeded", run.error
    assert ListProposal.objects.filter(entity=late_entity, ground=ListGround.NO_ANNUAL_REPORT).count() == 1


def test_confirmation_due_10_working_days_after_the_proposal(late_entity):
    scan(dt.date(2026, 7, 1))
    proposal = ListProposal.objects.get()
    due = proposal_confirm_due(proposal)
    # 企业经营异常名录管理暂行办法: 10 working days (deadlines data): Wed 1 July 2026 + 10 working days = Wed 15 July
    assert due.rule.working_days == 10
    assert due.date == dt.date(2026, 7, 15)


def test_admin_shows_the_proposal_due_date(client, platform_admin, late_entity):
    scan(dt.date(2026, 7, 1))
    client.force_login(platform_admin)
    with at(dt.date(2026, 7, 2)):
        html = client.get("/admin/credit/listproposal/").content.decode()
    assert "确认期限" in html and "2026-07-15" in html


def test_late_filing_after_listing_raises_the_exit_application(late_entity, alice, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    scan(dt.date(2026, 7, 1))
    with at(dt.date(2026, 7, 10)):
        entry = list_proposal_confirm(
            actor=alice,
            proposal=ListProposal.objects.get(),
            notice_on=dt.date(2026, 7, 3),
            decided_on=dt.date(2026, 7, 10),
            legal_basis="《企业信息公示暂行条例》第十七条",
        )
    assert entry.ground == ListGround.NO_ANNUAL_REPORT and entry.list_type == ListType.ABNORMAL
    assert not ListExitApplication.objects.exists()

    with at(dt.date(2026, 8, 3)):
        report = ar.annual_report_file(
            actor="test", entity=late_entity, year=2025, data=enterprise_data(), filed_by="王联络"
        )
    assert report.late
    application = ListExitApplication.objects.get()
    assert (application.list_entry, application.state) == (entry, ExitState.SUBMITTED)
    assert f"年度报告 #{report.pk}" in application.reason and "补报2025年度报告" in application.reason
    assert application.decide_due_on is not None  # 5 working days (ABNORMAL_REMOVAL)
    evidence = application.evidence.get()  # the report itself, as a PDF
    assert evidence.file.name.endswith(".pdf") and evidence.file.read().startswith(b"%PDF")


def test_on_time_filing_or_an_unlisted_entity_raises_no_exit_application(late_entity, make_entity, dept_a):
    with at(dt.date(2026, 8, 3)):
        ar.annual_report_file(actor="test", entity=late_entity, year=2025, data=enterprise_data())
    assert not ListExitApplication.objects.exists()

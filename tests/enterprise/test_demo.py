"""The entity side of ``manage.py seed_demo`` (issue 14 §4): five activated accounts, one in every grade,
annual reports filed, late and missing, a correction order open and one answered, filings in their
states, self-declared information and inbox messages; the 2025 reports bulk; a rerun adds nothing."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command

from credit.annual_report_rules import SOURCE_REF, NoAnnualReport
from credit.choices import CommitmentState, Grade, ListGround, ObjectionState
from credit.models import CreditCommitment, EntityCredit, ListProposal, Objection, SelfDeclaration
from demo import enterprise as demo
from demo import enterprise_reports as demo_reports
from enterprise.models import EntityAccount, Message
from inspections.choices import CorrectionState, ResponseState
from inspections.models import CorrectionOrder, CorrectionResponse
from supervision.annual_reports import filing_status, must_report
from supervision.choices import EntityType
from supervision.models import AnnualReport, MarketEntity

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def demo_city(seeded_demo, db, frozen_today):
    """The whole demo (tests/conftest.py), seeded once for this module on 2026-11-22."""
    return seeded_demo


def accounts():
    return {a.user.username: a for a in EntityAccount.objects.select_related("user", "entity")}


def report_state(uscc):
    rows = {r["year"]: r for r in filing_status(MarketEntity.objects.get(uscc=uscc), today=TODAY)}
    return rows[2025]["state"]


def test_five_accounts_one_in_every_grade_sign_in_and_see_their_own_entity(demo_city, client):
    assert "企业端演示数据已就绪" in demo_city
    found = accounts()
    assert set(found) == {"qiye1", "qiye2", "qiye3", "qiye4", "qiye5"}
    grades = {u: EntityCredit.objects.get(entity_id=a.entity_id).grade for u, a in found.items()}
    # qiye1…qiye4: the four grades, each once; qiye5 is a 个体工商户
    assert [grades[f"qiye{n}"] for n in range(1, 5)] == [
        Grade.GOOD,
        Grade.WARNING,
        Grade.DISHONEST,
        Grade.SERIOUSLY_DISHONEST,
    ]
    assert found["qiye5"].entity.entity_type == EntityType.INDIVIDUAL
    assert len({a.entity_id for a in found.values()}) == 5
    for username, account in found.items():
        assert account.is_first_liaison and account.email == f"{username}@example.com"
        assert not account.user.is_staff
        client.logout()
        response = client.post("/enterprise/login/", {"username": username, "password": demo.PASSWORD})
        assert response.status_code == 302, (username, response.content.decode()[:500])
        page = client.get("/enterprise/").content.decode()
        assert account.entity.name in page
        for other in found.values():
            if other.entity_id != account.entity_id:
                assert other.entity.name not in page


def test_reports_filed_late_and_missing_and_the_missing_one_shows_overdue(demo_city, client):
    found = accounts()
    states = {u: report_state(a.entity_id) for u, a in found.items()}
    assert states["qiye3"] == "overdue"  # missing: 逾期未报送
    assert states["qiye2"] == "filed_late"
    assert {states[u] for u in ("qiye1", "qiye4", "qiye5")} == {"filed"}
    # The missing one has its pending 经营异常名录 proposal (the demo's scan) and its page says so
    missing = found["qiye3"].entity_id
    proposal = ListProposal.objects.get(source_ref=SOURCE_REF.format(year=2025) + missing)
    assert proposal.ground == ListGround.NO_ANNUAL_REPORT and proposal.state == "pending"
    client.force_login(found["qiye3"].user)
    page = client.get("/enterprise/annual-report/").content.decode()
    assert "逾期未报送" in page
    # The individual business filed the short form
    assert AnnualReport.objects.get(entity_id=found["qiye5"].entity_id, year=2025).kind == "individual"
    # Across the roster: late ones are marked, some chose to publish their figures, some corrected with a date
    reports = AnnualReport.objects.filter(year=2025)
    assert reports.filter(late=True).count() >= demo_reports.LATE
    for report in reports.filter(late=True):
        assert report.filed_at.date() > dt.date(2026, 6, 30)
    assert reports.filter(late=False, filed_at__date__gt=dt.date(2026, 6, 30)).count() == 0
    assert reports.filter(assets_public=True).exists() and reports.filter(assets_public=False).exists()
    corrected = reports.exclude(corrections=[])
    assert corrected.count() == demo_reports.CORRECTED
    for report in corrected:
        assert dt.date.fromisoformat(report.corrections[0]["on"]) <= dt.date(2026, 6, 30)
        assert report.corrections[0]["changes"][0]["after"] == report.phone


def test_the_2025_bulk_leaves_a_scan_proposing_only_the_deliberately_missing(demo_city):
    _rows, plan = demo_reports.plan_reports(TODAY)
    assert plan["due_year"] == 2025
    missing = set(plan["missing"])
    assert len(missing) == demo_reports.MISSING
    entities = MarketEntity.objects.filter(uscc__in=[r["uscc"] for r in demo_reports.roster()])
    # Everyone who owed a 2025 report has one, but the deliberately missing and those listed for not filing
    owed = {e.uscc for e in entities if must_report(e, 2025)}
    filed = set(AnnualReport.objects.filter(year=2025).values_list("entity_id", flat=True))
    assert owed - filed == missing | {u for u, year in plan["unfiled"].items() if year <= 2025}
    # The nightly scan on 2026-11-22 (after 30 June): proposals for the missing ones only
    proposals = ListProposal.objects.filter(source_ref__startswith=SOURCE_REF.format(year=2025))
    assert {p.entity_id for p in proposals} <= missing
    proposals.delete()  # (rolled back with the test) raise them afresh
    rule = NoAnnualReport()
    rule.run(today=TODAY, now=dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC))
    raised = set(
        ListProposal.objects.filter(source_ref__startswith=SOURCE_REF.format(year=2025)).values_list(
            "entity_id", flat=True
        )
    )
    assert rule.raised_proposals == len(raised)
    assert raised and raised <= missing
    assert missing - raised == {u for u in missing if not _listable(u)}


def _listable(uscc):
    from credit.models import ListEntry

    e = MarketEntity.objects.get(uscc=uscc)
    return not ListEntry.objects.filter(entity_id=uscc, list_type="abnormal", removed_on__isnull=True).exists() and (
        e.entity_type in (EntityType.ENTERPRISE, EntityType.COOPERATIVE)
    )


def test_an_open_correction_order_and_one_answered_awaiting_review(demo_city):
    entities = [a.entity_id for a in accounts().values()]
    orders = CorrectionOrder.objects.filter(entity_id__in=entities, state=CorrectionState.OPEN)
    answered = CorrectionResponse.objects.filter(order__in=orders, state=ResponseState.SUBMITTED)
    assert answered.count() == 1
    assert answered.get().submitted_by.entity_account.entity_id == answered.get().order.entity_id
    assert orders.exclude(responses__state=ResponseState.SUBMITTED).exists()


def test_filings_in_their_states_and_declarations(demo_city):
    users = [a.user for a in accounts().values()]
    objections = Objection.objects.filter(
        channel="enterprise", entity_id__in=[u.entity_account.entity_id for u in users]
    )
    assert set(objections.values_list("state", flat=True)) == set(ObjectionState.values)
    commitments = CreditCommitment.objects.filter(channel="enterprise")
    assert set(commitments.values_list("state", flat=True)) == set(CommitmentState.values)
    qiye1 = accounts()["qiye1"]
    kinds = set(SelfDeclaration.objects.filter(entity_id=qiye1.entity_id).values_list("kind", flat=True))
    assert kinds == {"standard", "honour"}


def test_inbox_messages_exist_for_the_accounts(demo_city, client):
    found = accounts()
    with_messages = {u for u, a in found.items() if Message.objects.filter(entity_id=a.entity_id).exists()}
    assert len(with_messages) >= 4, with_messages
    # qiye4 filed the first objections: the state changes are in its inbox and on its inbox page
    messages = Message.objects.filter(entity_id=found["qiye4"].entity_id)
    assert any("异议" in m.subject for m in messages), [m.subject for m in messages]
    client.force_login(found["qiye4"].user)
    page = client.get("/enterprise/inbox/").content.decode()
    assert messages.order_by("-created_at").first().subject in page


def test_a_second_seed_demo_adds_nothing(demo_city):
    def state():
        return (
            sorted(AnnualReport.objects.values_list("entity_id", "year", "filed_at", "late")),
            sorted(EntityAccount.objects.values_list("user__username", "entity_id")),
            Objection.objects.count(),
            CreditCommitment.objects.count(),
            CorrectionResponse.objects.count(),
            SelfDeclaration.objects.count(),
            Message.objects.count(),
            ListProposal.objects.count(),
        )

    before = state()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert state() == before
    assert "新增企业账号 0" in out.getvalue()
    assert re.search(r"年度报告演示数据（用时 [\d.]+ 秒）：新增 0，", out.getvalue())

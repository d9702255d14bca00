"""The entity's own file (issue 14 §2): what it sees of itself, and what stays hidden from it too.

Given an entity with records (published, unpublished, revoked), a grade, list entries, commitments,
inspections, complaints, filings and credit checks; when its liaison opens the /enterprise/ pages;
then it sees its whole file, and never the risk class, an unannounced task, a complainant or the
individual official who checked it.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from credit import services as credit_services
from credit.choices import CommitmentType, ListGround, ListType, RiskClass
from credit.evaluation import evaluate
from credit.models import CreditRecord, EntityCredit
from enforcement.choices import ComplaintState, ComplaintVerdict, EarlyStopState
from enforcement.models import Complaint, EarlyStopApplication, PenaltyDisclosure
from inspections.choices import CorrectionState, PlanState, ResultState
from inspections.models import CorrectionOrder, Draw, InspectionPlan, InspectionResult, InspectionTask
from tests.conftest import record_data

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
RISK_LABELS = [str(label) for _, label in RiskClass.choices]
COMPLAINANT = {"name": "李举报人", "phone": "13911112222", "email": "jubao@example.com"}
COMPLAINT_CONTENT = "我在该店购买的牛奶已过期，住址幸福路8号"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _inspection(entity, dept, *, tag: str, published: bool):
    """A plan, a draw and a task for ``entity``; with a published result and a correction order if
    ``published``, else only the drawn task (an unannounced inspection still to come)."""
    plan = InspectionPlan.objects.create(
        name=f"{tag}抽查计划",
        year=2026,
        lead_department=dept,
        starts_on=dt.date(2026, 10, 1),
        ends_on=dt.date(2026, 12, 31),
        state=PlanState.DRAWN if not published else PlanState.IN_PROGRESS,
    )
    draw = Draw.objects.create(
        plan=plan, seed="a" * 64, population_sha256="b" * 64, population="x", population_size=1, drawn_at=timezone.now()
    )
    task = InspectionTask.objects.create(plan=plan, draw=draw, entity=entity, due_on=dt.date(2026, 12, 31))
    if not published:
        return task, None, None
    result = InspectionResult.objects.create(
        task=task,
        department=dept,
        categories=["info_not_published"],
        findings=f"{tag}检查发现未按规定公示即时信息",
        inspected_on=dt.date(2026, 11, 2),
        submitted_at=_at(dt.date(2026, 11, 2)),
        state=ResultState.PUBLISHED,
        publish_due_on=dt.date(2026, 11, 20),
        published_at=_at(dt.date(2026, 11, 10)),
    )
    order = CorrectionOrder.objects.create(result=result, entity=entity, department=dept, due_on=dt.date(2026, 11, 20))
    return task, result, order


def seed_file(entity, dept, *, tag: str, official):
    """Everything the file pages show, for one entity, through the services where they exist.
    Every visible string carries ``tag`` so a page can be searched for another entity's data."""
    code = entity.uscc
    push = lambda *rows: credit_services.credit_records_push(actor="test", department=dept, records=list(rows))  # noqa: E731
    push(
        record_data(code, f"{tag}罚〔2026〕1号", title=f"{tag}一般失信公示记录", decided_on="2026-01-10"),
        record_data(
            code, f"{tag}罚〔2026〕2号", title=f"{tag}轻微未公示记录", severity="minor", decided_on="2026-11-01"
        ),
        record_data(code, f"{tag}罚〔2026〕3号", title=f"{tag}已撤销记录", decided_on="2026-10-01"),
        record_data(
            code,
            f"{tag}诉〔2026〕4号",
            title=f"{tag}投诉举报属实",
            category="complaint",
            severity="minor",
            decided_on="2026-11-05",
        ),
    )
    records = {r.source_ref: r for r in CreditRecord.objects.filter(entity_id=code)}
    general, minor = records[f"{tag}罚〔2026〕1号"], records[f"{tag}罚〔2026〕2号"]
    credit_services.credit_record_revoke(actor="test", record=records[f"{tag}罚〔2026〕3号"], reason=f"{tag}复议撤销")
    entry = credit_services.list_entry_add(
        actor="test",
        entity_uscc=code,
        list_type=ListType.ABNORMAL,
        ground=ListGround.NO_ANNUAL_REPORT,
        legal_basis="《企业经营异常名录管理暂行办法》第四条第（一）项",
        department=dept,
        decided_on=dt.date(2026, 9, 1),
        ground_established_on=dt.date(2026, 9, 1),
        facts=f"{tag}未报送2025年度报告",
    )
    commitment, _ = credit_services.commitment_make(
        actor="test",
        entity_uscc=code,
        commitment_type=CommitmentType.VOLUNTARY,
        department=dept,
        content=f"{tag}承诺守法诚信经营",
        signatory="王联络",
        due_on=dt.date(2027, 11, 1),
        made_on=dt.date(2026, 11, 2),
    )
    objection, _ = credit_services.objection_file(
        actor="test", applicant_name=entity.name, contact_phone="13800000001", reason=f"{tag}异议理由", record=minor
    )
    repair, _ = credit_services.repair_apply(
        actor="test",
        record=general,
        applicant_name=entity.name,
        contact_phone="13800000002",
        reason=f"{tag}已缴纳罚款并整改",
        commitment_accepted=True,
        evidence_files=[SimpleUploadedFile("缴款凭证.pdf", PDF, content_type="application/pdf")],
    )
    exit_app, _ = credit_services.list_exit_apply(
        actor="test",
        entry=entry,
        applicant_name=entity.name,
        contact_phone="13800000003",
        reason=f"{tag}已补报年度报告",
        evidence_files=[SimpleUploadedFile("年报.pdf", PDF, content_type="application/pdf")],
    )
    disclosure = PenaltyDisclosure.objects.filter(entity_id=code).first()
    early_stop = EarlyStopApplication.objects.create(
        tracking_no=f"TS{tag}0001",
        applicant_name=entity.name,
        contact_phone="13800000004",
        filed_at=_at(dt.date(2026, 11, 15)),
        disclosure=disclosure,
        entity=entity,
        department=dept,
        reason=f"{tag}提前停止公示理由",
        performed=True,
        harm_removed=True,
        state=EarlyStopState.SUBMITTED,
    )
    credit_services.credit_check(department=dept, usccs=[code], purpose=f"{tag}政府采购资格审查", user=official)
    complaint = Complaint.objects.create(
        tracking_no=f"TS{tag}0002",
        entity_name=entity.name,
        entity=entity,
        content=f"{tag}{COMPLAINT_CONTENT}",
        reporter_name=COMPLAINANT["name"],
        contact_phone=COMPLAINANT["phone"],
        contact_email=COMPLAINANT["email"],
        filed_at=_at(dt.date(2026, 11, 1)),
        department=dept,
        working_days=15,
        due_on=dt.date(2026, 11, 21),
        state=ComplaintState.CLOSED,
        verdict=ComplaintVerdict.VERIFIED,
        outcome=f"{tag}致投诉人：经核实属实，已责令整改",
        closed_at=_at(dt.date(2026, 11, 5)),
        credit_record=records[f"{tag}诉〔2026〕4号"],
    )
    _, result, order = _inspection(entity, dept, tag=tag, published=True)
    hidden_task, _, _ = _inspection(entity, dept, tag=f"{tag}未公示突击", published=False)
    evaluate([code])
    # The worst risk class, so that a leak would be visible (internal: SAMR 国市监信发〔2022〕6号).
    EntityCredit.objects.filter(entity_id=code).update(risk_class=RiskClass.D)
    return {
        "records": records,
        "general": general,
        "minor": minor,
        "entry": entry,
        "commitment": commitment,
        "objection": objection,
        "repair": repair,
        "exit": exit_app,
        "early_stop": early_stop,
        "complaint": complaint,
        "result": result,
        "order": order,
        "hidden_task": hidden_task,
    }


@pytest.fixture
def checker(make_official, dept_a):
    return make_official("checker-zhang", dept_a, first_name="张", last_name="核查员")


@pytest.fixture
def seeded(entity_client, dept_a, checker, frozen_today):
    entity = entity_client.account.entity
    return entity_client, entity, seed_file(entity, dept_a, tag="甲", official=checker)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_file_shows_every_record_published_or_not_with_state_and_window(seeded):
    client, _entity, data = seeded
    html = page(client, "/enterprise/file/")
    for title in ("甲一般失信公示记录", "甲轻微未公示记录", "甲已撤销记录"):
        assert title in html
    assert "依规不予公示" in html  # why the minor record is not public
    assert "已撤销" in html and "甲复议撤销" in html
    general = data["general"]
    assert f"2026-01-10 — {general.publicity_ends_on:%Y-%m-%d}" in html  # the publicity window
    assert "郑州市市场监督管理局" in html  # the source department


def test_file_shows_grade_reasons_history_list_exit_route_measures_and_commitments(seeded):
    client, entity, data = seeded
    html = page(client, "/enterprise/file/")
    credit = EntityCredit.objects.get(entity_id=entity.uscc)
    assert f"<strong>{credit.score}</strong>" in html
    assert "评价理由" in html and "等级变化记录" in html
    assert "经营异常名录" in html and "甲未报送2025年度报告" in html
    assert "5个工作日" in html  # how to leave: credit.services.list_exits.EXIT_RULES (5 working days)
    assert "今日适用的联合奖惩措施" in html and "今日没有适用" not in html
    assert data["commitment"].tracking_no in html


def test_risk_class_never_appears_on_any_file_page(seeded):
    client, entity, _data = seeded
    assert EntityCredit.objects.get(entity_id=entity.uscc).risk_class == RiskClass.D
    for url in ("/enterprise/", "/enterprise/file/", "/enterprise/inspections/", "/enterprise/checks/"):
        html = page(client, url)
        assert "风险分类" not in html and "risk_class" not in html
        for label in RISK_LABELS:
            assert label not in html


def test_inspections_show_published_results_and_orders_never_an_unannounced_task(seeded):
    client, entity, data = seeded
    html = page(client, "/enterprise/inspections/")
    assert "甲抽查计划" in html and "甲检查发现未按规定公示即时信息" in html
    assert "2026-11-20" in html  # the correction order's deadline
    assert str(CorrectionState.OPEN.label) in html
    # The drawn task of a plan whose inspection has not happened yet stays hidden (unannounced).
    assert data["hidden_task"].entity_id == entity.uscc
    assert "甲未公示突击抽查计划" not in html


def test_unpublished_result_stays_hidden(seeded):
    client, _entity, data = seeded
    InspectionResult.objects.filter(pk=data["result"].pk).update(state=ResultState.APPROVED, published_at=None)
    html = page(client, "/enterprise/inspections/")
    assert "甲检查发现未按规定公示即时信息" not in html


def test_complaints_show_count_and_outcome_without_complainant_data(seeded):
    client, _entity, data = seeded
    html = page(client, "/enterprise/complaints/")
    assert "<strong>1</strong>" in html  # the verified count the public grade uses (last 12 months)
    assert "属实" in html and "甲投诉举报属实" in html
    for secret in (*COMPLAINANT.values(), COMPLAINT_CONTENT, "致投诉人", data["complaint"].tracking_no):
        assert secret not in html
    for url in ("/enterprise/", "/enterprise/file/", "/enterprise/filings/"):
        body = page(client, url)
        assert COMPLAINANT["name"] not in body and COMPLAINANT["phone"] not in body


def test_filings_list_every_kind_with_working_day_deadlines(seeded):
    client, _entity, data = seeded
    html = page(client, "/enterprise/filings/")
    for key in ("objection", "repair", "exit", "early_stop", "commitment"):
        assert data[key].tracking_no in html, key
    objection = data["objection"]
    assert objection.accept_due_on.isoformat() in html  # the current deadline (受理期限) of an open objection


def test_objection_detail_shows_timeline_and_deadlines_with_their_rule(seeded):
    client, _entity, data = seeded
    objection = data["objection"]
    html = page(client, f"/enterprise/filings/objection/{objection.pk}/")
    assert "提交异议" in html and "甲异议理由" in html
    assert objection.accept_due_on.isoformat() in html and objection.decide_due_on.isoformat() in html
    assert "个工作日" in html  # the statutory rule behind each deadline (supervision.deadlines)
    exit_app = data["exit"]
    html = page(client, f"/enterprise/filings/list-exit/{exit_app.pk}/")
    assert exit_app.decide_due_on.isoformat() in html and "5个工作日" in html


def test_filing_detail_of_a_decided_objection_shows_each_step(seeded, alice):
    client, _entity, data = seeded
    objection = credit_services.objection_accept(actor=alice, objection=data["objection"], reason="")
    credit_services.objection_decide(actor=alice, objection=objection, outcome="upheld", reason="甲维持理由")
    html = page(client, f"/enterprise/filings/objection/{objection.pk}/")
    assert "受理" in html and "办结：维持" in html and "甲维持理由" in html
    assert "alice" not in html  # never the individual official


def test_filing_detail_of_unknown_kind_or_id_is_404(seeded):
    client, _entity, data = seeded
    assert client.get(f"/enterprise/filings/nothing/{data['objection'].pk}/").status_code == 404
    assert client.get("/enterprise/filings/objection/999999999/").status_code == 404
    # The id of one kind under another kind's path is not this entity's filing of that kind either.
    assert client.get(f"/enterprise/filings/early-stop/{data['commitment'].pk + 100000}/").status_code == 404


def test_checks_show_department_purpose_and_date_never_the_official(seeded, checker):
    client, _entity, _data = seeded
    html = page(client, "/enterprise/checks/")
    assert "甲政府采购资格审查" in html and "2026-11-22" in html
    for name in (checker.username, checker.first_name + checker.last_name, checker.last_name):
        assert name not in html


def test_home_cards_show_grade_and_counts_with_links(seeded):
    client, _entity, _data = seeded
    html = page(client, "/enterprise/")
    for url in ("/enterprise/file/", "/enterprise/inspections/", "/enterprise/filings/", "/enterprise/checks/"):
        assert f'href="{url}' in html
    assert "其中未公示" in html and "grade-badge" in html


def test_file_pages_keep_a_query_budget(seeded, django_assert_max_num_queries):
    client, _entity, _data = seeded
    for url in ("/enterprise/file/", "/enterprise/filings/", "/enterprise/inspections/", "/enterprise/complaints/"):
        with django_assert_max_num_queries(40):
            client.get(url)


def test_filings_without_a_statutory_limit_say_so_and_invent_none(seeded):
    client, _entity, data = seeded
    for kind, key in (("repair", "repair"), ("early-stop", "early_stop")):
        html = page(client, f"/enterprise/filings/{kind}/{data[key].pk}/")
        assert data[key].tracking_no in html
        assert "规章未规定作出决定的工作日时限" in html  # 总局令第45号 / 信用修复管理办法 set none in the data
    html = page(client, f"/enterprise/filings/commitment/{data['commitment'].pk}/")
    assert "履约期限" in html and "2027-11-01" in html


def test_expired_record_says_why_it_is_not_public(seeded):
    client, _entity, data = seeded
    CreditRecord.objects.filter(pk=data["general"].pk).update(state="expired")
    html = page(client, "/enterprise/file/")
    assert "公示期满" in html


def test_home_keeps_a_query_budget(seeded, django_assert_max_num_queries):
    client, _entity, _data = seeded
    with django_assert_max_num_queries(60):
        assert client.get("/enterprise/").status_code == 200

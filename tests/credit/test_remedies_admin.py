"""Officials handle commitments, repair applications and objections in the admin (issue 4, DOMAIN §3).

Users, each time (STYLE.md rule 13): alice (official of the deciding department, dept_a), bob (official
of another department, dept_b) and an anonymous visitor; platform_admin sees every department.
Every state change goes through ``credit.services`` (STYLE.md rule 7), with its audit event.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from credit import services
from credit.choices import CommitmentState, ObjectionState, Polarity, RecordCategory, RecordState, RepairState
from credit.models import CreditCommitment, CreditRecord
from credit.selectors import public_records
from tests.conftest import record_data

pytestmark = pytest.mark.usefixtures("frozen_today")

COMMITMENTS = "/admin/credit/creditcommitment/"
REPAIRS = "/admin/credit/repairapplication/"
OBJECTIONS = "/admin/credit/objection/"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def action(client, url, name, pks, **form):
    return client.post(url, {"action": name, "_selected_action": [str(pk) for pk in pks], **form})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def entity(make_entity, dept_a):
    return make_entity(name="郑州市金水区明码标价测试商行", registration_authority=dept_a)


@pytest.fixture
def record(push, entity):
    """一般 negative record decided 2026-03-02: public until 2027-03-02, repairable from 2026-06-02."""
    push(
        record_data(
            entity.uscc, "郑市监罚〔2026〕3号", decided_on="2026-03-02", title="未按规定明码标价", amount="5000.00"
        )
    )
    return CreditRecord.objects.get(source_ref="郑市监罚〔2026〕3号")


@pytest.fixture
def application(record):
    evidence = SimpleUploadedFile("罚款缴纳凭证.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    app, _code = services.repair_apply(
        actor="public:web",
        record=record,
        applicant_name="王五",
        contact_phone="13800001111",
        reason="已缴纳罚款并完成整改",
        commitment_accepted=True,
        evidence_files=[evidence],
    )
    return app


@pytest.fixture
def objection(record):
    obj, _code = services.objection_file(
        actor="public:web",
        applicant_name="王五",
        contact_phone="13800002222",
        reason="处罚金额登记有误，应为3000元",
        record=record,
    )
    return obj


@pytest.fixture
def commitment(entity, dept_a):
    made, _code = services.commitment_make(
        actor="test",
        entity_uscc=entity.uscc,
        commitment_type="voluntary",
        department=dept_a,
        content="依法诚信经营，按时公示年度报告。",
        signatory="李四",
        contact_phone="13900003333",
        made_on=dt.date(2026, 11, 1),
        due_on=dt.date(2026, 12, 31),
    )
    return made


@pytest.fixture
def overdue_commitment(entity, dept_a):
    made, _code = services.commitment_make(
        actor="test",
        entity_uscc=entity.uscc,
        commitment_type="self_discipline",
        department=dept_a,
        matter="郑州市餐饮行业协会",
        content="遵守行业自律公约。",
        signatory="赵六",
        made_on=dt.date(2026, 10, 1),
        due_on=dt.date(2026, 11, 10),
    )
    return made


# --- scoping ---------------------------------------------------------------------------------------


def test_each_list_shows_the_deciding_departments_rows_only(client, alice, bob, commitment, application, objection):
    client.force_login(alice)
    assert commitment.tracking_no in client.get(COMMITMENTS).content.decode()
    assert application.tracking_no in client.get(REPAIRS).content.decode()
    assert objection.tracking_no in client.get(OBJECTIONS).content.decode()

    client.force_login(bob)
    assert commitment.tracking_no not in client.get(COMMITMENTS).content.decode()
    assert application.tracking_no not in client.get(REPAIRS).content.decode()
    assert objection.tracking_no not in client.get(OBJECTIONS).content.decode()
    for url in (
        f"{COMMITMENTS}{commitment.pk}/change/",
        f"{REPAIRS}{application.pk}/change/",
        f"{OBJECTIONS}{objection.pk}/change/",
    ):
        assert client.get(url).status_code == 302, url  # the admin's "does not exist" redirect: scoped queryset
    evidence = application.evidence.get()
    assert client.get(f"{REPAIRS}{application.pk}/evidence/{evidence.pk}/").status_code == 404


def test_anonymous_is_sent_to_login(client, commitment, application, objection):
    evidence = application.evidence.get()
    for url in (
        COMMITMENTS,
        f"{COMMITMENTS}add/",
        f"{COMMITMENTS}{commitment.pk}/change/",
        REPAIRS,
        f"{REPAIRS}{application.pk}/change/",
        f"{REPAIRS}{application.pk}/evidence/{evidence.pk}/",
        OBJECTIONS,
        f"{OBJECTIONS}{objection.pk}/change/",
        "/admin/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


@pytest.mark.parametrize("who", ["alice", "platform_admin"])
def test_no_page_of_the_new_admins_fails(client, request, who, commitment, overdue_commitment, application, objection):
    client.force_login(request.getfixturevalue(who))
    pages = [
        COMMITMENTS,
        f"{COMMITMENTS}?overdue=yes",
        f"{COMMITMENTS}?state__exact=fulfilled",
        f"{COMMITMENTS}add/",
        f"{COMMITMENTS}{commitment.pk}/change/",
        REPAIRS,
        f"{REPAIRS}?state=all",
        f"{REPAIRS}?state=approved",
        f"{REPAIRS}{application.pk}/change/",
        OBJECTIONS,
        f"{OBJECTIONS}?state=all",
        f"{OBJECTIONS}?deadline=due",
        f"{OBJECTIONS}?deadline=overdue",
        f"{OBJECTIONS}{objection.pk}/change/",
        "/admin/",
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    # Applications and objections come from the public: there is no add page for them.
    assert client.get(f"{REPAIRS}add/").status_code == 403
    assert client.get(f"{OBJECTIONS}add/").status_code == 403


def test_changelists_keep_to_a_query_budget(client, alice, push, entity, django_assert_max_num_queries):
    for n in range(12):
        push(record_data(entity.uscc, f"郑市监罚〔2026〕{100 + n}号", decided_on="2026-03-02"))
        record = CreditRecord.objects.get(source_ref=f"郑市监罚〔2026〕{100 + n}号")
        services.objection_file(
            actor="public:web", applicant_name="王五", contact_phone="13800002222", reason="有误", record=record
        )
        services.repair_apply(
            actor="public:web",
            record=record,
            applicant_name="王五",
            contact_phone="13800001111",
            reason="已整改",
            commitment_accepted=True,
        )
    client.force_login(alice)
    for url in (OBJECTIONS, REPAIRS, COMMITMENTS):
        with django_assert_max_num_queries(20):  # 12 rows each: no query per row
            assert client.get(url).status_code == 200, url


# --- commitments -----------------------------------------------------------------------------------


def commitment_form(uscc_code, department, **overrides):
    data = {
        "uscc": uscc_code,
        "commitment_type": "voluntary",
        "department": str(department.pk),
        "matter": "",
        "related_record": "",
        "content": "",
        "signatory": "李四",
        "contact_phone": "13900004444",
        "made_on": "",
        "due_on": "2027-05-31",
        "_save": "1",
    }
    data.update(overrides)
    return data


def test_official_enters_a_commitment_through_the_service_and_gets_the_query_code(
    client, alice, entity, dept_a, dept_b
):
    client.force_login(alice)

    # Another department is not on offer
    response = client.post(f"{COMMITMENTS}add/", commitment_form(entity.uscc, dept_b))
    assert response.status_code == 200 and not CreditCommitment.objects.exists()

    # When alice enters it for her department, with the type's standard text
    response = client.post(f"{COMMITMENTS}add/", commitment_form(entity.uscc, dept_a), follow=True)

    # Then commitment_make saved it, and the one-time query code is in the success message
    commitment = CreditCommitment.objects.get()
    assert commitment.department == dept_a and commitment.channel == "admin"
    assert commitment.state == CommitmentState.IN_PROGRESS and commitment.made_on == dt.date(2026, 11, 22)
    assert commitment.content == services.COMMITMENT_TEMPLATES["voluntary"]
    message = next(m for m in (str(m) for m in response.context["messages"]) if "查询码" in m)
    code = re.search(r"查询码 (\d{6})", message).group(1)
    assert commitment.tracking_no in message
    assert services.filing_lookup(CreditCommitment, commitment.tracking_no, code) == commitment
    assert AuditEvent.objects.get(action="commitment.make").actor_user == alice


def test_commitment_entry_shows_the_services_reason_and_saves_nothing(client, alice, entity, dept_a):
    client.force_login(alice)
    response = client.post(
        f"{COMMITMENTS}add/", commitment_form(entity.uscc, dept_a, commitment_type="approval_substitute")
    )
    assert response.status_code == 200
    assert "审批替代型承诺须写明所办理的审批事项" in response.content.decode()
    response = client.post(f"{COMMITMENTS}add/", commitment_form(entity.uscc, dept_a, due_on="2030-01-01"))
    assert "履约期限最长 36 个月" in response.content.decode()
    assert not CreditCommitment.objects.exists()


def test_saved_commitment_is_read_only_and_shows_the_contact_phone_to_officials(client, alice, commitment):
    client.force_login(alice)
    html = client.get(f"{COMMITMENTS}{commitment.pk}/change/").content.decode()
    assert "13900003333" in html
    assert 'name="content"' not in html and 'name="state"' not in html
    assert "认定已履约" in html and "认定违诺" in html  # the buttons for a commitment still 履约中


def test_fulfil_action_makes_a_positive_commitment_record(client, alice, commitment):
    client.force_login(alice)
    page = action(client, COMMITMENTS, "fulfil", [commitment.pk])
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()

    proof = SimpleUploadedFile("年报公示截图.png", b"\x89PNG proof", content_type="image/png")
    response = action(
        client,
        COMMITMENTS,
        "fulfil",
        [commitment.pk],
        apply="1",
        resolved_on="2026-11-20",
        note="已按期公示年度报告",
        evidence=proof,
    )

    assert response.status_code == 302, messages_of(response)
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.FULFILLED and commitment.resolved_on == dt.date(2026, 11, 20)
    record = commitment.result_record
    assert (
        record.category == RecordCategory.COMMITMENT
        and record.polarity == Polarity.POSITIVE
        and record.department == commitment.department
    )
    assert AuditEvent.objects.get(action="commitment.fulfil").actor_user == alice
    download = client.get(f"{COMMITMENTS}{commitment.pk}/evidence/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\x89PNG proof"


def test_break_action_needs_the_facts_and_makes_a_negative_record(client, alice, commitment):
    client.force_login(alice)
    page = action(
        client, COMMITMENTS, "break_commitment", [commitment.pk], apply="1", resolved_on="2026-11-21", note=""
    )
    assert page.status_code == 200
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.IN_PROGRESS

    response = action(
        client,
        COMMITMENTS,
        "break_commitment",
        [commitment.pk],
        apply="1",
        resolved_on="2026-11-21",
        note="未按承诺公示年度报告",
    )

    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.BROKEN
    record = commitment.result_record
    assert (
        record.category == RecordCategory.COMMITMENT
        and record.polarity == Polarity.NEGATIVE
        and record.severity == "minor"
    )
    assert AuditEvent.objects.get(action="commitment.break").actor_user == alice


def test_other_department_cannot_resolve_a_commitment(client, bob, commitment):
    client.force_login(bob)
    response = action(
        client, COMMITMENTS, "break_commitment", [commitment.pk], apply="1", resolved_on="2026-11-21", note="违诺"
    )
    assert messages_of(response)  # nothing selected that bob may act on
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.IN_PROGRESS and commitment.result_record is None


def test_overdue_commitments_are_highlighted_and_filtered(client, alice, commitment, overdue_commitment):
    client.force_login(alice)
    html = client.get(COMMITMENTS).content.decode()
    assert "2026-11-10（已逾期）" in html and "2026-12-31（已逾期）" not in html
    html = client.get(COMMITMENTS, {"overdue": "yes"}).content.decode()
    assert overdue_commitment.tracking_no in html and commitment.tracking_no not in html


# --- repair ----------------------------------------------------------------------------------------


def test_repair_page_shows_the_application_read_only_with_evidence_links(client, alice, application):
    client.force_login(alice)
    html = client.get(f"{REPAIRS}{application.pk}/change/").content.decode()
    evidence = application.evidence.get()
    assert f"{REPAIRS}{application.pk}/evidence/{evidence.pk}/" in html
    assert "13800001111" in html and "已缴纳罚款并完成整改" in html and application.commitment.tracking_no in html
    assert "符合申请条件" in html
    assert "批准修复" in html and "不予修复" in html
    assert 'name="reason"' not in html
    download = client.get(f"{REPAIRS}{application.pk}/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 receipt"


def test_pending_applications_are_the_default_list(client, alice, application, record):
    services.repair_reject(actor="test", application=application, reason="材料不全")
    client.force_login(alice)
    assert application.tracking_no not in client.get(REPAIRS).content.decode()
    assert application.tracking_no in client.get(REPAIRS, {"state": "all"}).content.decode()


def test_other_department_cannot_approve_the_repair(client, bob, application, record):
    client.force_login(bob)
    response = action(client, REPAIRS, "approve", [application.pk], apply="1", reason="同意修复")
    assert messages_of(response)  # refused with a message: the application is not in bob's list
    application.refresh_from_db()
    assert application.state == RepairState.SUBMITTED
    assert public_records().filter(pk=record.pk).exists()


def test_approve_action_repairs_the_record_through_the_service(client, alice, application, record):
    client.force_login(alice)
    page = action(client, REPAIRS, "approve", [application.pk])
    assert page.status_code == 200 and "决定理由" in page.content.decode()

    response = action(
        client, REPAIRS, "approve", [application.pk], apply="1", reason="已履行处罚决定并作出信用修复承诺"
    )

    assert response.status_code == 302
    application.refresh_from_db()
    record.refresh_from_db()
    assert application.state == RepairState.APPROVED and application.decided_by == alice
    assert record.state == RecordState.REPAIRED
    assert not public_records().filter(pk=record.pk).exists()
    assert AuditEvent.objects.get(action="repair.approve").actor_user == alice


def test_reject_needs_a_reason(client, alice, application, record):
    client.force_login(alice)
    page = action(client, REPAIRS, "reject", [application.pk], apply="1", reason="")
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    application.refresh_from_db()
    assert application.state == RepairState.SUBMITTED

    response = action(client, REPAIRS, "reject", [application.pk], apply="1", reason="未提供罚款缴纳凭证原件")
    assert response.status_code == 302
    application.refresh_from_db()
    record.refresh_from_db()
    assert application.state == RepairState.REJECTED and application.decision_reason == "未提供罚款缴纳凭证原件"
    assert record.state == RecordState.ACTIVE


def test_a_refusal_of_the_service_is_shown_as_a_message(client, alice, application, record):
    # Given the record was revoked after the application was filed
    services.credit_record_revoke(actor="test", record=record, reason="行政复议撤销")
    client.force_login(alice)

    response = action(client, REPAIRS, "approve", [application.pk], apply="1", reason="同意")

    assert response.status_code == 302
    assert any("已撤销" in m for m in messages_of(response))
    application.refresh_from_db()
    assert application.state == RepairState.SUBMITTED


# --- objections ------------------------------------------------------------------------------------


def test_objection_page_shows_deadlines_and_the_applicant_to_officials(client, alice, objection):
    client.force_login(alice)
    html = client.get(f"{OBJECTIONS}{objection.pk}/change/").content.decode()
    # 5 working days after Sun 2026-11-22: 11-23 (1), 11-24 (2), 11-25 (3), 11-26 (4), 11-27 (5)
    assert str(objection.accept_due_on) == "2026-11-27" and "2026-11-27" in html
    assert "距受理期限还有 5 个工作日" in html
    assert "13800002222" in html
    assert "受理" in html and "不予受理" in html


def test_deadline_due_within_one_working_day_is_flagged_then_overdue(client, alice, objection):
    client.force_login(alice)
    assert "（1个工作日内到期）" not in client.get(OBJECTIONS).content.decode()
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)):
        html = client.get(OBJECTIONS).content.decode()
        assert "2026-11-27（1个工作日内到期）" in html
        assert objection.tracking_no in client.get(OBJECTIONS, {"deadline": "due"}).content.decode()
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)):
        assert "2026-11-27（已逾期）" in client.get(OBJECTIONS).content.decode()
        assert objection.tracking_no in client.get(OBJECTIONS, {"deadline": "overdue"}).content.decode()


def test_refuse_needs_a_reason(client, alice, objection):
    client.force_login(alice)
    page = action(client, OBJECTIONS, "refuse", [objection.pk], apply="1", reason="")
    assert page.status_code == 200
    objection.refresh_from_db()
    assert objection.state == ObjectionState.SUBMITTED
    action(client, OBJECTIONS, "refuse", [objection.pk], apply="1", reason="异议所涉事项已经行政复议维持")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.REFUSED and objection.accept_reason == "异议所涉事项已经行政复议维持"


def test_accept_then_correct_changes_the_record_and_keeps_the_old_value_in_the_audit(client, alice, objection, record):
    client.force_login(alice)
    response = action(client, OBJECTIONS, "accept", [objection.pk], apply="1", reason="")
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.state == ObjectionState.ACCEPTED

    # The 办结 form offers the record's fields, filled in
    page = action(client, OBJECTIONS, "decide", [objection.pk], **{"state": "all"})
    html = page.content.decode()
    assert page.status_code == 200 and 'value="未按规定明码标价"' in html and "5000" in html

    # 更正 without changing anything is refused on the form
    unchanged = {
        "title": record.title,
        "content": record.content,
        "severity": record.severity,
        "decided_on": "2026-03-02",
        "legal_basis": record.legal_basis,
        "amount": "5000.00",
    }
    page = action(
        client, OBJECTIONS, "decide", [objection.pk], apply="1", outcome="corrected", reason="金额有误", **unchanged
    )
    assert page.status_code == 200 and "请至少修改一项" in page.content.decode()

    # 更正 with the right amount
    response = action(
        client,
        OBJECTIONS,
        "decide",
        [objection.pk],
        apply="1",
        outcome="corrected",
        reason="经核实罚款金额为3000元",
        **{**unchanged, "amount": "3000.00"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    record.refresh_from_db()
    objection.refresh_from_db()
    assert str(record.amount) == "3000.00" and record.title == "未按规定明码标价"
    assert objection.state == ObjectionState.DECIDED and objection.outcome == "corrected"
    push = AuditEvent.objects.filter(action="credit_record.push").latest("id")
    assert push.actor_user == alice
    assert push.before[record.source_ref]["amount"] == "5000.00"
    assert AuditEvent.objects.get(action="objection.decide.corrected").actor_user == alice


def test_decide_revoked_revokes_the_record(client, alice, objection, record):
    services.objection_accept(actor="test", objection=objection)
    client.force_login(alice)
    fields = {
        "title": record.title,
        "content": record.content,
        "severity": record.severity,
        "decided_on": "2026-03-02",
        "legal_basis": record.legal_basis,
        "amount": "5000.00",
    }
    response = action(
        client, OBJECTIONS, "decide", [objection.pk], apply="1", outcome="revoked", reason="处罚决定已被撤销", **fields
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.state == RecordState.REVOKED
    assert not public_records().filter(pk=record.pk).exists()


def test_decide_before_acceptance_is_refused_on_the_form(client, alice, objection, record):
    client.force_login(alice)
    page = action(
        client,
        OBJECTIONS,
        "decide",
        [objection.pk],
        apply="1",
        outcome="upheld",
        reason="维持",
        title=record.title,
        decided_on="2026-03-02",
        severity=record.severity,
    )
    assert page.status_code == 200 and "须先受理" in page.content.decode()


def test_other_department_cannot_accept(client, bob, objection):
    client.force_login(bob)
    action(client, OBJECTIONS, "accept", [objection.pk], apply="1", reason="")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.SUBMITTED


# --- dashboard -------------------------------------------------------------------------------------


def _count(html, key):
    match = re.search(rf'credit-todo-{key}">.*?data-count="(\d+)"', html, re.S)
    return int(match.group(1)) if match else None


def test_dashboard_shows_the_departments_todo(client, alice, bob, objection, application, overdue_commitment):
    client.force_login(alice)
    html = client.get("/admin/").content.decode()
    assert "待办" in html
    # Issue 17 §6: filed today, it shows at once (受理 due in 5 working days: 更晚)
    assert _count(html, "objections") == 1 and f"{OBJECTIONS}?deadline=later" in html
    assert _count(html, "repairs") == 1
    assert _count(html, "commitments") == 1

    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)):
        html = client.get("/admin/").content.decode()
    assert _count(html, "objections") == 1
    assert f"{OBJECTIONS}?deadline=d1" in html  # 受理 due on Fri 11-27: the next working day

    client.force_login(bob)
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)):
        html = client.get("/admin/").content.decode()
    assert _count(html, "objections") == 0 and _count(html, "repairs") == 0 and _count(html, "commitments") == 0


def test_dashboard_panel_keeps_to_a_few_queries(rf, alice, objection, application, django_assert_max_num_queries):
    from django.template import Context, Template

    request = rf.get("/admin/")
    request.user = alice
    alice.has_perm("credit.view_objection")  # the admin page has loaded the permissions already
    template = Template("{% load credit_admin %}{% credit_todo %}")
    # the platform-admin check, the holiday overrides (once for every deadline group), and one count per
    # line (objections, list exits, repairs, commitments, warnings)
    with django_assert_max_num_queries(7):
        html = template.render(Context({"request": request}))
    assert _count(html, "repairs") == 1


def test_every_open_objection_shows_at_once_in_its_deadline_group(client, alice, bob, push, entity, dept_a):
    """Issue 17 §6: on Sun 11-22 the next working day is Mon 11-23, the third Wed 11-25."""
    from credit.models import Objection
    from tests.oversight.panels import assert_lists_agree

    groups = {
        "overdue": dt.date(2026, 11, 20),
        "d1": dt.date(2026, 11, 23),
        "d3": dt.date(2026, 11, 25),
        "later": dt.date(2026, 11, 26),
    }
    for n, due in enumerate(groups.values()):
        push(record_data(entity.uscc, f"郑市监罚〔2026〕{40 + n}号", decided_on="2026-03-02"))
        filed, _code = services.objection_file(
            actor="public:web",
            applicant_name="王五",
            contact_phone="13800002222",
            reason="处罚金额登记有误",
            record=CreditRecord.objects.get(source_ref=f"郑市监罚〔2026〕{40 + n}号"),
        )
        Objection.objects.filter(pk=filed.pk).update(accept_due_on=due, decide_due_on=due + dt.timedelta(days=30))
    client.force_login(alice)
    numbers = assert_lists_agree(client, client.get("/admin/").content.decode())
    assert {g: numbers[("objections", g)][0] for g in groups} == dict.fromkeys(groups, 1)
    assert numbers[("objections", "total")][0] == 4
    client.force_login(bob)
    assert ("objections", "total") not in assert_lists_agree(client, client.get("/admin/").content.decode())

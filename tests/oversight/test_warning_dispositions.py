"""Warnings lead to action (issue 17 §5): each disposition from the warning's page, in one step, with the
warning keeping a link to what it led to; nothing is created when the warning cannot be closed."""

import datetime as dt

import pytest

from core.models import AuditEvent
from credit.choices import WarningDisposition, WarningState
from credit.models import RiskWarning
from enforcement.choices import CaseSource, CaseStage
from enforcement.models import Case
from inspections.choices import TargetedCheckState
from inspections.models import TargetedCheck
from supervision import services as sv
from tests.oversight.conftest import at


@pytest.fixture
def inspectors(dept_a):
    return [
        sv.inspector_save(
            actor="test",
            name=name,
            department=dept_a,
            certificate_no=cert,
            certificate_valid_from=dt.date(2024, 1, 1),
            certificate_valid_to=dt.date(2028, 12, 31),
        )
        for name, cert in (("王晓", "41010024000101"), ("李军", "41010024000102"))
    ]


@pytest.fixture
def warning(today, dept_a, make_entity):
    entity = make_entity(name="郑州好运来超市有限公司")
    return RiskWarning.objects.create(
        rule_code="NEGATIVE_RECORD_BURST",
        dedupe_key="b1",
        entity_id=entity.uscc,
        department=dept_a,
        message="郑州好运来超市有限公司 90 日内新增 3 条失信记录",
        created_at=at(today),
    )


def dispose_url(warning, disposition=""):
    url = f"/admin/oversight/directive/warnings/{warning.pk}/dispose/"
    return f"{url}?disposition={disposition}" if disposition else url


def test_case_opened_in_one_step_links_both_ways(client, alice, warning, inspectors):
    client.force_login(alice)
    url = dispose_url(warning, "case_opened")
    page = client.get(url).content.decode()
    assert "王晓" in page and "案由" in page and warning.message in page

    # Without a note and with one handler: both named, nothing created, the warning still open
    response = client.post(url, {"disposition": "case_opened", "title": "销售过期食品", "handlers": [inspectors[0].pk]})
    html = response.content.decode()
    assert response.status_code == 200 and "请填写处置说明" in html
    response = client.post(
        url, {"disposition": "case_opened", "title": "销售过期食品", "handlers": [inspectors[0].pk], "note": "已立案"}
    )
    assert response.status_code == 200 and "第四十二条" in response.content.decode()
    assert not Case.objects.exists()
    warning.refresh_from_db()
    assert warning.state == WarningState.OPEN and not AuditEvent.objects.filter(action="case.open").exists()

    # With two certified handlers and a note: one submit opens the case and closes the warning
    response = client.post(
        url,
        {
            "disposition": "case_opened",
            "title": "涉嫌销售过期食品",
            "handlers": [i.pk for i in inspectors],
            "note": "预警属实，立案调查",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/riskwarning/{warning.pk}/change/")
    case = Case.objects.get()
    assert (case.source, case.source_warning_id, case.entity_id, case.department_id) == (
        CaseSource.WARNING,
        warning.pk,
        warning.entity_id,
        warning.department_id,
    )
    assert case.party_name == "郑州好运来超市有限公司" and case.stage == CaseStage.FILED
    assert f"风险预警 #{warning.pk}" in case.source_note and warning.message in case.source_note
    warning.refresh_from_db()
    assert (warning.state, warning.disposition, warning.led_to_model, warning.led_to_id) == (
        WarningState.HANDLED,
        WarningDisposition.CASE_OPENED,
        "enforcement.case",
        case.pk,
    )
    assert warning.handling_note == "预警属实，立案调查" and warning.handled_by == alice
    # The warning's page links to the case, and the case's page back to the warning
    assert f"/admin/enforcement/case/{case.pk}/change/" in client.get(response["Location"]).content.decode()
    case_page = client.get(f"/admin/enforcement/case/{case.pk}/change/").content.decode()
    assert f"/admin/credit/riskwarning/{warning.pk}/change/" in case_page
    # Once closed, the page sends the official back
    assert client.get(url).status_code == 302


def test_added_to_inspection_puts_the_entity_on_the_targeted_list(client, alice, bob, warning):
    client.force_login(alice)
    response = client.post(
        dispose_url(warning),
        {"disposition": "added_to_inspection", "due_on": "2026-10-30", "note": "纳入本月食品专项检查"},
    )
    assert response.status_code == 302
    check = TargetedCheck.objects.get()
    assert (check.department_id, check.entity_id, check.source_warning_id, check.due_on) == (
        warning.department_id,
        warning.entity_id,
        warning.pk,
        dt.date(2026, 10, 30),
    )
    warning.refresh_from_db()
    assert (warning.disposition, warning.led_to_model, warning.led_to_id) == (
        WarningDisposition.ADDED_TO_INSPECTION,
        "inspections.targetedcheck",
        check.pk,
    )
    # The department's targeted list shows it; another department's does not
    assert warning.entity_id in client.get("/admin/inspections/targetedcheck/").content.decode()
    client.force_login(bob)
    assert warning.entity_id not in client.get("/admin/inspections/targetedcheck/").content.decode()
    # It is completed through the action
    client.force_login(alice)
    client.post(
        "/admin/inspections/targetedcheck/?state=all",
        {
            "action": "complete",
            "_selected_action": [check.pk],
            "apply": "1",
            "inspected_on": "2026-09-30",
            "note": "现场检查未发现过期食品",
        },
    )
    check.refresh_from_db()
    assert check.state == TargetedCheckState.DONE and check.inspected_on == dt.date(2026, 9, 30)


def test_transferred_warning_reaches_the_other_departments_inbox(client, alice, bob, warning, dept_b):
    client.force_login(alice)
    response = client.post(dispose_url(warning), {"disposition": "transferred", "note": "属卫健部门职责"})
    assert response.status_code == 200 and "请选择接收部门" in response.content.decode()
    client.post(dispose_url(warning), {"disposition": "transferred", "department": dept_b.pk, "note": "属卫健部门职责"})
    handed = RiskWarning.objects.get(transferred_from=warning)
    assert (handed.department, handed.state, handed.message, handed.entity_id) == (
        dept_b,
        WarningState.OPEN,
        warning.message,
        warning.entity_id,
    )
    warning.refresh_from_db()
    assert (warning.disposition, warning.led_to_model, warning.led_to_id) == (
        WarningDisposition.TRANSFERRED,
        "credit.riskwarning",
        handed.pk,
    )
    client.force_login(bob)
    inbox = client.get("/admin/credit/riskwarning/")
    assert [w.pk for w in inbox.context["cl"].result_list] == [handed.pk]
    assert f"预警 #{warning.pk}" not in inbox.content.decode()
    assert (
        f"/admin/credit/riskwarning/{warning.pk}/change/"
        in client.get(f"/admin/credit/riskwarning/{handed.pk}/change/").content.decode()
    )


@pytest.mark.parametrize("disposition", [WarningDisposition.INTERVIEWED, WarningDisposition.NO_ISSUE])
def test_note_only_dispositions(client, alice, warning, disposition):
    client.force_login(alice)
    client.post(dispose_url(warning), {"disposition": disposition, "note": "已电话提醒并核实"})
    warning.refresh_from_db()
    assert (warning.state, warning.disposition, warning.led_to_model) == (WarningState.HANDLED, disposition, "")
    assert AuditEvent.objects.get(action="risk_warning.dispose").after["disposition"] == disposition


def test_only_the_warnings_department_disposes_of_it(client, warning, bob, make_official, make_department, dept_a):
    url = dispose_url(warning, "no_issue")
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(bob)  # another department: not even found
    assert client.get(url).status_code == 404
    # A parent department reads the warning but presses it with a 督办 instead
    parent = make_department(name="河南省市场监督管理局", level="province")
    dept_a.parent = parent
    dept_a.save(update_fields=["parent"])
    client.force_login(make_official("shengju", parent))
    assert client.get(url).status_code == 403
    client.post(url, {"disposition": "no_issue", "note": "核实无问题"})
    warning.refresh_from_db()
    assert warning.state == WarningState.OPEN

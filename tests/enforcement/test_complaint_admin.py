"""Complaints in the admin (issue 6 §1): scoped to the handling department, reporter shown only to it,
12345/12315 entry, and the actions 受理, 办结, 转办, 转立案 through the services.

Users, each time (STYLE.md rule 13): alice (official of the handling department, dept_a), bob (official
of another department, dept_b) and an anonymous visitor; platform_admin (of dept_a) sees every department.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from enforcement import services
from enforcement.choices import ComplaintState, ComplaintVerdict
from enforcement.models import ChannelDeadline, Complaint

pytestmark = pytest.mark.usefixtures("frozen_today")

URL = "/admin/enforcement/complaint/"
DEADLINES = "/admin/enforcement/channeldeadline/"
PHONE = "13811112222"
REPORTER = "投诉人钱某某"


def action(client, name, pks, **form):
    return client.post(URL, {"action": name, "_selected_action": [str(pk) for pk in pks], **form})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def entity(make_entity, dept_a):
    return make_entity(name="郑州市中原区某某药店", registration_authority=dept_a)


@pytest.fixture
def complaint(entity):
    photo = SimpleUploadedFile("收据.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    made, _code = services.complaint_file(
        actor="public:web",
        entity_name=entity.name,
        entity_uscc=entity.uscc,
        content="药店销售过期药品。",
        channel="web",
        reporter_name=REPORTER,
        contact_phone=PHONE,
        attachments=[photo],
    )
    return made


@pytest.fixture
def other_complaint(make_entity, dept_b):
    other = make_entity(name="郑州市某某诊所", registration_authority=dept_b)
    made, _code = services.complaint_file(
        actor="public:web",
        entity_name=other.name,
        entity_uscc=other.uscc,
        content="诊所无证行医。",
        channel="web",
        reporter_name="另一投诉人",
        contact_phone="13922223333",
    )
    return made


def test_each_official_sees_only_the_own_departments_complaints(client, alice, bob, complaint, other_complaint):
    client.force_login(alice)
    page = client.get(URL).content.decode()
    assert complaint.tracking_no in page and other_complaint.tracking_no not in page
    assert PHONE not in page and REPORTER not in page  # the list never shows the reporter
    assert client.get(f"{URL}{other_complaint.pk}/change/").status_code == 302  # not found in the scoped list
    client.force_login(bob)
    page = client.get(URL).content.decode()
    assert other_complaint.tracking_no in page and complaint.tracking_no not in page


def test_anonymous_is_sent_to_login(client, complaint):
    for url in (URL, f"{URL}{complaint.pk}/change/", DEADLINES, f"{URL}{complaint.pk}/attachments/1/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_reporter_and_attachments_are_shown_to_the_handling_department_only(
    client, alice, platform_admin, complaint, other_complaint
):
    # Issue 12 §6: within the department, the complaint's handlers (and the 部门负责人) only
    client.force_login(alice)
    assert PHONE not in client.get(f"{URL}{complaint.pk}/change/").content.decode()
    services.complaint_accept(actor=alice, complaint=complaint)  # alice takes it on: she handles it
    page = client.get(f"{URL}{complaint.pk}/change/").content.decode()
    assert PHONE in page and REPORTER in page and "收据.pdf" in page
    attachment = complaint.attachments.get()
    download = client.get(f"{URL}{complaint.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # a platform admin of dept_a sees dept_b's complaint, but not its reporter
    client.force_login(platform_admin)
    page = client.get(f"{URL}{other_complaint.pk}/change/").content.decode()
    assert other_complaint.tracking_no in page and "13922223333" not in page and "另一投诉人" not in page


def test_other_department_cannot_download_an_attachment(client, bob, complaint):
    client.force_login(bob)
    attachment = complaint.attachments.get()
    assert client.get(f"{URL}{complaint.pk}/attachments/{attachment.pk}/").status_code == 404


def test_changelist_keeps_to_a_query_budget(client, alice, entity, django_assert_max_num_queries):
    for i in range(12):
        services.complaint_file(actor="public:web", entity_name=entity.name, content=f"第{i}件", channel="web")
    client.force_login(alice)
    # session, user, permissions, role checks, calendar (urgency; 剩余时间 once for the page), department, count, rows: none per row
    with django_assert_max_num_queries(17):
        assert client.get(URL + "?state=all").status_code == 200


def test_official_enters_a_12345_work_order_through_the_service(client, alice, entity, dept_a):
    client.force_login(alice)
    assert client.get(f"{URL}add/").status_code == 200
    data = {
        "channel": "12345",
        "external_no": "",
        "kind": "complaint",
        "entity_name": "",
        "entity_uscc": entity.uscc,
        "content": "药品价格未明码标价。",
        "reporter_name": REPORTER,
        "contact_phone": PHONE,
        "contact_email": "",
    }
    page = client.post(f"{URL}add/", data).content.decode()
    assert "来源工单号" in page and not Complaint.objects.exists()
    response = client.post(f"{URL}add/", {**data, "external_no": "ZZ12345-20261122-0088"}, follow=True)
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.external_no, complaint.department, complaint.entity_name) == (
        "12345",
        "ZZ12345-20261122-0088",
        dept_a,
        entity.name,
    )
    assert any("查询码" in m and complaint.tracking_no in m for m in messages_of(response))
    assert AuditEvent.objects.get(action="complaint.file").actor_user == alice


def test_bob_entering_a_work_order_keeps_it_in_his_department(client, bob, dept_b, entity):
    client.force_login(bob)
    client.post(
        f"{URL}add/",
        {
            "channel": "12315",
            "external_no": "12315-0001",
            "kind": "report",
            "entity_name": entity.name,
            "entity_uscc": "",
            "content": "虚假宣传。",
        },
    )
    assert Complaint.objects.get().department == dept_b


def test_accept_then_close_verified_makes_the_credit_record(client, alice, complaint):
    client.force_login(alice)
    action(client, "accept", [complaint.pk], apply="1", note="")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.HANDLING and complaint.handled_by == alice
    page = action(client, "close", [complaint.pk], apply="1", verdict="verified", outcome="")
    assert "这个字段是必填项" in page.content.decode() or "必填" in page.content.decode()
    response = action(
        client,
        "close",
        [complaint.pk],
        apply="1",
        verdict="verified",
        outcome="经检查，货架上有过期药品2盒，已立即下架并责令改正。",
    )
    assert any("已办结" in m for m in messages_of(response))
    complaint.refresh_from_db()
    assert complaint.verdict == ComplaintVerdict.VERIFIED and complaint.credit_record.category == "complaint"
    assert PHONE not in complaint.credit_record.content


def test_other_department_cannot_act(client, bob, complaint):
    client.force_login(bob)
    response = action(client, "accept", [complaint.pk], apply="1")
    assert any("不在您可以处理的范围内" in m for m in messages_of(response))
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.RECEIVED


def test_assign_moves_the_complaint_to_the_other_department(client, alice, bob, dept_b, complaint):
    client.force_login(alice)
    action(client, "assign", [complaint.pk], apply="1", department=str(dept_b.pk), reason="属卫生健康部门职责")
    complaint.refresh_from_db()
    assert complaint.department == dept_b
    client.force_login(bob)
    assert complaint.tracking_no in client.get(URL).content.decode()


def test_convert_needs_two_handlers_and_opens_the_case(client, alice, officers, complaint):
    client.force_login(alice)
    form = action(client, "convert", [complaint.pk]).content.decode()
    assert officers[0].name in form and officers[1].name in form
    page = action(
        client, "convert", [complaint.pk], apply="1", title="涉嫌销售过期药品", handlers=[str(officers[0].pk)]
    )
    assert any("至少2名" in m for m in messages_of(page))
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.RECEIVED
    action(
        client, "convert", [complaint.pk], apply="1", title="涉嫌销售过期药品", handlers=[str(o.pk) for o in officers]
    )
    complaint.refresh_from_db()
    assert complaint.verdict == ComplaintVerdict.CONVERTED and complaint.cases.get().title == "涉嫌销售过期药品"


def test_complaint_page_shows_the_actions_and_overdue_deadline(client, alice, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(due_on=dt.date(2026, 11, 20))
    client.force_login(alice)
    page = client.get(f"{URL}{complaint.pk}/change/").content.decode()
    assert "转立案" in page and "受理" in page
    listing = client.get(URL).content.decode()
    assert "已逾期" in listing and "#ba2121" in listing
    assert complaint.tracking_no in client.get(URL + "?deadline=overdue").content.decode()


def test_channel_deadline_versions_are_added_by_the_platform_admin_only(client, alice, platform_admin):
    client.force_login(alice)
    assert client.get(DEADLINES).status_code == 200
    assert client.get(f"{DEADLINES}add/").status_code == 403
    client.force_login(platform_admin)
    page = client.post(
        f"{DEADLINES}add/", {"channel": "12315", "working_days": "7", "effective_from": "2026-11-01", "note": ""}
    ).content.decode()
    assert "生效日期不能早于今天" in page
    client.post(
        f"{DEADLINES}add/",
        {"channel": "12315", "working_days": "7", "effective_from": "2026-12-01", "note": "省局通知"},
    )
    row = ChannelDeadline.objects.get(variant="12315", effective_from=dt.date(2026, 12, 1))
    assert row.working_days == 7
    assert AuditEvent.objects.get(action="channel_deadline.set").actor_user == platform_admin
    assert client.get(f"{DEADLINES}{row.pk}/change/").status_code == 200  # view only
    assert (
        client.post(
            f"{DEADLINES}{row.pk}/change/", {"channel": "12315", "working_days": "9", "effective_from": "2026-12-01"}
        ).status_code
        == 403
    )


# --- how the pages read (visual review) ------------------------------------------------------------------


def test_list_shows_only_what_triage_needs_with_the_working_days_left(client, alice, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(due_on=dt.date(2026, 11, 18))  # frozen today: Sunday 2026-11-22
    client.force_login(alice)
    listing = client.get(URL).content.decode()
    head = listing.split("<thead>")[1].split("</thead>")[0]
    for column in ("受理编号", "被投诉举报对象", "渠道", "状态", "办理期限", "剩余时间"):
        assert column in head, column
    for column in ("类别", "承办部门", "登记时间", "核查结论", "统一社会信用代码"):
        assert column not in head, column
    # Wednesday 18th, seen on Sunday 22nd: Thursday and Friday have passed
    assert "2026年11月18日" in listing and "已逾期 2 个工作日" in listing


def test_complaint_page_reads_dates_names_and_empty_values_alike(client, alice, complaint):
    alice.first_name = "艾丽"
    alice.save(update_fields=["first_name"])
    client.force_login(alice)
    page = client.get(f"{URL}{complaint.pk}/change/").content.decode()
    # 办理期限 in the same 年月日 form as 登记时间; nothing closed yet, so the results read as the admin's empty value
    assert f"{complaint.due_on.year}年{complaint.due_on.month}月{complaint.due_on.day}日" in page
    assert page.count("（空）") >= 4 and '<div class="readonly">-</div>' not in page
    action(client, "accept", [complaint.pk], apply="1", note="")
    page = client.get(f"{URL}{complaint.pk}/change/").content.decode()
    assert "艾丽" in page.split("办理人")[1][:200]

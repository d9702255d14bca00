"""Complaints and reports (投诉举报), issue 6 §1: filing, deadlines, department, verdicts, conversion, tracking.

Given/when/then; the reporter's identity and contacts are confidential (DOMAIN §5) and are checked
for in every answer the public gets.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.filings import filing_lookup, filing_model, filing_status
from core.models import AuditEvent
from credit.models import CreditRecord, EntityCredit
from enforcement import services
from enforcement.choices import CaseSource, ComplaintState, ComplaintVerdict
from enforcement.models import ChannelDeadline, Complaint
from tests.conftest import valid_uscc

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PHONE = "13712345678"
EMAIL = "reporter-secret@example.com"
REPORTER = "举报人周某某"


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def roster_entity(make_entity, dept_a):
    return make_entity(name="郑州市金水区好再来餐饮店", registration_authority=dept_a)


def file(entity=None, **kw):
    fields = {
        "actor": "public:web",
        "entity_name": entity.name if entity else "某无名小吃摊",
        "entity_uscc": entity.uscc if entity else "",
        "content": "该店后厨卫生状况差，使用过期食材。",
        "kind": "report",
        "channel": "web",
        "reporter_name": REPORTER,
        "contact_phone": PHONE,
        "contact_email": EMAIL,
    }
    fields.update(kw)
    return services.complaint_file(**fields)


# --- deadlines --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_complaint_deadline_is_15_working_days_across_a_holiday(roster_entity):
    # Issue 6 §1: 15 working days by default. Filed Tue 2026-09-29: 国庆 1–7 Oct are not counted and
    # Sat 10 Oct (调休 make-up day) is, so the 15th working day is Mon 2026-10-26.
    with time_machine.travel(dt.datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI), tick=False):
        complaint, code = file(roster_entity)
    assert complaint.working_days == 15
    assert complaint.due_on == dt.date(2026, 10, 26)
    assert complaint.due_provisional is False
    assert complaint.tracking_no.startswith("TS20260929-") and len(code) == 6
    assert complaint.query_code_hash and code not in complaint.query_code_hash


@pytest.mark.django_db
def test_deadline_past_the_calendar_data_is_provisional(roster_entity):
    with time_machine.travel(dt.datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI), tick=False):
        complaint, _code = file(roster_entity)
    # 15 working days from Sun 2026-12-20: 12-21..25 (5), 12-28..31 (9), then 2027, which chinese-calendar
    # 1.11 does not cover, counted Monday to Friday less the statutory holidays (core/workdays.py, issue 12 §2):
    # 01-01 元旦 is off, 01-04..08 (14), 01-11 (15); provisional until the 调休 of 2027 are entered
    assert (complaint.due_on, complaint.due_provisional) == (dt.date(2027, 1, 11), True)


@pytest.mark.django_db
def test_channel_deadline_setting_applies_per_channel_from_its_effective_date(
    roster_entity, platform_admin, frozen_today
):
    # Given 12345 work orders get 10 working days from tomorrow (a new version; the old one stays)
    services.channel_deadline_set(
        actor=platform_admin,
        channel="12345",
        working_days=10,
        effective_from=dt.date(2026, 11, 23),
        note="市政府办公厅通知",
    )
    assert ChannelDeadline.objects.filter(variant="12345").count() == 2
    # When a 12345 complaint is filed today, the old version is still in force
    today_complaint, _ = file(roster_entity, channel="12345", external_no="ZZ12345-0001")
    assert today_complaint.working_days == 15
    # and from tomorrow the new one applies to 12345 only
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False):
        hotline, _ = file(roster_entity, channel="12345", external_no="ZZ12345-0002")
        web, _ = file(roster_entity, channel="web")
    # 10 working days from Mon 2026-11-23: 11-24..27 (4), 11-30..12-04 (9), 12-07 (10)
    assert hotline.working_days == 10 and hotline.due_on == dt.date(2026, 12, 7)
    assert web.working_days == 15
    assert AuditEvent.objects.filter(action="channel_deadline.set").count() == 1


@pytest.mark.django_db
def test_channel_deadline_versions_are_validated(platform_admin, frozen_today):
    with pytest.raises(ValidationError) as err:
        services.channel_deadline_set(
            actor=platform_admin, channel="12315", working_days=0, effective_from=dt.date(2026, 11, 1)
        )
    assert set(err.value.message_dict) == {"working_days", "effective_from"}
    with pytest.raises(ValidationError) as err:
        services.channel_deadline_set(
            actor=platform_admin, channel="fax", working_days=10, effective_from=dt.date(2026, 12, 1)
        )
    assert "channel" in err.value.message_dict


@pytest.mark.django_db
def test_channel_deadlines_are_statutory_deadlines_and_never_longer_than_the_general_rule(platform_admin, frozen_today):
    """Issue 12 §2: a channel's deadline is a StatutoryDeadline (kind 投诉举报办理, variant = channel);
    where rules overlap the shorter applies, so a longer channel rule is refused with the reason."""
    from supervision import deadlines
    from supervision.choices import DeadlineKind

    with pytest.raises(ValidationError) as err:
        services.channel_deadline_set(
            actor=platform_admin, channel="12315", working_days=20, effective_from=dt.date(2026, 12, 1)
        )
    assert "较短" in err.value.message_dict["working_days"][0]
    row = services.channel_deadline_set(
        actor=platform_admin, channel="12315", working_days=7, effective_from=dt.date(2026, 12, 1)
    )
    assert (row.kind, row.variant, row.working_days) == (DeadlineKind.COMPLAINT, "12315", 7)
    assert deadlines.working_days(DeadlineKind.COMPLAINT, on=dt.date(2026, 12, 1), variant="12315") == 7
    assert deadlines.working_days(DeadlineKind.COMPLAINT, on=dt.date(2026, 12, 1), variant="web") == 15
    # The row's own events (another table's row may share its id: filter by type as well).
    assert {e.action for e in AuditEvent.objects.filter(target_type=row._meta.label_lower, target_id=str(row.pk))} == {
        "statutory_deadline.create",
        "channel_deadline.set",
    }


# --- filing: validation and department ------------------------------------------------------------


@pytest.mark.django_db
def test_wrong_uscc_check_character_is_named(frozen_today, dept_a):
    good = valid_uscc("91410100MA4XY1234")
    wrong = good[:17] + ("1" if good[17] != "1" else "2")
    with pytest.raises(ValidationError) as err:
        file(entity_uscc=wrong)
    message = err.value.message_dict["entity_uscc"][0]
    assert "校验位错误" in message and f"第18位应为“{good[17]}”" in message
    with pytest.raises(ValidationError) as err:
        file(entity_uscc="9141010")
    assert "应为18位" in err.value.message_dict["entity_uscc"][0]
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_required_fields_are_named_in_chinese(frozen_today, dept_a):
    with pytest.raises(ValidationError) as err:
        file(entity_name="  ", content="")
    errors = err.value.message_dict
    assert "被投诉举报对象名称为必填项" in errors["entity_name"][0]
    assert errors["content"] == ["投诉举报内容为必填项"]
    with pytest.raises(ValidationError) as err:
        file(channel="12315")
    assert "来源工单号" in err.value.message_dict["external_no"][0]
    with pytest.raises(ValidationError) as err:
        file(contact_phone="1" * 40)
    assert "联系电话不能超过32个字符" in err.value.message_dict["contact_phone"]


@pytest.mark.django_db
def test_entity_named_by_uscc_only_takes_the_roster_name(roster_entity, frozen_today):
    complaint, _ = file(entity_name="", entity_uscc=roster_entity.uscc.lower())
    assert complaint.entity_name == roster_entity.name and complaint.entity_id == roster_entity.uscc


@pytest.mark.django_db
def test_department_is_the_registration_authority_else_the_default(make_entity, dept_a, dept_b, settings, frozen_today):
    registered_by_b = make_entity(name="郑州某医疗器械有限公司", registration_authority=dept_b)
    assert file(registered_by_b)[0].department == dept_b
    # not in the roster: the configured default department
    settings.COMPLAINT_DEFAULT_DEPARTMENT = dept_b.code
    assert file(None)[0].department == dept_b
    # no setting: the market regulation department
    settings.COMPLAINT_DEFAULT_DEPARTMENT = ""
    assert file(None)[0].department == dept_a
    # a department given (12345 dispatch) wins
    assert file(registered_by_b, department=dept_a)[0].department == dept_a


@pytest.mark.django_db
def test_attachments_are_stored_with_the_complaint(roster_entity, frozen_today):
    photo = SimpleUploadedFile("后厨照片.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png")
    complaint, _ = file(roster_entity, attachments=[photo])
    attachment = complaint.attachments.get()
    assert (
        attachment.original_name == "后厨照片.png"
        and attachment.size == photo.size
        and attachment.content_type == "image/png"
    )


@pytest.mark.django_db
def test_audit_trail_masks_the_reporter(roster_entity, frozen_today):
    complaint, _code = file(roster_entity)
    event = AuditEvent.objects.get(action="complaint.file")
    text = str(event.after)
    assert PHONE not in text and EMAIL not in text and REPORTER not in text and complaint.query_code_hash not in text
    assert event.after["contact_phone"] == "（保密）" and event.after["reporter_name"] == "（保密）"


# --- handling -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_assigned_department_acts_and_transfer_moves_it(roster_entity, alice, bob, dept_b, frozen_today):
    complaint, _ = file(roster_entity)
    with pytest.raises(ValidationError, match="只有承办部门可以办理"):
        services.complaint_accept(actor=bob, complaint=complaint)
    with pytest.raises(ValidationError) as err:
        services.complaint_assign(actor=alice, complaint=complaint, department=dept_b, reason=" ")
    assert "reason" in err.value.message_dict
    services.complaint_accept(actor=alice, complaint=complaint)
    moved = services.complaint_assign(
        actor=alice, complaint=complaint, department=dept_b, reason="涉及医疗机构，属卫生健康部门职责"
    )
    assert moved.department == dept_b and moved.state == ComplaintState.RECEIVED and moved.due_on == complaint.due_on
    with pytest.raises(ValidationError):
        services.complaint_accept(actor=alice, complaint=moved)
    assert services.complaint_accept(actor=bob, complaint=moved).state == ComplaintState.HANDLING
    assert AuditEvent.objects.get(action="complaint.assign").after["reason"] == "涉及医疗机构，属卫生健康部门职责"


@pytest.mark.django_db
def test_close_needs_the_outcome_and_never_the_reporters_data(roster_entity, alice, frozen_today):
    complaint, _ = file(roster_entity)
    with pytest.raises(ValidationError) as err:
        services.complaint_close(actor=alice, complaint=complaint, verdict=ComplaintVerdict.UNFOUNDED, outcome="")
    assert "outcome" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.complaint_close(
            actor=alice, complaint=complaint, verdict=ComplaintVerdict.UNFOUNDED, outcome=f"已电话联系{PHONE}告知"
        )
    assert "不得包含投诉举报人" in err.value.message_dict["outcome"][0]
    with pytest.raises(ValidationError) as err:
        services.complaint_close(actor=alice, complaint=complaint, verdict=ComplaintVerdict.CONVERTED, outcome="立案")
    assert "转立案" in err.value.message_dict["verdict"][0]
    closed = services.complaint_close(
        actor=alice, complaint=complaint, verdict=ComplaintVerdict.UNFOUNDED, outcome="经现场检查，未发现所反映问题。"
    )
    assert closed.state == ComplaintState.CLOSED and closed.closed_at and closed.credit_record is None
    assert not CreditRecord.objects.exists()
    with pytest.raises(ValidationError, match="已办结"):
        services.complaint_close(actor=alice, complaint=closed, verdict=ComplaintVerdict.VERIFIED, outcome="x")


@pytest.mark.django_db
def test_verified_complaint_becomes_a_credit_record_without_reporter_data(roster_entity, alice, frozen_today):
    complaint, _ = file(roster_entity)
    closed = services.complaint_close(
        actor=alice,
        complaint=complaint,
        verdict=ComplaintVerdict.VERIFIED,
        outcome="经现场检查，后厨存放过期食材属实，已责令改正并立即下架销毁。",
    )
    record = closed.credit_record
    assert record is not None and record.source_ref == complaint.tracking_no
    assert (record.category, record.polarity, record.severity, record.entity_id, record.department) == (
        "complaint",
        "negative",
        "minor",
        roster_entity.uscc,
        complaint.department,
    )
    assert "属实" in record.title
    for secret in (PHONE, EMAIL, REPORTER, "过期食材。"):  # nor the reporter's own wording
        assert secret not in record.content
    assert "已责令改正" in record.content


@pytest.mark.django_db
def test_partly_verified_complaint_without_uscc_makes_no_record(alice, frozen_today):
    # Issue 12 §6: closing it would silently make no credit record, so it is refused until the entity is set
    complaint, _ = file(None)
    with pytest.raises(ValidationError) as exc:
        services.complaint_close(
            actor=alice, complaint=complaint, verdict=ComplaintVerdict.PARTLY, outcome="部分属实，已责令整改。"
        )
    assert "须先设置被投诉举报对象的统一社会信用代码" in exc.value.message_dict["verdict"][0]
    assert not CreditRecord.objects.exists()
    # Unfounded needs no entity
    closed = services.complaint_close(
        actor=alice, complaint=complaint, verdict=ComplaintVerdict.UNFOUNDED, outcome="经核查不属实。"
    )
    assert closed.credit_record is None and not CreditRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_three_verified_complaints_make_the_grade_a_warning(roster_entity, alice, evaluate, frozen_today):
    # DOMAIN §3: ≥3 verified complaints in 12 months → 警示; the evaluation counts category 'complaint' records.
    for i in range(3):
        complaint, _ = file(roster_entity, content=f"第{i + 1}次反映：使用过期食材。")
        services.complaint_close(
            actor=alice,
            complaint=complaint,
            verdict=ComplaintVerdict.VERIFIED,
            outcome=f"第{i + 1}次核查属实，已责令改正。",
        )
        evaluate([roster_entity.uscc])
        grade = EntityCredit.objects.get(entity=roster_entity).grade
        assert grade == ("WARNING" if i == 2 else "GOOD")
    reasons = str(EntityCredit.objects.get(entity=roster_entity).reasons)
    assert "经核实的投诉举报 3 件" in reasons


@pytest.mark.django_db
def test_convert_to_case_opens_a_complaint_case_and_tells_the_reporter(roster_entity, alice, officers, frozen_today):
    complaint, _code = file(roster_entity)
    with pytest.raises(ValidationError, match="至少2名"):
        services.complaint_convert_to_case(
            actor=alice, complaint=complaint, handlers=officers[:1], title="涉嫌经营过期食品"
        )
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.RECEIVED
    case = services.complaint_convert_to_case(
        actor=alice, complaint=complaint, handlers=officers, title="涉嫌经营过期食品"
    )
    complaint.refresh_from_db()
    assert (
        case.source == CaseSource.COMPLAINT
        and case.source_complaint == complaint
        and case.entity_id == roster_entity.uscc
    )
    assert case.party_name == roster_entity.name and case.department == complaint.department
    assert complaint.state == ComplaintState.CLOSED and complaint.verdict == ComplaintVerdict.CONVERTED
    assert "已立案调查" in complaint.outcome
    assert "已立案调查" in filing_status(complaint)["outcome"]
    with pytest.raises(ValidationError, match="已办结"):
        services.complaint_convert_to_case(actor=alice, complaint=complaint, handlers=officers, title="再次立案")


@pytest.mark.django_db
def test_convert_without_a_uscc_opens_a_case_against_the_named_party(alice, officers, frozen_today):
    """An unlicensed operator (无照经营) has no USCC: the case is opened against the named party."""
    complaint, _ = file(None)
    case = services.complaint_convert_to_case(actor=alice, complaint=complaint, handlers=officers, title="无照经营")
    assert case.entity_id == "" and case.party_name == "某无名小吃摊"
    assert Complaint.objects.get(pk=complaint.pk).verdict == ComplaintVerdict.CONVERTED


# --- tracking ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_status_lookup_shows_state_deadline_and_outcome_never_the_reporter(roster_entity, alice, frozen_today):
    complaint, code = file(roster_entity, whistleblower=True)
    assert filing_model(complaint.tracking_no.lower()) is Complaint
    found = filing_lookup(Complaint, complaint.tracking_no, code)
    status = filing_status(found)
    assert (status["kind"], status["status"], status["status_label"], status["deadline"]) == (
        "投诉举报",
        "received",
        "已登记",
        complaint.due_on,
    )
    assert status["outcome"] == ""
    services.complaint_close(
        actor=alice, complaint=complaint, verdict=ComplaintVerdict.VERIFIED, outcome="核查属实，已责令改正。"
    )
    status = filing_status(Complaint.objects.get(pk=complaint.pk))
    assert status["deadline"] is None and status["outcome"] == "属实：核查属实，已责令改正。"
    text = str(status)
    for secret in (PHONE, EMAIL, REPORTER, "alice", "吹哨", "内部"):
        assert secret not in text


@pytest.mark.django_db
def test_wrong_code_finds_nothing_like_an_unknown_number(roster_entity, frozen_today):
    complaint, code = file(roster_entity)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert filing_lookup(Complaint, complaint.tracking_no, wrong) is None
    assert filing_lookup(Complaint, "TS20261122-000000", code) is None
    assert filing_lookup(Complaint, complaint.tracking_no, code) == complaint


@pytest.mark.django_db
def test_track_page_finds_a_complaint_without_the_reporter(client, roster_entity, frozen_today):
    complaint, code = file(roster_entity)
    page = client.post("/track/", {"tracking_no": complaint.tracking_no, "code": code}).content.decode()
    assert (
        "投诉举报" in page
        and "已登记" in page
        and f"{complaint.due_on.year}年{complaint.due_on.month}月{complaint.due_on.day}日" in page
    )
    for secret in (PHONE, EMAIL, REPORTER):
        assert secret not in page
    wrong = client.post(
        "/track/", {"tracking_no": complaint.tracking_no, "code": "000000" if code != "000000" else "111111"}
    ).content.decode()
    assert "未找到" in wrong


# --- the public form ---------------------------------------------------------------------------------


def form_data(**kw):
    data = {
        "kind": "report",
        "entity_name": "郑州某烧烤店",
        "entity_uscc": "",
        "content": "夜间占道经营，油烟扰民。",
        "reporter_name": REPORTER,
        "contact_phone": PHONE,
        "contact_email": EMAIL,
    }
    data.update(kw)
    return data


@pytest.mark.django_db
def test_public_form_files_a_complaint_and_shows_number_and_code(client, roster_entity, frozen_today):
    assert client.get("/complaints/new/").status_code == 200
    proof = SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff\xe0 jpeg", content_type="image/jpeg")
    # Post/Redirect/Get (issue 12 §6): the answer is a 303 to the page that shows the number and code once.
    response = client.post(
        "/complaints/new/", form_data(entity_name="", entity_uscc=roster_entity.uscc, attachments=[proof]), follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    complaint = Complaint.objects.get()
    assert complaint.channel == "web" and complaint.department == roster_entity.registration_authority
    assert complaint.tracking_no in page and "data-query-code" in page and "1 个（仅承办部门可见）" in page
    assert complaint.attachments.count() == 1
    for secret in (PHONE, EMAIL, REPORTER):
        assert secret not in page
    home = client.get("/").content.decode()
    assert 'href="/complaints/new/"' in home


@pytest.mark.django_db
def test_public_form_names_the_wrong_field(client, dept_a, frozen_today):
    good = valid_uscc("91410100MA4XY1234")
    wrong = good[:17] + ("1" if good[17] != "1" else "2")
    page = client.post("/complaints/new/", form_data(entity_uscc=wrong)).content.decode()
    assert f"第18位应为“{good[17]}”" in page
    page = client.post("/complaints/new/", form_data(entity_name="", content="")).content.decode()
    assert "请填写被投诉举报对象名称或统一社会信用代码" in page
    fake = SimpleUploadedFile("证据.pdf", b"MZ not a pdf", content_type="application/pdf")
    page = client.post("/complaints/new/", form_data(attachments=[fake])).content.decode()
    assert "内容与文件类型不符" in page
    too_many = [SimpleUploadedFile(f"{i}.png", b"\x89PNG\r\n\x1a\nx", content_type="image/png") for i in range(6)]
    page = client.post("/complaints/new/", form_data(attachments=too_many)).content.decode()
    assert "最多 5 个文件" in page
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_public_form_posts_are_throttled_per_ip(client, dept_a, frozen_today):
    from core.api.throttling import PublicFormThrottle

    original = PublicFormThrottle.THROTTLE_RATES
    PublicFormThrottle.THROTTLE_RATES = {**original, "anon": "2/minute"}
    try:
        codes = [client.post("/complaints/new/", form_data(), REMOTE_ADDR="203.0.113.9").status_code for _ in range(3)]
        other = client.post("/complaints/new/", form_data(), REMOTE_ADDR="203.0.113.10")
    finally:
        PublicFormThrottle.THROTTLE_RATES = original
    assert codes == [303, 303, 429]  # filed (Post/Redirect/Get), filed, throttled
    assert other.status_code == 303
    assert Complaint.objects.count() == 3

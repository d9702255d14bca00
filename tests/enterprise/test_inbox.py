"""The entity inbox and its e-mail (issue 14 §2): messages follow the audit trail, e-mail goes through
Django's mail backend (the file backend here, in a temporary directory: ``mail_dir``)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django_celery_beat.models import PeriodicTask

from core.models import AuditEvent
from credit import services as credit_services
from credit.choices import ListGround, ListType, RemovalReason
from credit.models import CreditRecord
from enterprise import inbox
from enterprise.models import DeliveryState, EmailDelivery, InboxCursor, Message, MessageKind
from inspections import services as inspection_services
from tests.conftest import record_data
from tests.enterprise.test_corrections import media, order  # noqa: F401  (fixtures)
from tests.inspections.conftest import graded_entities, make_inspector, make_item, make_plan  # noqa: F401

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every message (settings.EMAIL_BACKEND in the failure tests)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("邮件服务器拒绝连接")


FAILING_BACKEND = f"{__name__}.FailingBackend"


@pytest.fixture
def liaison(make_entity, make_entity_user, dept_a):
    """An entity registered by department A, with a liaison who gave an e-mail address."""
    return make_entity_user(make_entity(registration_authority=dept_a), email="liaison@example.com")


def add_abnormal(entity, dept, actor="test"):
    return credit_services.list_entry_add(
        actor=actor,
        entity_uscc=entity.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.NO_ANNUAL_REPORT,
        legal_basis="《市场主体登记管理条例》第三十五条",
        department=dept,
        decided_on=dt.date(2026, 11, 2),
        ground_established_on=dt.date(2026, 11, 1),
    )


def test_a_pushed_record_becomes_a_message_and_an_email(liaison, push, mail_dir, frozen_today):
    # Given an entity with a liaison, when a department pushes a record about it and the inbox runs
    push(record_data(liaison.entity_id))
    outcome = inbox.inbox_collect()
    # Then one message in its inbox names the department and the record
    message = Message.objects.get(entity=liaison.entity)
    assert message.kind == MessageKind.RECORD
    assert message.subject == "郑州市市场监督管理局报送了关于贵单位的信用记录 1 条"
    assert "未按规定明码标价" in message.body and message.read_at is None
    assert message.link == "/enterprise/file/#records-title"
    # And one e-mail went to the liaison, in the file backend's directory, with the subject
    assert outcome == {"messages": 1, "sent": 1, "failed": 0}
    delivery = EmailDelivery.objects.get(message=message)
    assert (delivery.state, delivery.attempts, delivery.address) == (DeliveryState.SENT, 1, "liaison@example.com")
    [mail] = mail_dir.messages()
    assert mail_dir.subjects() == [f"【综合监管平台】{message.subject}"]
    assert mail["To"] == "liaison@example.com"
    assert "未按规定明码标价" in mail.get_content()


def test_an_entity_without_an_account_gets_no_message(make_entity, push, mail_dir):
    push(record_data(make_entity().uscc))
    assert inbox.inbox_collect() == {"messages": 0, "sent": 0, "failed": 0}
    assert not Message.objects.exists() and mail_dir.messages() == []


def test_a_revoked_or_addressless_liaison_gets_no_email_but_the_message_stays(
    make_entity, make_entity_user, push, mail_dir
):
    entity = make_entity()
    make_entity_user(entity, "no-mail", email="")
    revoked = make_entity_user(entity, "gone", first=False, email="gone@example.com")
    revoked.revoked_at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    revoked.save(update_fields=["revoked_at"])
    push(record_data(entity.uscc))
    inbox.inbox_collect()
    assert Message.objects.filter(entity=entity).count() == 1
    assert not EmailDelivery.objects.exists() and mail_dir.messages() == []


def test_a_batch_push_makes_one_message_per_entity(make_entity, make_entity_user, push, mail_dir):
    one, two = make_entity(), make_entity()
    make_entity_user(one, "one", email="one@example.com")
    make_entity_user(two, "two", email="two@example.com")
    push(
        record_data(one.uscc, "郑市监罚〔2026〕1号"),
        record_data(one.uscc, "郑市监罚〔2026〕2号", title="虚假宣传"),
        record_data(two.uscc, "郑市监罚〔2026〕3号"),
    )
    inbox.inbox_collect()
    assert Message.objects.get(entity=one).subject.endswith("信用记录 2 条")
    assert Message.objects.get(entity=two).subject.endswith("信用记录 1 条")
    assert sorted(m["To"] for m in mail_dir.messages()) == ["one@example.com", "two@example.com"]


def test_entering_and_leaving_a_list_each_make_a_message(liaison, dept_a, mail_dir, frozen_today):
    entry = add_abnormal(liaison.entity, dept_a)
    credit_services.list_entry_remove(
        actor="test", entry=entry, reason=RemovalReason.DECISION_REVOKED, removed_on=dt.date(2026, 11, 20)
    )
    inbox.inbox_collect()
    added, removed = Message.objects.filter(entity=liaison.entity, kind=MessageKind.LIST).order_by("id")
    assert added.subject == "列入经营异常名录" and "报送年度报告" in added.body
    assert "郑州市市场监督管理局于 2026-11-02" in added.body and "申请移出" in added.body
    assert removed.subject == "移出经营异常名录" and "2026-11-20" in removed.body
    assert "列入决定被撤销或确有错误" in removed.body
    assert sorted(mail_dir.subjects()) == ["【综合监管平台】列入经营异常名录", "【综合监管平台】移出经营异常名录"]


def test_a_filing_changing_state_makes_a_message(liaison, push, alice, mail_dir, frozen_today):
    # Given an objection to a record about the entity
    push(record_data(liaison.entity_id))
    record = CreditRecord.objects.get(entity=liaison.entity)
    objection, _code = credit_services.objection_file(
        actor="public", applicant_name="王联络", contact_phone="13800000000", reason="金额有误", record=record
    )
    # When the department accepts it
    credit_services.objection_accept(actor=alice, objection=objection)
    inbox.inbox_collect()
    # Then the entity reads the filing and its acceptance, with the tracking number and the state
    filed, accepted = Message.objects.filter(entity=liaison.entity, kind=MessageKind.FILING).order_by("id")
    assert filed.subject == f"异议申诉 {objection.tracking_no}：待受理"
    assert accepted.subject == f"异议申诉 {objection.tracking_no}：已受理，处理中"
    assert accepted.link == f"/enterprise/filings/objection/{objection.pk}/"
    assert f"【综合监管平台】{accepted.subject}" in mail_dir.subjects()


def test_a_revoked_record_makes_a_message_with_its_reason(liaison, push, alice, mail_dir, frozen_today):
    push(record_data(liaison.entity_id))
    record = CreditRecord.objects.get(entity=liaison.entity)
    credit_services.credit_record_revoke(actor=alice, record=record, reason="决定已被行政复议撤销")
    inbox.inbox_collect()
    message = Message.objects.filter(entity=liaison.entity).latest("id")
    assert message.subject == "信用记录状态变更：已撤销"
    assert "决定已被行政复议撤销" in message.body


def test_a_grade_change_makes_a_message_from_the_grade_history(liaison, push, evaluate, mail_dir, frozen_today):
    # Given a graded entity (its first grade is no change: no message)
    evaluate([liaison.entity_id])
    inbox.inbox_collect()
    assert not Message.objects.filter(kind=MessageKind.GRADE).exists()
    # When a serious record arrives and the entity is re-graded
    push(record_data(liaison.entity_id, severity="serious", decided_on="2026-11-10"))
    evaluate([liaison.entity_id])
    inbox.inbox_collect()
    # Then one message tells the old and the new grade
    message = Message.objects.get(entity=liaison.entity, kind=MessageKind.GRADE)
    assert message.subject.startswith("信用等级变化：良好 → ")
    assert "评价理由" in message.body and message.source_grade_id is not None
    assert InboxCursor.objects.get().last_grade_id == message.source_grade_id


def test_a_rerun_creates_nothing_twice_even_from_a_reset_cursor(liaison, push, dept_a, mail_dir):
    push(record_data(liaison.entity_id))
    add_abnormal(liaison.entity, dept_a)
    inbox.inbox_collect()
    assert inbox.inbox_collect() == {"messages": 0, "sent": 0, "failed": 0}
    InboxCursor.objects.update(last_event_id=0, last_grade_id=0)  # e.g. a restored backup of the cursor
    assert inbox.inbox_collect() == {"messages": 0, "sent": 0, "failed": 0}
    assert Message.objects.count() == 2 and EmailDelivery.objects.count() == 2
    assert len(mail_dir.messages()) == 2


def test_a_failing_mail_server_leaves_a_failed_delivery_retried_up_to_5_attempts(
    liaison, push, settings, mail_dir, client, alice, bob
):
    # Given a mail server that refuses
    settings.EMAIL_BACKEND = FAILING_BACKEND
    push(record_data(liaison.entity_id))
    # When the inbox runs: the message is in the portal, its e-mail failed with the error kept
    assert inbox.inbox_collect() == {"messages": 1, "sent": 0, "failed": 1}
    delivery = EmailDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 1)
    assert "邮件服务器拒绝连接" in delivery.last_error
    assert Message.objects.filter(entity=liaison.entity).exists()
    # And each later run retries it, up to MAX_ATTEMPTS = 5 in all
    for _ in range(6):
        inbox.inbox_collect()
    delivery.refresh_from_db()
    assert inbox.MAX_ATTEMPTS == 5 and delivery.attempts == 5
    # Then the admin shows it to the registration authority's official, failures first
    client.force_login(alice)
    page = client.get("/admin/enterprise/emaildelivery/?state__exact=failed")
    assert page.status_code == 200 and "liaison@example.com" in page.content.decode()
    assert "邮件服务器拒绝连接" in page.content.decode()
    # But not to another department's official
    client.force_login(bob)
    page = client.get("/admin/enterprise/emaildelivery/")
    assert "liaison@example.com" not in page.content.decode()
    # And 重新发送 sends it once the server works again (audited)
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    client.force_login(alice)
    client.post("/admin/enterprise/emaildelivery/", {"action": "resend", "_selected_action": [delivery.pk]})
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 6)
    assert len(mail_dir.messages()) == 1
    assert AuditEvent.objects.filter(action="email_delivery.resend", actor_user=alice).exists()


def test_failed_deliveries_come_first_in_the_admin(make_entity, make_entity_user, push, settings, client, alice):
    entity = make_entity(registration_authority=alice.department)
    make_entity_user(entity, "one", email="one@example.com")
    push(record_data(entity.uscc, "郑市监罚〔2026〕1号"))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    inbox.inbox_collect()
    settings.EMAIL_BACKEND = FAILING_BACKEND
    push(record_data(entity.uscc, "郑市监罚〔2026〕2号"))
    inbox.inbox_collect()
    client.force_login(alice)
    page = client.get("/admin/enterprise/emaildelivery/")
    rows = list(page.context["cl"].result_list)
    assert [d.state for d in rows] == [DeliveryState.FAILED, DeliveryState.SENT]


def test_the_inbox_page_collects_lists_and_marks_read(entity_client, push, mail_dir):
    # Given a record pushed a moment ago, and no run of the worker since
    push(record_data(entity_client.account.entity_id))
    # When the liaison opens the inbox, the message is there, unread, with the count in the nav
    page = entity_client.get("/enterprise/inbox/")
    body = page.content.decode()
    message = Message.objects.get(entity=entity_client.account.entity)
    assert page.status_code == 200 and message.subject in body
    assert 'id="inbox-badge">1<' in body
    # And reading it marks it read
    page = entity_client.get(f"/enterprise/inbox/{message.pk}/")
    assert page.status_code == 200 and "未按规定明码标价" in page.content.decode()
    message.refresh_from_db()
    assert message.read_at is not None
    assert 'id="inbox-badge"' not in entity_client.get("/enterprise/inbox/").content.decode()


def test_the_inbox_list_has_a_query_budget(entity_client, push, django_assert_max_num_queries):
    for n in range(15):
        push(record_data(entity_client.account.entity_id, f"郑市监罚〔2026〕{n}号"))
    inbox.collect_messages()
    with django_assert_max_num_queries(20):
        assert entity_client.get("/enterprise/inbox/").status_code == 200


def test_another_entitys_message_is_a_404(entity_client, make_entity, make_entity_user, push):
    other = make_entity_user(make_entity(), "other", email="other@example.com")
    push(record_data(other.entity_id))
    inbox.collect_messages()
    theirs = Message.objects.get(entity=other.entity)
    assert entity_client.get(f"/enterprise/inbox/{theirs.pk}/").status_code == 404
    assert theirs.subject not in entity_client.get("/enterprise/inbox/").content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_needs_a_signed_in_entity(client, alice):
    assert client.get("/enterprise/inbox/").status_code == 302
    client.force_login(alice)  # staff never have an entity account
    assert client.get("/enterprise/inbox/").status_code == 302


def test_no_officials_name_reaches_a_message(liaison, push, make_official, dept_a, mail_dir, frozen_today):
    official = make_official("li.ming", dept_a, first_name="明", last_name="李")
    push(record_data(liaison.entity_id), actor=official)
    record = CreditRecord.objects.get(entity=liaison.entity)
    credit_services.credit_record_revoke(actor=official, record=record, reason="决定已撤销")
    entry = add_abnormal(liaison.entity, dept_a, actor=official)
    credit_services.list_entry_remove(
        actor=official, entry=entry, reason=RemovalReason.DECISION_REVOKED, removed_on=dt.date(2026, 11, 20)
    )
    inbox.inbox_collect()
    texts = [m.subject + m.body for m in Message.objects.all()] + [m.as_string() for m in mail_dir.messages()]
    assert len(texts) == 8
    for text in texts:
        assert "li.ming" not in text and "李明" not in text and "李" not in text


def test_the_inbox_runs_every_minute_on_the_beat():
    task = PeriodicTask.objects.get(task="enterprise.inbox_collect")
    assert task.enabled and task.crontab.minute == "*" and task.crontab.hour == "*"


def test_a_correction_order_and_the_answers_to_it_make_messages(entity_client, order, alice, mail_dir):
    # Given the order issued with an inspection result (fixture ``order``: due 2026-12-04)
    entity = entity_client.account.entity
    inbox.collect_messages()
    issued = Message.objects.get(entity=entity, kind=MessageKind.CORRECTION)
    assert issued.subject == "责令改正通知（期限 2026-12-04）"
    assert "郑州市市场监督管理局" in issued.body and issued.link == f"/enterprise/corrections/{order.pk}/"
    # When the entity answers and the department sends the answer back with reasons
    response = inspection_services.correction_respond(
        actor=entity_client.account.user,
        order=order,
        statement="已补充公示行政许可信息。",
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")],
        entity=entity,
    )
    inspection_services.correction_response_return(actor=alice, response=response, reasons="证明材料不清晰")
    inbox.inbox_collect()
    # Then the entity reads both state changes, the return with its reasons, and gets them by e-mail
    submitted, returned = Message.objects.filter(entity=entity, kind=MessageKind.CORRECTION).order_by("id")[1:]
    assert submitted.subject == "整改材料：待审核"
    assert returned.subject == "整改材料：已退回" and "证明材料不清晰" in returned.body
    assert "【综合监管平台】整改材料：已退回" in mail_dir.subjects()

"""The admin's 双公示 export form and the exchange batches' backlog (issue 15 §6), with the three kinds of user."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from opendata.models import ExchangeBatch
from tests.conftest import record_data

pytestmark = pytest.mark.django_db

EXPORT = "admin:opendata_exchangebatch_export"
CHANGELIST = "admin:opendata_exchangebatch_changelist"


@pytest.fixture
def licences(push, dept_a, dept_b, make_entity, frozen_today):
    entity = make_entity()
    push(record_data(entity.uscc, "郑市监许〔2026〕8号", category="administrative_licence", polarity="positive"))
    push(
        record_data(entity.uscc, "郑卫健许〔2026〕2号", category="administrative_licence", polarity="positive"),
        department=dept_b,
    )


def form(department, **kw):
    return {
        "department": department.pk,
        "kind": "licence",
        "date_from": "2026-11-01",
        "date_to": "2026-11-30",
        "fmt": "csv",
        **kw,
    }


def test_an_official_exports_their_own_departments_rows(client, alice, dept_a, licences):
    client.force_login(alice)
    response = client.post(reverse(EXPORT), form(dept_a))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r[rows[0].index("行政许可决定文书号")] for r in rows[1:]] == ["郑市监许〔2026〕8号"]
    event = AuditEvent.objects.get(action="opendata.shuanggongshi_export")
    assert event.actor_user_id == alice.pk and event.target_id == str(dept_a.pk)


def test_an_official_cannot_export_another_department(client, bob, dept_a, licences):
    client.force_login(bob)
    page = client.get(reverse(EXPORT))
    assert page.status_code == 200
    assert list(page.context["form"].fields["department"].queryset) == [bob.department]
    response = client.post(reverse(EXPORT), form(dept_a))
    assert response.status_code == 200 and "department" in response.context["form"].errors
    assert not AuditEvent.objects.filter(action="opendata.shuanggongshi_export").exists()


def test_a_platform_admin_exports_any_department(client, platform_admin, dept_b, licences):
    client.force_login(platform_admin)
    response = client.post(reverse(EXPORT), form(dept_b, fmt="xlsx"))
    assert response.status_code == 200 and response["Content-Type"].endswith("spreadsheetml.sheet")


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse(EXPORT))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_bad_dates_are_a_form_error_in_chinese(client, alice, dept_a):
    client.force_login(alice)
    response = client.post(reverse(EXPORT), form(dept_a, date_from="2026-11-30", date_to="2026-11-01"))
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"] == ["截止日期不能早于起始日期"]
    response = client.post(reverse(EXPORT), form(dept_a, date_from="2026-02-30"))
    assert "date_from" in response.context["form"].errors


def test_changelist_shows_the_backlog(client, alice, platform_admin, frozen_today, django_assert_max_num_queries):
    now = timezone.now()
    for n, state in enumerate(["pending", "sent", "sent", "failed", "rejected", "acknowledged"]):
        sent = state in ("sent", "rejected", "acknowledged")
        answered = state in ("rejected", "acknowledged")
        ExchangeBatch.objects.create(
            batch_no=f"SGS2026112200000{n}",
            connector="folder",
            state=state,
            rows=3,
            sent_at=now if sent else None,
            receipt_at=now if answered else None,
            receipt={"status": "accepted" if state == "acknowledged" else "rejected"} if answered else None,
        )
    client.force_login(alice)
    with django_assert_max_num_queries(20):
        page = client.get(reverse(CHANGELIST))
    assert page.status_code == 200
    backlog = page.context["backlog"]
    assert (backlog["pending"], backlog["sent"], backlog["failed"], backlog["rejected"]) == (1, 2, 1, 1)
    text = page.content.decode()
    assert "交换积压" in text and "已发送待回执 <strong>2</strong>" in text and "导出双公示数据" in text
    # Officials see the batches, not their rows, and cannot send them again; a platform admin can
    batch = ExchangeBatch.objects.get(state="failed")
    detail = reverse("admin:opendata_exchangebatch_change", args=[batch.pk])
    assert "内容（前 20 行）" not in client.get(detail).content.decode()
    assert page.context["action_form"] is None  # no action an official may take
    client.force_login(platform_admin)
    assert "内容（前 20 行）" in client.get(detail).content.decode()
    response = client.post(reverse(CHANGELIST), {"action": "retry", "_selected_action": [batch.pk]}, follow=True)
    batch.refresh_from_db()
    assert response.status_code == 200 and batch.state == "pending"

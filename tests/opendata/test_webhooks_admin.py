"""The webhooks in the admin (issue 15 §4): an official manages their department's subscriptions (the secret
shown once on creation), sees every delivery and attempt read-only, and sees nothing of other departments."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from core.models import AuditEvent
from opendata import webhooks
from opendata.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from tests.opendata.test_webhooks import private_hosts, subscribe  # noqa: F401  (fixture)

ADD = "/admin/opendata/webhooksubscription/add/"
LIST = "/admin/opendata/webhooksubscription/"


@pytest.fixture
def clients(api_key, dept_b):
    own, _ = api_key(("credit:read",))
    other, _ = api_key(("credit:read", "enforcement:read"), department=dept_b)
    other.name = "卫健委监督系统"
    other.save(update_fields=["name"])
    return own, other


def test_official_creates_a_subscription_and_sees_the_secret_once(client, alice, clients, private_hosts):
    own, other = clients
    client.force_login(alice)
    # Given the add form, which offers only the official's department's clients
    page = client.get(ADD)
    assert page.status_code == 200
    assert own.name in page.content.decode() and other.name not in page.content.decode()
    # When the official adds a subscription
    response = client.post(
        ADD,
        {
            "client": own.pk,
            "url": "http://127.0.0.1:9/hook",
            "event_types": ["record.created"],
            "usccs": "91110000710926094p\n",
        },
        follow=True,
    )
    # Then it is created through the service, audited with the official as actor
    sub = WebhookSubscription.objects.get()
    assert sub.client == own and sub.usccs == ["91110000710926094P"]
    event = AuditEvent.objects.get(action="webhook_subscription.create")
    assert event.actor_label == "alice"
    # And the secret is shown this once
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(sub.secret in m and "仅显示这一次" in m for m in shown)
    assert sub.secret not in client.get(f"{LIST}{sub.pk}/change/").content.decode()


def test_admin_form_refuses_types_outside_scopes_and_private_hosts(client, alice, clients, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    own, _ = clients
    client.force_login(alice)
    response = client.post(
        ADD, {"client": own.pk, "url": "http://169.254.169.254/", "event_types": ["penalty.published"], "usccs": "X"}
    )
    text = response.content.decode()
    assert response.status_code == 200 and not WebhookSubscription.objects.exists()
    assert "内网、本机或保留地址" in text and "enforcement:read" in text and "统一社会信用代码应为18位" in text


def test_other_departments_subscriptions_deliveries_and_attempts_stay_hidden(
    client, alice, bob, clients, private_hosts
):
    _own, other = clients
    sub, _ = subscribe(other, "http://127.0.0.1:9/b")
    delivery = WebhookDelivery.objects.create(
        subscription=sub, event_id=1, event_type="record.created", payload={}, next_attempt_at=timezone.now()
    )
    attempt = WebhookAttempt.objects.create(delivery=delivery, status_code=500, error="HTTP 500")
    # Then alice (department A) sees none of department B's rows
    client.force_login(alice)
    assert str(sub.url) not in client.get(LIST).content.decode()
    assert client.get(f"{LIST}{sub.pk}/change/").status_code == 302  # "not found" redirect to the list
    assert client.get(f"/admin/opendata/webhookdelivery/{delivery.pk}/change/").status_code == 302
    assert client.get(f"/admin/opendata/webhookattempt/{attempt.pk}/change/").status_code == 302
    # And bob (department B) sees them, read-only, with the attempt on the delivery's page
    client.force_login(bob)
    assert str(sub.url) in client.get(LIST).content.decode()
    page = client.get(f"/admin/opendata/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200 and "HTTP 500" in page.content.decode()
    assert client.get("/admin/opendata/webhookdelivery/add/").status_code == 403
    assert client.post(f"/admin/opendata/webhookattempt/{attempt.pk}/delete/").status_code == 403
    # And anonymous visitors are sent to the login page
    client.logout()
    assert client.get(LIST).status_code == 302


def test_disable_and_enable_actions_go_through_the_services(client, alice, clients, private_hosts):
    own, _ = clients
    sub, _ = subscribe(own, "http://127.0.0.1:9/a")
    client.force_login(alice)
    client.post(LIST, {"action": "disable", "_selected_action": [sub.pk], "apply": "1", "reason": "接收系统迁移"})
    sub.refresh_from_db()
    assert sub.disabled_at is not None and sub.disabled_reason == "接收系统迁移"
    client.post(LIST, {"action": "enable", "_selected_action": [sub.pk]})
    sub.refresh_from_db()
    assert sub.disabled_at is None
    actions = list(
        AuditEvent.objects.filter(target_type=sub._meta.label_lower, target_id=str(sub.pk))
        .order_by("id")
        .values_list("action", "actor_label")
    )
    assert actions[1:] == [("webhook_subscription.disable", "alice"), ("webhook_subscription.enable", "alice")]


def test_subscription_disabled_for_failures_is_shown_to_its_department(client, alice, clients, private_hosts):
    own, _ = clients
    sub, _ = subscribe(own, "http://127.0.0.1:9/a")
    WebhookSubscription.objects.filter(pk=sub.pk).update(failing_since=timezone.now() - dt.timedelta(hours=24))
    webhooks.webhook_subscription_disable(
        actor=webhooks.TASK_ACTOR, subscription=sub, reason=webhooks.DISABLED_BY_FAILURES
    )
    client.force_login(alice)
    response = client.get(LIST)
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("连续 24 小时推送失败" in m and sub.url in m for m in shown)
    assert "已停用" in response.content.decode()

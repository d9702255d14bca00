"""Webhooks for department systems (issue 15 §4): subscriptions, the fan-out of the change feed, and ``run``.

- **Subscriptions** are written only by the services below (the API and the admin call them), each with its
  audit event. A client subscribes only to event types its scopes allow (``core.changes.SCOPE_OF_TYPE``),
  and its URL may not point inside our network (``opendata.webhook_delivery.resolve``).
- **Fan-out.** The ``FeedConsumer`` named ``webhooks`` walks the change feed. Each step is one transaction:
  one ``INSERT … SELECT`` makes a ``WebhookDelivery`` for every (event, subscription) that matches by type,
  USCC, audience and the client's current scopes, and the consumer's cursor moves past the step in the same
  transaction. A crash re-does the step; the unique (subscription, event_id, event_occurred_at) makes the redo
  a no-op (an event has one occurred_at, the deliveries' partition key: issue 16 §5).
  It uses the feed's own commit-safe horizon (events of transactions older than the snapshot's ``xmin``,
  see core/changes.py) but not ``read_after``: the fan-out must see events addressed to any client
  (``audience``), which ``read_after`` filters for one reader, and it never loads the events into Python.
  Its audience rule is the feed's: an event with an audience goes to that client's subscriptions only, and
  an event of an addressed type (``ADDRESSED_TYPES``, a hotline's work order) only ever to its audience.
- **Delivery** is ``opendata.webhook_delivery``: signed POSTs, retries for 24 hours, every attempt logged.
- A subscription failing for 24 hours is disabled, its pending deliveries are given up, and the officials
  of the client's department are e-mailed (through ``EMAIL_BACKEND``); the admin lists it as 已停用 with
  the reason, and the API shows ``disabled_at`` and ``disabled_reason`` to its client.
"""

import logging
import secrets
import time
import urllib.parse

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone, translation

from core import audit, uscc
from core.changes import ADDRESSED_TYPES, SCOPE_OF_TYPE, ChangeEvent, ChangeType, FeedConsumer
from opendata import webhook_delivery
from opendata.models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger("opendata.webhooks")

CONSUMER = "webhooks"
TASK_ACTOR = "task:opendata.deliver_webhooks"
MAX_SUBSCRIPTIONS_PER_CLIENT = 20
MAX_USCCS = 1000
FANOUT_STEP = 2000  # events per fan-out transaction
FANOUT_STEPS = 20  # steps per run (bounded; the next run goes on)
DELIVERY_ROUND = 200  # deliveries claimed at once
DELIVERY_ROUNDS = 25  # rounds per run
RUN_SECONDS = 50  # a run stops starting rounds after this (the beat comes every minute)
DISABLED_BY_FAILURES = "连续 24 小时推送失败，已自动停用"


def secret_new() -> str:
    return secrets.token_hex(32)


# --- validation -----------------------------------------------------------------------------------


def clean_url(value) -> str:
    """An http(s) URL whose host is a public address (unless WEBHOOK_ALLOW_PRIVATE_HOSTS)."""
    text = str(value or "").strip()
    if not text:
        raise ValidationError({"url": "url（接收地址）为必填项"})
    if len(text) > 500 or any(c in text for c in "\x00\r\n\t "):
        raise ValidationError({"url": "接收地址无效：不超过 500 个字符，且不能含空白或控制字符"})
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValidationError({"url": f"接收地址无效：{exc}"}) from exc
    if parts.scheme not in ("https", "http"):
        raise ValidationError({"url": "接收地址须以 https:// 或 http:// 开头"})
    if not parts.hostname:
        raise ValidationError({"url": "接收地址缺少主机名"})
    if parts.username or parts.password:
        raise ValidationError({"url": "接收地址不能包含用户名或密码；请用签名（X-Signature）验证来源"})
    try:
        webhook_delivery.resolve(parts.hostname, port or (443 if parts.scheme == "https" else 80))
    except webhook_delivery.HostRefused as exc:
        raise ValidationError({"url": str(exc)}) from exc
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


class EventTypeNotAllowed(Exception):
    """The client's scopes do not cover an event type it asked for (403 in the API)."""


def clean_event_types(values, scopes) -> list[str]:
    if isinstance(values, str) or not isinstance(values, list | tuple) or not values:
        raise ValidationError({"event_types": 'event_types（事件类型）须为非空列表，如 ["record.created"]'})
    known = set(ChangeType.values)
    unknown = [str(v) for v in values if v not in known]
    if unknown:
        raise ValidationError(
            {"event_types": f"未知的事件类型：{'、'.join(unknown)}；可选：{', '.join(ChangeType.values)}"}
        )
    types = sorted(set(values))
    refused = [t for t in types if SCOPE_OF_TYPE[ChangeType(t)] not in scopes]
    if refused:
        with translation.override("zh-hans"):
            names = "、".join(
                f"{t}（{ChangeType(t).label}，需要“{SCOPE_OF_TYPE[ChangeType(t)]}”权限）" for t in refused
            )
        raise EventTypeNotAllowed(f"该接口客户端无权订阅：{names}")
    return types


def clean_usccs(values) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise ValidationError({"usccs": "usccs（关注的统一社会信用代码）须为列表"})
    if len(values) > MAX_USCCS:
        raise ValidationError({"usccs": f"一个订阅至多关注 {MAX_USCCS} 个统一社会信用代码，本次为 {len(values)} 个"})
    codes, problems = [], []
    for i, value in enumerate(values):
        code = uscc.normalize(value) if isinstance(value, str) else ""
        if "\x00" in code:
            problems.append(f"第 {i + 1} 个：不能包含空字符")
            continue
        reason = uscc.problems(code) if code else "统一社会信用代码不能为空"
        if reason and not (len(code) == 18 and uscc.is_verified_exception(code)):
            problems.append(f"第 {i + 1} 个：{reason}")
        else:
            codes.append(code)
    if problems:
        raise ValidationError({"usccs": problems})
    return sorted(set(codes))


# --- services -------------------------------------------------------------------------------------


def _after(sub: WebhookSubscription) -> dict:
    return audit.snapshot(
        sub, ["client", "url", "event_types", "usccs", "disabled_at", "disabled_reason", "deleted_at"]
    )


@transaction.atomic
def webhook_subscription_create(*, actor, client, url, event_types, usccs=None) -> tuple[WebhookSubscription, str]:
    """Register a URL for ``client``; returns the subscription and its signing secret (shown this once)."""
    if client.revoked_at is not None:
        raise ValidationError("该接口客户端的密钥已吊销，不能新建推送订阅")
    errors = {}
    cleaned = {}
    for name, clean in (("url", clean_url), ("usccs", clean_usccs)):
        try:
            cleaned[name] = clean(url if name == "url" else usccs)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        cleaned["event_types"] = clean_event_types(event_types, client.scopes)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    # One client's subscriptions are counted under a lock on the client row: two requests cannot both pass.
    type(client).objects.select_for_update().filter(pk=client.pk).first()
    active = WebhookSubscription.objects.filter(client=client, deleted_at__isnull=True).count()
    if active >= MAX_SUBSCRIPTIONS_PER_CLIENT:
        raise ValidationError(f"每个接口客户端至多 {MAX_SUBSCRIPTIONS_PER_CLIENT} 个推送订阅；请先删除不用的订阅")
    secret = secret_new()
    sub = WebhookSubscription.objects.create(client=client, secret=secret, **cleaned)
    audit.record(actor=actor, action="webhook_subscription.create", target=sub, after=_after(sub))
    return sub, secret


def _give_up_pending(sub: WebhookSubscription) -> int:
    return WebhookDelivery.objects.filter(subscription=sub, state=WebhookDelivery.State.PENDING).update(
        state=WebhookDelivery.State.GAVE_UP
    )


@transaction.atomic
def webhook_subscription_delete(*, actor, subscription: WebhookSubscription) -> WebhookSubscription:
    """Delete as its client sees it: disabled and hidden from the API, kept with its log (全程留痕)."""
    sub = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if sub.deleted_at is not None:
        return sub
    before = _after(sub)
    now = timezone.now()
    sub.deleted_at = now
    if sub.disabled_at is None:
        sub.disabled_at, sub.disabled_reason = now, "已删除"
    sub.save(update_fields=["deleted_at", "disabled_at", "disabled_reason"])
    given_up = _give_up_pending(sub)
    audit.record(
        actor=actor,
        action="webhook_subscription.delete",
        target=sub,
        before=before,
        after={**_after(sub), "gave_up": given_up},
    )
    return sub


@transaction.atomic
def webhook_subscription_disable(*, actor, subscription: WebhookSubscription, reason: str) -> WebhookSubscription:
    """Stop deliveries: pending ones are given up. Disabled for failures, the department's officials are warned."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写停用原因"})
    sub = WebhookSubscription.objects.select_for_update().select_related("client__department").get(pk=subscription.pk)
    if sub.disabled_at is not None:
        return sub
    before = _after(sub)
    sub.disabled_at, sub.disabled_reason = timezone.now(), reason[:200]
    sub.save(update_fields=["disabled_at", "disabled_reason"])
    given_up = _give_up_pending(sub)
    audit.record(
        actor=actor,
        action="webhook_subscription.disable",
        target=sub,
        before=before,
        after={**_after(sub), "gave_up": given_up},
    )
    if actor == TASK_ACTOR:
        transaction.on_commit(lambda: warn_department(sub, given_up))
    return sub


@transaction.atomic
def webhook_subscription_enable(*, actor, subscription: WebhookSubscription) -> WebhookSubscription:
    """Resume a disabled (not deleted) subscription: new events are delivered again; the gap is in the change feed."""
    sub = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if sub.deleted_at is not None:
        raise ValidationError("已删除的订阅不能重新启用；请新建订阅")
    if sub.disabled_at is None:
        return sub
    before = _after(sub)
    sub.disabled_at, sub.disabled_reason, sub.failing_since = None, "", None
    sub.save(update_fields=["disabled_at", "disabled_reason", "failing_since"])
    audit.record(actor=actor, action="webhook_subscription.enable", target=sub, before=before, after=_after(sub))
    return sub


@transaction.atomic
def webhook_subscription_rotate_secret(*, actor, subscription: WebhookSubscription) -> tuple[WebhookSubscription, str]:
    """A new signing secret, in force for the next attempt; returned this once."""
    sub = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if sub.deleted_at is not None:
        raise ValidationError("已删除的订阅不能更换密钥")
    secret = secret_new()
    sub.secret = secret
    sub.save(update_fields=["secret"])
    # The secret itself never goes into the audit trail.
    audit.record(actor=actor, action="webhook_subscription.rotate_secret", target=sub, after={"rotated": True})
    return sub, secret


def warn_department(sub: WebhookSubscription, given_up: int) -> None:
    """E-mail the officials of the client's department that their system's webhook was disabled (after commit)."""
    User = get_user_model()
    department = sub.client.department
    addresses = sorted(
        set(
            User.objects.filter(department=department, is_active=True, is_staff=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not addresses:
        logger.warning("webhook %s disabled; department %s has no official with an e-mail", sub.pk, department)
        return
    since = timezone.localtime(sub.failing_since) if sub.failing_since else None
    text = (
        f"{department}：\n\n贵部门接口客户端“{sub.client}”的推送订阅（编号 {sub.pk}，接收地址 {sub.url}）"
        f"{'自 ' + since.strftime('%Y-%m-%d %H:%M') + ' 起' if since else ''}连续 24 小时推送失败，"
        f"平台已于 {timezone.localtime(sub.disabled_at):%Y-%m-%d %H:%M} 自动停用该订阅，放弃了 {given_up} 条待推送的事件。\n\n"
        "请检查接收系统，修复后在管理后台“推送订阅”中重新启用（或调用 POST /api/v1/webhooks/{id}/enable/），"
        "停用期间的事件可通过变更事件接口 GET /api/v1/changes/ 补齐。\n"
    )
    try:
        send_mail(
            subject=f"【综合监管平台】推送订阅已停用：{sub.client}",
            message=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=addresses,
        )
    except Exception:  # the mail server being down must not undo the disable; the admin still shows it
        logger.exception("webhook %s disabled; warning e-mail failed", sub.pk)


def disable_exhausted(subscription_ids, now) -> None:
    for sub in WebhookSubscription.objects.filter(pk__in=subscription_ids):
        webhook_subscription_disable(actor=TASK_ACTOR, subscription=sub, reason=DISABLED_BY_FAILURES)


# --- fan-out --------------------------------------------------------------------------------------

FANOUT_SQL = """
WITH batch AS (
    SELECT e.id, e.txid, e.type, e.uscc, e.ref, e.object_id, e.audience_id, e.occurred_at, e.data
    FROM {events} e
    WHERE (e.txid, e.id) > (%(txid)s, %(id)s)
      AND e.txid < (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint)
    ORDER BY e.txid, e.id
    LIMIT %(limit)s
), kinds AS (
    SELECT * FROM unnest(%(types)s::text[], %(labels)s::text[], %(scopes)s::text[]) k(type, label, scope)
), ins AS (
    INSERT INTO {deliveries} (subscription_id, event_id, event_occurred_at, event_type, payload, state, attempts,
                              next_attempt_at, created_at)
    SELECT s.id, b.id, b.occurred_at, b.type,
           jsonb_build_object(
               'id', b.id, 'type', b.type, 'type_label', k.label,
               'occurred_at', to_char(b.occurred_at AT TIME ZONE %(tz)s, 'YYYY-MM-DD"T"HH24:MI:SS.US') || %(offset)s,
               'uscc', b.uscc, 'ref', b.ref, 'object_id', b.object_id, 'data', b.data),
           'pending', 0, %(now)s, %(now)s
    FROM batch b
    JOIN kinds k ON k.type = b.type
    JOIN {subscriptions} s
      ON s.disabled_at IS NULL AND b.type = ANY(s.event_types)
     AND (cardinality(s.usccs) = 0 OR b.uscc = ANY(s.usccs))
     AND (b.audience_id IS NULL OR b.audience_id = s.client_id)
     AND (b.type <> ALL(%(addressed)s) OR b.audience_id = s.client_id)
    JOIN core_apiclient c ON c.id = s.client_id AND c.revoked_at IS NULL AND k.scope = ANY(c.scopes)
    ON CONFLICT (subscription_id, event_id, event_occurred_at) DO NOTHING
    RETURNING 1
), last AS (
    SELECT txid, id FROM batch ORDER BY txid DESC, id DESC LIMIT 1
)
SELECT (SELECT count(*) FROM batch), (SELECT count(*) FROM ins), (SELECT txid FROM last), (SELECT id FROM last)
"""


def _kinds() -> dict:
    with translation.override("zh-hans"):
        kinds = [(str(t), str(t.label), str(SCOPE_OF_TYPE[t])) for t in ChangeType]
    return {"types": [k[0] for k in kinds], "labels": [k[1] for k in kinds], "scopes": [k[2] for k in kinds]}


def fan_out_step(*, now, limit: int = FANOUT_STEP) -> tuple[int, int] | None:
    """One step: ``(events read, deliveries made)``, or None when another worker holds the consumer."""
    local = timezone.localtime(now)
    offset = local.strftime("%z")
    params = {
        **_kinds(),
        "addressed": [str(t) for t in ADDRESSED_TYPES],
        "limit": limit,
        "now": now,
        "tz": str(local.tzinfo),
        "offset": f"{offset[:3]}:{offset[3:]}",
    }
    sql = FANOUT_SQL.format(
        events=ChangeEvent._meta.db_table,
        deliveries=WebhookDelivery._meta.db_table,
        subscriptions=WebhookSubscription._meta.db_table,
    )
    with transaction.atomic():
        FeedConsumer.objects.get_or_create(name=CONSUMER)
        consumer = FeedConsumer.objects.select_for_update(skip_locked=True).filter(name=CONSUMER).first()
        if consumer is None:
            return None
        with connection.cursor() as cursor:
            cursor.execute(sql, {**params, "txid": consumer.cursor_txid, "id": consumer.cursor_id})
            read, made, txid, event_id = cursor.fetchone()
        if read:
            consumer.cursor_txid, consumer.cursor_id = txid, event_id
            consumer.save(update_fields=["cursor_txid", "cursor_id", "updated_at"])
    return read, made


def fan_out(*, now=None, steps: int = FANOUT_STEPS, limit: int = FANOUT_STEP) -> dict:
    now = now or timezone.now()
    counts = {"events": 0, "deliveries": 0}
    for _ in range(steps):
        step = fan_out_step(now=now, limit=limit)
        if step is None:
            break
        counts["events"] += step[0]
        counts["deliveries"] += step[1]
        if step[0] < limit:
            break
    return counts


# --- the task's body ------------------------------------------------------------------------------


def run(*, rounds: int = DELIVERY_ROUNDS, round_size: int = DELIVERY_ROUND, seconds: float = RUN_SECONDS) -> dict:
    """Fan the new events out, then deliver what is due; bounded per call, safe to run twice at once."""
    started = time.monotonic()
    counts = {**fan_out(), "claimed": 0, "delivered": 0, "failed": 0, "gave_up": 0}
    threads = int(getattr(settings, "WEBHOOK_THREADS", 16))
    for _ in range(rounds):
        done = webhook_delivery.deliver_round(
            now=timezone.now(), limit=round_size, threads=threads, on_exhausted=disable_exhausted
        )
        for key, value in done.items():
            counts[key] += value
        # A short round ends the run, unless a failing receiver's probe just succeeded: then its queue goes on.
        if not done["claimed"] or (done["claimed"] < round_size and not done["delivered"]):
            break
        if time.monotonic() - started > seconds:
            break
    return counts

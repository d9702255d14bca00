"""The entity inbox (站内消息) and its e-mail copies (issue 14 §2), made from the audit trail.

No domain app knows about the inbox: every change already leaves an audit event (``core.audit.record``,
in the change's own transaction), whichever path made it: the admin, an API push, a file import, the
nightly scan or the entity side. ``collect_messages`` reads the trail past its cursor and turns each
event that concerns an entity (``RULES``) into one message per entity, then ``send_pending`` mails a
copy to each active liaison with an address.

Why a cursor over ids is safe: ``audit.record`` holds a transaction-level advisory lock from before
it takes its id until its transaction ends, so events commit in id order; once event N is visible,
no event below N can appear later. Grades are written set-based by ``credit.evaluation.evaluate``
(no audit event per entity), so grade changes come from ``GradeHistory`` rows past a second cursor
(``InboxCursor.last_grade_id``); ``evaluate`` holds its own advisory lock the same way.

When it runs (latency):
- right after a change commits: a post_save receiver on ``AuditEvent`` (``EnterpriseConfig.ready``)
  queues ``enterprise.inbox_collect`` on commit, once per transaction and only for matching actions;
- every minute (beat, ``core.roles.ensure_schedules``): picks up what the queue missed, grade changes
  (they follow the re-grade task) and failed e-mails to retry;
- on every request of the inbox page (collect-then-list), so the page is current even with no worker;
  a run with nothing new is two indexed queries.

Who gets messages: entities with an entity account (active or revoked, so a handed-over entity keeps
its history). A message never names an official or a complainant: only departments, dates, states,
tracking numbers and the decision's own reasons.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core import audit
from core.models import AuditEvent
from credit.choices import Grade
from credit.models import CreditRecord, GradeHistory, ListEntry
from enterprise.models import DeliveryState, EmailDelivery, EntityAccount, InboxCursor, Message, MessageKind
from enterprise.tasks import inbox_collect as inbox_collect_task
from supervision.models import Department

logger = logging.getLogger(__name__)

EVENT_BATCH = 500
GRADE_BATCH = 2000
SEND_BATCH = 200
MAX_ATTEMPTS = 5  # a failed e-mail is retried by each run (every minute) until this many attempts
CURSOR_PK = 1


@dataclass(frozen=True)
class Note:
    """One message to make: the entity, what it says and where it points."""

    uscc: str
    subject: str
    body: str
    link: str = ""


# --- links into /enterprise/ ----------------------------------------------------------------------
# The pages belong to other modules of the entity side (views_file, views_corrections); a link that
# cannot be made (a page renamed) falls back to the inbox, never to an error.
FILING_SLUGS = {
    "credit.objection": "objection",
    "credit.repairapplication": "repair",
    "credit.listexitapplication": "list-exit",
    "enforcement.earlystopapplication": "early-stop",
    "credit.creditcommitment": "commitment",
}


def link_for(name: str, *args, anchor: str = "") -> str:
    try:
        return reverse(name, args=args) + (f"#{anchor}" if anchor else "")
    except NoReverseMatch:
        try:
            return reverse("enterprise:inbox")
        except NoReverseMatch:
            return ""


# --- reading an event -----------------------------------------------------------------------------


def target_of(event):
    """The event's target row, or None (a batch target such as ``dept:batch``, or a deleted row)."""
    if not event.target_id.isdigit():
        return None
    try:
        model = apps.get_model(event.target_type)
    except (LookupError, ValueError):
        return None
    return model._default_manager.filter(pk=int(event.target_id)).first()


def entity_of(obj) -> str | None:
    """The USCC an object is about: its own ``entity`` or that of the row it hangs on."""
    if obj is None:
        return None
    if getattr(obj, "entity_id", None):
        return obj.entity_id
    for name in ("order", "record", "list_entry", "disclosure", "result"):
        parent = getattr(obj, name, None)
        if parent is not None and getattr(parent, "entity_id", None):
            return parent.entity_id
    return None


def state_label(obj, event) -> str:
    """The state the event left, in Chinese (from its ``after``, else the row's current state)."""
    state = (event.after or {}).get("state") if isinstance(event.after, dict) else None
    state = state or getattr(obj, "state", "")
    try:
        choices = dict(type(obj)._meta.get_field("state").choices or ())
    except FieldDoesNotExist:  # a model without a state field: show the code
        choices = {}
    return str(choices.get(state, state or ""))


def dept_name(pk) -> str:
    return Department.objects.filter(pk=pk).values_list("name", flat=True).first() or ""


# --- the rules: one function per kind of change, each returns Notes --------------------------------


def pushed_records(event) -> list[Note]:
    """A batch of records pushed, imported or entered in the admin (one event per batch)."""
    code = event.target_id.rsplit(":", 1)[0]
    after = event.after or {}
    created, updated = set(after.get("created") or ()), set(after.get("updated") or ())
    rows = (
        CreditRecord.objects.filter(department__code=code, source_ref__in=created | updated)
        .filter(Exists(EntityAccount.objects.filter(entity_id=OuterRef("entity_id"))))
        .select_related("department")
        .order_by("entity_id", "decided_on", "id")
    )
    by_entity = defaultdict(list)
    for record in rows:
        by_entity[record.entity_id].append(record)
    notes = []
    for uscc, records in by_entity.items():
        department = records[0].department.name
        new = [r for r in records if r.source_ref in created]
        lines = [
            f"· {r.title}（{r.get_category_display()}，{r.get_polarity_display()}，决定日期 {r.decided_on}）"
            for r in records[:20]
        ]
        if len(records) > 20:
            lines.append(f"……共 {len(records)} 条")
        verb = "报送" if new else "更新"
        notes.append(
            Note(
                uscc,
                f"{department}{verb}了关于贵单位的信用记录 {len(records)} 条",
                f"{department}{verb}了关于贵单位的信用记录 {len(records)} 条：\n"
                + "\n".join(lines)
                + "\n\n贵单位可在企业端查看每条记录的公示期限和状态；对记录有异议的，可在企业端提出异议。",
                link_for("enterprise:file", anchor="records-title"),
            )
        )
    return notes


def record_state_changed(event) -> list[Note]:
    """One record revoked, repaired or otherwise changed state (``credit_record.<verb>``)."""
    record = target_of(event)
    if not isinstance(record, CreditRecord):
        return []
    label = state_label(record, event)
    reason = (event.after or {}).get("state_reason") or record.state_reason
    body = f"{record.department.name}的信用记录“{record.title}”（决定日期 {record.decided_on}）状态变更为：{label}。"
    if reason:
        body += f"\n理由：{reason}"
    return [
        Note(record.entity_id, f"信用记录状态变更：{label}", body, link_for("enterprise:file", anchor="records-title"))
    ]


def how_to_leave(entry: ListEntry) -> str:
    return "符合移出条件的，可在企业端申请移出；列入决定有误的，可提出异议。"


def list_added(event) -> list[Note]:
    entry = target_of(event)
    if not isinstance(entry, ListEntry):
        return []
    name = entry.get_list_type_display()
    body = (
        f"{entry.department.name}于 {entry.listed_on} 将贵单位列入{name}。\n"
        f"列入事由：{entry.get_ground_display()}\n依据：{entry.legal_basis}\n"
    )
    if entry.decision_no:
        body += f"决定书文号：{entry.decision_no}\n"
    body += how_to_leave(entry)
    return [Note(entry.entity_id, f"列入{name}", body, link_for("enterprise:file", anchor="lists-title"))]


def removed_note(entry: ListEntry) -> Note:
    name = entry.get_list_type_display()
    body = f"贵单位已于 {entry.removed_on} 移出{name}。\n移出原因：{entry.get_removal_reason_display()}"
    if entry.removal_note:
        body += f"\n说明：{entry.removal_note}"
    return Note(entry.entity_id, f"移出{name}", body, link_for("enterprise:file", anchor="lists-title"))


def list_removed(event) -> list[Note]:
    entry = target_of(event)
    return [removed_note(entry)] if isinstance(entry, ListEntry) and entry.removed_on else []


def serious_period_ended(event) -> list[Note]:
    """The nightly scan ends serious-list entries after their period (one event per run)."""
    ids = (event.after or {}).get("entries") or []
    entries = ListEntry.objects.filter(pk__in=ids, removed_on__isnull=False).select_related("department")
    return [removed_note(entry) for entry in entries]


def correction_model():
    return apps.get_model("inspections", "CorrectionOrder")


def correction_issued(event) -> list[Note]:
    """A result of 未按规定公示 comes with a 责令改正 order (made in the same transaction)."""
    if not event.target_id.isdigit():
        return []
    order = correction_model().objects.filter(result_id=int(event.target_id)).select_related("department").first()
    if order is None:
        return []
    body = (
        f"{order.department.name}在抽查检查中发现贵单位未按规定公示应当公示的信息，"
        f"责令贵单位于 {order.due_on} 前改正。\n"
        "请在企业端提交整改情况说明和证明材料；逾期未改正的，将依法列入经营异常名录。"
    )
    link = link_for("enterprise:correction", order.pk)
    return [Note(order.entity_id, f"责令改正通知（期限 {order.due_on}）", body, link)]


def corrections_overdue(event) -> list[Note]:
    ids = (event.after or {}).get("overdue") or []
    orders = correction_model().objects.filter(pk__in=ids).select_related("department")
    return [
        Note(
            order.entity_id,
            "责令改正已逾期",
            f"{order.department.name}责令贵单位于 {order.due_on} 前改正，期限已过仍未改正，"
            "将依法提出列入经营异常名录的建议。",
            link_for("enterprise:correction", order.pk),
        )
        for order in orders
    ]


def correction_changed(event) -> list[Note]:
    """``correction.<verb>``: the order or the entity's answer to it changed state."""
    obj = target_of(event)
    uscc = entity_of(obj)
    if uscc is None:
        return []
    order = getattr(obj, "order", obj)
    label = state_label(obj, event)
    what = obj._meta.verbose_name
    body = f"{order.department.name}的责令改正（期限 {order.due_on}）：{what}状态变更为 {label}。"
    reason = getattr(obj, "return_reasons", "")
    if reason:
        body += f"\n退回理由：{reason}"
    return [Note(uscc, f"{what}：{label}", body, link_for("enterprise:correction", order.pk))]


def filing_changed(event) -> list[Note]:
    """A filing of the entity (objection, repair, list exit, early stop, commitment) changed state."""
    obj = target_of(event)
    uscc = entity_of(obj)
    if uscc is None:
        return []
    label = state_label(obj, event)
    what = obj._meta.verbose_name
    number = getattr(obj, "tracking_no", "")
    body = f"贵单位的{what}（编号 {number}）状态：{label}。"
    verb = event.action.split(".", 1)[1].split(".")[0]  # objection.decide.<outcome> → decide
    if getattr(obj, "outcome", ""):  # an objection's 处理结果 (维持、更正、撤销)
        body += f"\n处理结果：{obj.get_outcome_display()}"
    field = REASON_FIELDS.get(verb, "decision_reason")  # list exits and early stops refuse in decision_reason
    reason = "" if verb in FILED_VERBS else getattr(obj, field, None) or getattr(obj, "decision_reason", "")
    if reason:
        body += f"\n理由：{reason}"
    slug = FILING_SLUGS.get(obj._meta.label_lower)
    link = link_for("enterprise:filing-detail", slug, obj.pk) if slug else link_for("enterprise:filings")
    return [Note(uscc, f"{what} {number}：{label}", body, link)]


FILED_VERBS = {"file", "apply", "make"}
REASON_FIELDS = {"accept": "accept_reason", "refuse": "accept_reason", "decide": "outcome_reason"}  # objections

# (action, or prefix ending in "."; kind; rule). Exact actions first, then prefixes, so a new verb of a
# filing or a correction order (e.g. an answer to an order) is picked up without a change here.
RULES: tuple[tuple[str, str, Callable], ...] = (
    ("credit_record.push", MessageKind.RECORD, pushed_records),
    ("list_entry.add", MessageKind.LIST, list_added),
    ("list_entry.remove", MessageKind.LIST, list_removed),
    ("list_entry.serious_period_end", MessageKind.LIST, serious_period_ended),
    ("inspection_result.submit", MessageKind.CORRECTION, correction_issued),
    ("correction.overdue", MessageKind.CORRECTION, corrections_overdue),
    ("credit_record.", MessageKind.RECORD, record_state_changed),
    ("correction.", MessageKind.CORRECTION, correction_changed),
    ("objection.", MessageKind.FILING, filing_changed),
    ("repair.", MessageKind.FILING, filing_changed),
    ("list_exit.", MessageKind.FILING, filing_changed),
    ("early_stop.", MessageKind.FILING, filing_changed),
    ("commitment.", MessageKind.FILING, filing_changed),
)
EXACT = {action: (kind, rule) for action, kind, rule in RULES if not action.endswith(".")}
PREFIXES = [(action, kind, rule) for action, kind, rule in RULES if action.endswith(".")]


# A publicity window closing (the nightly batch) is no news to the entity: no message.
IGNORED = {"credit_record.expire"}


def rule_for(action: str):
    """(kind, rule) for an audit action, or None when it concerns no entity's inbox."""
    if action in IGNORED:
        return None
    if action in EXACT:
        return EXACT[action]
    for prefix, kind, rule in PREFIXES:
        if action.startswith(prefix):
            return kind, rule
    return None


# --- collecting -----------------------------------------------------------------------------------


def cursor_for_update() -> InboxCursor:
    InboxCursor.objects.get_or_create(pk=CURSOR_PK)
    return InboxCursor.objects.select_for_update().get(pk=CURSOR_PK)


def with_account(usccs: Iterable[str]) -> set[str]:
    return set(EntityAccount.objects.filter(entity_id__in=set(usccs)).values_list("entity_id", flat=True))


def save_messages(items: list[Message]) -> list[Message]:
    """Insert messages and their e-mail deliveries (one per active liaison with an address)."""
    if not items:
        return []
    messages = Message.objects.bulk_create(items)
    accounts = defaultdict(list)
    for account in EntityAccount.objects.filter(
        entity_id__in={m.entity_id for m in messages}, revoked_at__isnull=True
    ).exclude(email=""):
        accounts[account.entity_id].append(account)
    EmailDelivery.objects.bulk_create(
        EmailDelivery(message=m, account=a, address=a.email) for m in messages for a in accounts[m.entity_id]
    )
    return messages


def collect_events_batch() -> tuple[int, int]:
    """One batch of audit events past the cursor: (events read, messages made). Own transaction."""
    with transaction.atomic():
        cursor = cursor_for_update()
        head = list(
            AuditEvent.objects.filter(id__gt=cursor.last_event_id)
            .order_by("id")
            .values_list("id", "action")[:EVENT_BATCH]
        )
        if not head:
            return 0, 0
        wanted = [pk for pk, action in head if rule_for(action)]
        notes = []
        for event in AuditEvent.objects.filter(pk__in=wanted).order_by("id"):
            kind, rule = rule_for(event.action)
            for note in rule(event):
                notes.append((event, kind, note))
        receivers = with_account(note.uscc for _e, _k, note in notes)
        done = set(
            Message.objects.filter(source_event_id__in=wanted).values_list("source_event_id", "entity_id")
        )  # a cursor reset (or a restored backup) never duplicates
        items, seen = [], set()
        for event, kind, note in notes:
            key = (event.pk, note.uscc)
            if note.uscc in receivers and key not in done and key not in seen:
                seen.add(key)
                items.append(
                    Message(
                        entity_id=note.uscc,
                        kind=kind,
                        subject=note.subject[:200],
                        body=note.body,
                        link=note.link,
                        created_at=event.occurred_at,
                        source_event_id=event.pk,
                    )
                )
        made = save_messages(items)
        cursor.last_event_id = head[-1][0]
        cursor.save(update_fields=["last_event_id", "updated_at"])
        return len(head), len(made)


def grade_label(code: str) -> str:
    return str(Grade(code).label) if code in Grade.values else code


def collect_grades_batch() -> tuple[int, int]:
    """One batch of grade-history rows past the second cursor: a message where the grade changed."""
    with transaction.atomic():
        cursor = cursor_for_update()
        previous = GradeHistory.objects.filter(entity_id=OuterRef("entity_id"), id__lt=OuterRef("id")).order_by("-id")
        rows = list(
            GradeHistory.objects.filter(id__gt=cursor.last_grade_id)
            .annotate(
                previous_grade=Subquery(previous.values("grade")[:1]),
                has_account=Exists(EntityAccount.objects.filter(entity_id=OuterRef("entity_id"))),
            )
            .order_by("id")[:GRADE_BATCH]
        )
        if not rows:
            return 0, 0
        done = set(Message.objects.filter(source_grade_id__in=[r.pk for r in rows]).values_list("source_grade_id"))
        items = []
        for row in rows:
            # The first grade of an entity is no change; a score change within a grade is not either.
            if not row.has_account or row.previous_grade in (None, row.grade) or (row.pk,) in done:
                continue
            reasons = [r.get("text", "") for r in (row.reasons or []) if isinstance(r, dict) and r.get("text")]
            body = (
                f"贵单位的信用等级由“{grade_label(row.previous_grade)}”变为“{grade_label(row.grade)}”"
                f"（{timezone.localtime(row.changed_at):%Y-%m-%d}，信用分 {row.score}）。"
            )
            if reasons:
                body += "\n评价理由：\n" + "\n".join(f"· {text}" for text in reasons)
            items.append(
                Message(
                    entity_id=row.entity_id,
                    kind=MessageKind.GRADE,
                    subject=f"信用等级变化：{grade_label(row.previous_grade)} → {grade_label(row.grade)}",
                    body=body,
                    link=link_for("enterprise:file"),
                    created_at=row.changed_at,
                    source_grade_id=row.pk,
                )
            )
        made = save_messages(items)
        cursor.last_grade_id = rows[-1].pk
        cursor.save(update_fields=["last_grade_id", "updated_at"])
        return len(rows), len(made)


def collect_messages(*, max_batches: int = 1000) -> int:
    """Read the trail and the grade history to their heads; the number of messages made."""
    made = 0
    for collect in (collect_events_batch, collect_grades_batch):
        for _ in range(max_batches):
            read, count = collect()
            made += count
            if read == 0:
                break
    return made


# --- sending --------------------------------------------------------------------------------------


def mail_text(message: Message) -> str:
    where = f"\n\n请登录企业端查看：{message.link}" if message.link else "\n\n请登录企业端查看。"
    return f"{message.body}{where}\n\n（本邮件由综合监管平台自动发送，请勿回复。站内消息与本邮件内容相同。）"


def delivery_send(delivery: EmailDelivery) -> bool:
    """Send one delivery now and record the outcome on it; True when sent. Never raises."""
    message = delivery.message
    try:
        send_mail(
            subject=f"【综合监管平台】{message.subject}",
            message=mail_text(message),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[delivery.address],
        )
    except Exception as exc:  # any backend error: kept on the row, shown in the admin)
        delivery.state, delivery.attempts = DeliveryState.FAILED, delivery.attempts + 1
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
        delivery.save(update_fields=["state", "attempts", "last_error"])
        logger.warning("邮件发送失败（投递 #%s）：%s", delivery.pk, delivery.last_error)
        return False
    delivery.state, delivery.attempts, delivery.sent_at = DeliveryState.SENT, delivery.attempts + 1, timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["state", "attempts", "sent_at", "last_error"])
    return True


def sendable() -> Q:
    return Q(state=DeliveryState.PENDING) | Q(state=DeliveryState.FAILED, attempts__lt=MAX_ATTEMPTS)


def send_pending(*, limit: int = SEND_BATCH) -> dict:
    """Send pending deliveries and retry failed ones (under ``MAX_ATTEMPTS``). Each delivery is claimed
    with a row lock (skip locked), so two runs at once never send the same one twice."""
    sent = failed = 0
    for pk in list(EmailDelivery.objects.filter(sendable()).order_by("id").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            delivery = (
                EmailDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("message")
                .filter(sendable(), pk=pk)
                .first()
            )
            if delivery is None:
                continue
            if delivery_send(delivery):
                sent += 1
            else:
                failed += 1
    return {"sent": sent, "failed": failed}


@transaction.atomic
def delivery_resend(*, actor, delivery: EmailDelivery) -> EmailDelivery:
    """重新发送 from the admin: send now, whatever the attempts so far; audited."""
    delivery = EmailDelivery.objects.select_for_update(of=("self",)).select_related("message").get(pk=delivery.pk)
    before = {"state": delivery.state, "attempts": delivery.attempts}
    delivery_send(delivery)
    audit.record(
        actor=actor,
        action="email_delivery.resend",
        target=delivery,
        before=before,
        after={"state": delivery.state, "attempts": delivery.attempts, "last_error": delivery.last_error},
    )
    return delivery


def inbox_collect() -> dict:
    """The whole run (the beat job and the on-commit task): new messages, then e-mail."""
    made = collect_messages()
    return {"messages": made, **send_pending()}


# --- right after a change commits -----------------------------------------------------------------

_BROKER_BACKOFF_SECONDS = 30.0
_broker_failed_at = 0.0


def queue_collect() -> None:
    """Queue the task now; never raises. After a broker failure, wait a while before trying again
    (the beat job and the inbox page collect anyway), so a broker outage costs a request one timeout."""
    global _broker_failed_at
    if time.monotonic() - _broker_failed_at < _BROKER_BACKOFF_SECONDS:
        return
    try:
        inbox_collect_task.apply_async(ignore_result=True)
    except Exception:  # any broker error: the minute job catches up)
        _broker_failed_at = time.monotonic()
        logger.warning("站内消息任务未能入队（消息队列不可用）；由每分钟的定时任务补做", exc_info=True)


def on_audit_event(sender, instance, created, **kwargs) -> None:
    """post_save of AuditEvent (connected in ``EnterpriseConfig.ready``): queue once per transaction."""
    if not created or rule_for(instance.action) is None:
        return
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(func is queue_collect for _sids, func, _robust in conn.run_on_commit):
        return
    transaction.on_commit(queue_collect)


# --- reads for the pages --------------------------------------------------------------------------


def unread_count(entity) -> int:
    return Message.objects.filter(entity=entity, read_at__isnull=True).count()

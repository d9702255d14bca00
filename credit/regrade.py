"""The evaluation queue: re-grading that is never lost (issue 11), and the one re-grading policy of
every change (issue 13 §2).

The policy
----------
Every change a grade depends on goes through this module, in its own transaction, by one of two
calls, and nothing else re-grades:

1. ``enqueue_evaluation(usccs)``: the default. A record pushed, saved or corrected, a list entry
   added, a serious-list entry ending after 3 years, a new roster entity (and
   ``regrade_mark_industries`` for an industry's risk level). It marks the entities (``RegradeMark``,
   an outbox row) in the change's transaction, so the mark commits or rolls back with the change and
   the re-grade cannot be lost; on commit the fast path is queued (``evaluate_entities``), one task
   per 1000 codes of the transaction.
2. ``regrade_now(usccs)``: for a change that takes a fact off the public pages (revocation and
   repair in ``credit.services.records._set_state``, removal from a list in
   ``credit.services.lists.list_entry_remove``). The fact must leave the public grade's reasons at the
   moment it leaves the record page, so the entity is re-graded inside the change's transaction. A
   grade written in that transaction cannot be lost either, so no mark is needed: the mark is the
   promise of a later re-grade, and here the re-grade has already happened.

The safety net for 1 is the drain below (every minute) and the nightly risk scan (which first
drains, then re-grades everyone).

The outbox
----------
Then two paths re-grade the marked entities:

- the fast path: on commit, ``evaluate_entities`` is queued (``publish``: bounded by the broker's
  short timeouts in portal/settings.py, and a failure is logged, never raised into the request);
- the safety net: the beat job ``credit.drain_regrade_marks`` (every minute) and the nightly risk
  scan call ``regrade_drain``, which re-grades whatever is still marked.

The marks are an insert-only outbox: marking never conflicts with, waits for or locks anything,
so it cannot deadlock with the audit chain's lock or a drain. ``regrade_drain`` deletes exactly
the marks it re-grades, in the transaction that re-grades them (``DELETE … WHERE id IN (SELECT …
FOR UPDATE SKIP LOCKED) RETURNING uscc``): a mark not yet committed is invisible to it and stays
for the next drain; a mark it deletes was committed before the DELETE, so the evaluation, a later
statement of the same transaction, sees the change that wrote it.
"""

import logging
import threading

from django.db import connection, transaction
from django.utils import timezone

from credit.evaluation import _EVAL_LOCK, evaluate
from credit.models import RegradeMark  # noqa: F401  (re-exported: the outbox row)
from credit.tasks import evaluate_entities as evaluate_entities_task

logger = logging.getLogger(__name__)

DRAIN_BATCH = 5000  # marks drained per transaction
DRAIN_MAX_BATCHES = 100  # a drain stops after this many batches; the next minute's run goes on


def regrade_mark(usccs) -> int:
    """Mark these entities for re-grading, in the caller's transaction; one INSERT, no lock taken."""
    codes = sorted({c for c in usccs if c})
    if not codes:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO credit_regrademark (uscc, marked_at) SELECT unnest(%s::text[]), %s", [codes, timezone.now()]
        )
    return len(codes)


def regrade_mark_industries(prefixes) -> int:
    """Mark every entity whose industry code starts with one of ``prefixes`` (an industry's risk
    level changed: its entities' risk class may change). Set-based, in the caller's transaction."""
    patterns = sorted({f"{p}%" for p in prefixes if p})
    if not patterns:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO credit_regrademark (uscc, marked_at) SELECT uscc, %s FROM supervision_marketentity WHERE industry_code LIKE ANY(%s)",
            [timezone.now(), patterns],
        )
        return cursor.rowcount


def _drain_batch(usccs: list[str] | None) -> tuple[int, int]:
    """One transaction: delete a batch of marks (or every mark of ``usccs``) and re-grade their
    entities (or exactly ``usccs``). Returns (marks deleted, entities re-graded)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_EVAL_LOCK])  # one drain or evaluation at a time
        if usccs is None:
            cursor.execute(
                "DELETE FROM credit_regrademark WHERE id IN "
                "(SELECT id FROM credit_regrademark ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING uscc",
                [DRAIN_BATCH],
            )
        else:
            cursor.execute(
                "DELETE FROM credit_regrademark WHERE id IN "
                "(SELECT id FROM credit_regrademark WHERE uscc = ANY(%s) FOR UPDATE SKIP LOCKED) RETURNING uscc",
                [usccs],
            )
        marks = cursor.fetchall()
        codes = usccs if usccs is not None else sorted({row[0] for row in marks})
        if codes:
            evaluate(codes)
        return len(marks), len(codes)


def regrade_drain(*, usccs: list[str] | None = None) -> int:
    """Re-grade the marked entities (or exactly ``usccs``, clearing their marks), deleting only the
    marks it re-grades; returns how many entities were re-graded."""
    if usccs is not None:
        codes = sorted(set(usccs))
        return sum(_drain_batch(codes[i : i + DRAIN_BATCH])[1] for i in range(0, len(codes), DRAIN_BATCH))
    total = 0
    for _batch in range(DRAIN_MAX_BATCHES):
        marks, entities = _drain_batch(None)
        total += entities
        if marks < DRAIN_BATCH:
            break
    return total


def publish(task, *args, **kwargs) -> bool:
    """Queue ``task`` now; never raise. The broker's timeouts (portal/settings.py) bound the wait;
    a failure is logged, and the marks written with the change keep the work for the drain."""
    try:
        if getattr(task, "ignore_result", False):
            task.delay(*args, **kwargs)
        else:  # the caller never waits for it: don't touch the result store either
            task.apply_async(args, kwargs, ignore_result=True)
        return True
    except Exception:  # any broker or connection error: the request must not fail for it
        logger.warning(
            "任务 %s 未能入队（消息队列不可用）；已由待重新评价标记兜底", getattr(task, "name", task), exc_info=True
        )
        return False


# --- the fast path: one task per 1000 codes of a transaction, queued on commit ------------------

_pending = threading.local()


def _send_evaluations(codes: list[str]) -> None:
    """The fast path; never raises (``publish``): the marks keep the work if it fails."""
    for i in range(0, len(codes), 1000):
        if not publish(evaluate_entities_task, codes[i : i + 1000]):
            return  # the broker is down: don't wait on it again for the other chunks


def _flush_pending() -> None:
    codes, _pending.codes = sorted(getattr(_pending, "codes", None) or ()), None
    _send_evaluations(codes)


def regrade_now(usccs) -> None:
    """Re-grade these entities now, in the caller's transaction (policy 2 above: a fact leaves the
    public pages, so it leaves the grade's reasons at the same moment). Set-based: milliseconds."""
    codes = sorted({c for c in usccs if c})
    if codes:
        evaluate(codes)


def enqueue_evaluation(usccs) -> None:
    """Re-grade these entities after the transaction commits (the worker does it within a minute).

    Codes collected in one transaction go out together, in tasks of up to 1000 codes, so a roster
    import of 100,000 rows sends 100 tasks, not 100,000. First, in the caller's transaction, the
    entities are marked (``regrade_mark``): if the task is never queued or never runs, the
    beat job and the nightly scan re-grade them (issue 11).
    """
    codes = {c for c in usccs if c}
    if not codes:
        return
    regrade_mark(codes)
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _send_evaluations(sorted(codes))
        return
    if not any(func is _flush_pending for _, func, _ in conn.run_on_commit):
        _pending.codes = set()  # a rolled-back transaction's codes are dropped with its callback
        transaction.on_commit(_flush_pending)
    _pending.codes |= codes

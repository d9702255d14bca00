"""Re-grading that is never lost (issue 11): a mark per changed entity, written in the transaction
of the change, drained by the worker.

Every change a grade depends on (a record pushed, a list entry added, a new roster entity, an
industry's risk level) calls ``regrade_mark`` inside its own transaction, so the mark commits or
rolls back with the change. Then two paths re-grade the marked entities:

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

Revocation, repair and removal from a list re-grade synchronously, in the transaction of the
change (``credit.services._set_state``, ``list_entry_remove``): the fact must leave the public
pages at once, and a grade written in the same transaction cannot be lost either, so those paths
need no mark.
"""

import logging

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit.evaluation import _EVAL_LOCK, evaluate

logger = logging.getLogger(__name__)

DRAIN_BATCH = 5000  # marks drained per transaction
DRAIN_MAX_BATCHES = 100  # a drain stops after this many batches; the next minute's run goes on


class RegradeMark(models.Model):
    """An entity whose grade must be recomputed (a transactional outbox row, one per change)."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True, db_collation="C")
    marked_at = models.DateTimeField(_("标记时间"))

    class Meta:
        app_label = "credit"
        verbose_name = _("待重新评价主体")
        verbose_name_plural = _("待重新评价主体")

    def __str__(self):
        return f"{self.uscc}（{self.marked_at:%Y-%m-%d %H:%M}标记）"


def regrade_mark(usccs) -> int:
    """Mark these entities for re-grading, in the caller's transaction; one INSERT, no lock taken."""
    codes = sorted({c for c in usccs if c})
    if not codes:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO credit_regrademark (uscc, marked_at) SELECT unnest(%s::text[]), %s", [codes, timezone.now()])
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
        logger.warning("任务 %s 未能入队（消息队列不可用）；已由待重新评价标记兜底", getattr(task, "name", task), exc_info=True)
        return False

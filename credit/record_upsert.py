"""The write of a record push: exact counts and before-values under concurrent pushes (issue 11).

PostgreSQL 16 has no ``RETURNING OLD``, so an upsert cannot report what it overwrote; and a plain
"read, then upsert" counts a row that another push inserted in between as created by both. So the
batch is written in three ordered steps, inside the caller's transaction:

1. ``INSERT … ON CONFLICT DO NOTHING RETURNING source_ref``, rows in ``source_ref`` order: the
   rows returned are exactly the ones this push created. A conflicting row inserted by a push not
   yet committed makes this one wait for it, so after this step every other row exists, committed.
2. ``SELECT … FOR UPDATE ORDER BY source_ref`` of those other rows: locked, their values are the
   exact before-values, and nobody changes them until this push commits.
3. ``INSERT … ON CONFLICT DO UPDATE … RETURNING (xmax = 0)`` of the rows whose values differ: each
   returns ``false`` (an update of a row locked in step 2); an identical resend writes nothing.

Both steps that wait take their rows in ``source_ref`` order, so two pushes never deadlock on each
other (step 1 takes no row lock, and its uncommitted rows are invisible to step 2's SELECT).

A resend that changes an existing record's ``uscc`` moves a fact to another entity: it is refused,
whole batch, with code ``subject_changed`` (API.md). The correction is ``credit_record_revoke``
and a push of a new record under a new ``source_ref``, each audited.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from psycopg2.extras import execute_values

from credit.choices import RecordState
from supervision.models import MarketEntity

COLUMNS = (
    "uscc",
    "department_id",
    "source_ref",
    "category",
    "polarity",
    "severity",
    "title",
    "content",
    "decided_on",
    "legal_basis",
    "amount",
    "restriction_ends_on",
    "penalty_types",
    "published",
    "publicity_ends_on",
    "repairable_from",
    "publicity_rule_id",
)
COMPARED = tuple(c for c in COLUMNS if c not in ("department_id", "source_ref"))
_INSERT = (
    f"INSERT INTO credit_creditrecord ({', '.join(COLUMNS)}, state, state_reason, created_at, updated_at) VALUES %s"  # noqa: S608 - constant columns
)


class RecordsInvalid(ValidationError):
    """A batch with invalid items; ``items`` lists each (index, attr, code, detail)."""

    def __init__(self, items):
        self.items = items
        super().__init__(
            [
                f"第{e['index'] + 1}条 {e['attr'] or ''}：{e['detail']}" if e["index"] is not None else e["detail"]
                for e in items
            ]
        )


@dataclass
class Upserted:
    created: list  # source_refs
    updated: list  # source_refs
    unchanged: int
    before: dict  # source_ref → compared values before the update (updated rows only)


def _holder(code: str, names: dict) -> str:
    """A USCC holder as the roster names it (an entity's public name; no personal data)."""
    return f"{code}（{names[code]}）" if code in names else f"{code}（名录库中暂无该主体）"


def subject_changed_items(pairs: list[tuple[int, str, str, str]]) -> list[dict]:
    """Errors for records whose resend names another entity: ``(index, source_ref, old, new)``."""
    names = dict(MarketEntity.objects.filter(uscc__in={c for p in pairs for c in p[2:]}).values_list("uscc", "name"))
    return [
        {
            "index": index,
            "attr": "uscc",
            "code": "subject_changed",
            "detail": f"来源编号“{ref}”的记录属于 {_holder(old, names)}，不能改为 {_holder(new, names)}："
            "主体有误的，请撤销原记录，再以新的来源编号推送正确主体的记录",
        }
        for index, ref, old, new in pairs
    ]


def upsert(*, department, rows: list[dict], now, today) -> Upserted:
    """Write ``rows`` (``COLUMNS`` values, in batch order) for ``department``: see the module's note.
    Raises ``RecordsInvalid`` (``subject_changed``) before anything of the batch is kept."""
    index = {r["source_ref"]: i for i, r in enumerate(rows)}
    ordered = sorted(rows, key=lambda r: r["source_ref"])
    values = [(*[r[c] for c in COLUMNS], RecordState.ACTIVE, "", now, now) for r in ordered]
    with connection.cursor() as cursor:
        created = {
            ref
            for (ref,) in execute_values(
                cursor,
                _INSERT + " ON CONFLICT (department_id, source_ref) DO NOTHING RETURNING source_ref",
                values,
                page_size=1000,
                fetch=True,
            )
        }
        others = [r["source_ref"] for r in ordered if r["source_ref"] not in created]
        existing = {}
        if others:
            cursor.execute(
                f"SELECT {', '.join(COLUMNS)} FROM credit_creditrecord WHERE department_id = %s AND source_ref = ANY(%s) "  # noqa: S608 - constant columns
                "ORDER BY source_ref FOR UPDATE",
                [department.pk, others],
            )
            for row in cursor.fetchall():
                existing[row[COLUMNS.index("source_ref")]] = dict(zip(COLUMNS, row, strict=True))
        moved = [
            (index[ref], ref, existing[ref]["uscc"], rows[index[ref]]["uscc"])
            for ref in others
            if existing[ref]["uscc"] != rows[index[ref]]["uscc"]
        ]
        if moved:
            raise RecordsInvalid(subject_changed_items(sorted(moved)))
        changed = [
            r
            for r in ordered
            if r["source_ref"] in existing and any(existing[r["source_ref"]][c] != r[c] for c in COMPARED)
        ]
        if changed:
            # An expired record whose new window is open is live again.
            returned = execute_values(
                cursor,
                _INSERT
                + f""" ON CONFLICT (department_id, source_ref) DO UPDATE SET
                {", ".join(f"{c} = EXCLUDED.{c}" for c in COMPARED)}, updated_at = EXCLUDED.updated_at,
                state = CASE WHEN credit_creditrecord.state = 'expired' AND EXCLUDED.publicity_ends_on >= '{today.isoformat()}'::date
                             THEN 'active' ELSE credit_creditrecord.state END
                RETURNING source_ref, (xmax = 0)""",
                [(*[r[c] for c in COLUMNS], RecordState.ACTIVE, "", now, now) for r in changed],
                page_size=1000,
                fetch=True,
            )
            if any(inserted for _ref, inserted in returned):  # rows locked in step 2 cannot be new: a broken invariant
                raise RuntimeError("信用记录写入异常：已锁定的记录被重新插入")
    updated = [r["source_ref"] for r in changed]
    return Upserted(
        created=[r["source_ref"] for r in rows if r["source_ref"] in created],
        updated=sorted(updated, key=index.get),
        unchanged=len(existing) - len(changed),
        before={ref: {c: existing[ref][c] for c in COMPARED} for ref in sorted(updated, key=index.get)},
    )

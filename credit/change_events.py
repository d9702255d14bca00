"""The change feed's events of credit (issue 15 §3): records, list entries and grades.

Each function writes its events in the caller's transaction, set-based (``core.changes.emit_select``,
one ``INSERT … SELECT`` per call whatever the number of rows). What "public" means, per type:

- **records** (``record.*``): ``public`` when the record is shown on the public pages before or
  after the change, by the rule of ``credit.selectors.public_records`` (active, published, decided,
  window open): an expiry, a revocation or a repair takes a public record *off* the pages, which is
  a public change too. A record shared with keyed readers only (``selectors.shareable_records``:
  published, 公示期满) gives ``public=False``. A record that is neither (an unpublished 轻微 record,
  before and after) gives no event at all: the keyed API does not show it either, and the feed
  must not show more than the API (STYLE.md §3). ``data`` says where the record stands now:
  ``{"category", "state", "public_now"}``; never its severity (a record that left the pages because
  it became 轻微 must not say so).
- **list entries** (``list_entry.*``): all four lists are public (``selectors.PUBLIC_LIST_TYPES``),
  so every event is public. ``ref`` is the decision number (决定书文号), or ``名单-<id>``.
- **grades** (``grade.changed``): ``EntityCredit.grade`` *is* the public grade: the evaluation
  computes it from public facts only (DOMAIN §3; the internal grade exists only inside the risk
  class, which is never emitted). So a change of the public colour is a public event, and a change
  of facts that only moves the internal risk class emits nothing. An entity's first grade is an
  event only when it is not 良好 (no event = 良好, so the first run over a new roster stays quiet).
"""

from core import changes
from credit.choices import ListType, RecordState

# The lists shown on public pages: ``credit.selectors.PUBLIC_LIST_TYPES`` (a test holds them equal; the
# selectors import the evaluation, which imports this module, so the tuple cannot be imported here).
PUBLIC_LIST_TYPES = (ListType.ABNORMAL, ListType.SERIOUS, ListType.KEY_ATTENTION, ListType.RED)

_TABLE = "credit_creditrecord"
_PUBLIC_NOW = "(r.state = 'active' AND r.published AND r.decided_on <= %(today)s AND r.publicity_ends_on >= %(today)s)"
_SHARED_NOW = "(r.state IN ('active', 'expired') AND r.published)"
_DATA = f"jsonb_build_object('category', r.category, 'state', r.state, 'public_now', {_PUBLIC_NOW})"


def records_pushed(*, department, written, today) -> int:
    """``record.created`` / ``record.updated`` for a push (``credit.record_upsert.Upserted``).

    An updated record was public before when its old values (``written.before``) passed the public
    rule; its state before is the state now (a push only turns 公示期满 back to 公示中, and a
    公示期满 record's window had closed, so it was not public either way)."""
    refs = [*written.created, *written.updated]
    if not refs:
        return 0
    before = [written.before.get(ref) for ref in refs]
    sql = f"""
        SELECT CASE WHEN o.ord <= %(n_created)s THEN 'record.created' ELSE 'record.updated' END,
               r.uscc, r.source_ref, r.id,
               {_PUBLIC_NOW} OR coalesce(r.state IN ('active', 'expired') AND o.published
                                         AND o.decided_on <= %(today)s AND o.ends_on >= %(today)s, false),
               r.department_id, NULL::bigint, {_DATA}
        FROM unnest(%(refs)s::text[], %(published)s::bool[], %(decided)s::date[], %(ends)s::date[])
             WITH ORDINALITY AS o(source_ref, published, decided_on, ends_on, ord)
        JOIN {_TABLE} r ON r.department_id = %(department)s AND r.source_ref = o.source_ref
        WHERE {_SHARED_NOW} OR coalesce(r.state IN ('active', 'expired') AND o.published, false)
        ORDER BY o.ord"""  # noqa: S608 - constant fragments; every value is a parameter
    return changes.emit_select(
        sql,
        {
            "n_created": len(written.created),
            "refs": refs,
            "published": [b and b["published"] for b in before],
            "decided": [b and b["decided_on"] for b in before],
            "ends": [b and b["publicity_ends_on"] for b in before],
            "department": department.pk,
            "today": today,
        },
    )


def record_state_changed(*, record, before_state: str, today) -> int:
    """``record.revoked`` / ``record.repaired`` of one record (its new state saved, ``before_state``
    the old one): emitted when the record was shared before; public when it was on the pages."""
    kind = {RecordState.REVOKED: "record.revoked", RecordState.REPAIRED: "record.repaired"}.get(record.state)
    if kind is None:
        return 0
    sql = f"""
        SELECT %(kind)s, r.uscc, r.source_ref, r.id,
               (%(before)s::text = 'active' AND r.published AND r.decided_on <= %(today)s AND r.publicity_ends_on >= %(today)s),
               r.department_id, NULL::bigint, {_DATA}
        FROM {_TABLE} r WHERE r.id = %(id)s AND %(before)s::text IN ('active', 'expired') AND r.published"""  # noqa: S608
    return changes.emit_select(sql, {"kind": kind, "before": before_state, "today": today, "id": record.pk})


def records_expired(*, ids: list, today) -> int:
    """``record.expired`` for the records the nightly expiry just ended (``ids``): the published ones,
    each public (it was on the pages until its window closed). Unpublished ones expire silently."""
    if not ids:
        return 0
    sql = f"""
        SELECT 'record.expired', r.uscc, r.source_ref, r.id, true, r.department_id, NULL::bigint, {_DATA}
        FROM {_TABLE} r WHERE r.id = ANY(%(ids)s) AND r.published ORDER BY r.id"""  # noqa: S608
    return changes.emit_select(sql, {"ids": list(ids), "today": today})


_ENTRY_REF = "coalesce(nullif(l.decision_no, ''), '名单-' || l.id)"


def list_entries_changed(*, kind: str, ids: list) -> int:
    """``list_entry.added`` / ``list_entry.removed`` for the entries ``ids`` (one or a job's many).
    Every list is public (``PUBLIC_LIST_TYPES``); an entry of a list that is not gives ``public=False``."""
    if not ids:
        return 0
    sql = f"""
        SELECT %(kind)s, l.uscc, {_ENTRY_REF}, l.id, l.list_type = ANY(%(public_lists)s), l.department_id, NULL::bigint,
               jsonb_strip_nulls(jsonb_build_object('list_type', l.list_type, 'ground', l.ground,
                   'listed_on', l.listed_on, 'removed_on', l.removed_on, 'removal_reason', nullif(l.removal_reason, '')))
        FROM credit_listentry l WHERE l.id = ANY(%(ids)s) ORDER BY l.id"""  # noqa: S608
    return changes.emit_select(
        sql, {"kind": kind, "ids": list(ids), "public_lists": [str(t) for t in PUBLIC_LIST_TYPES]}
    )


# Run by credit.evaluation between computing the new grades (credit_eval_new) and writing them over
# the old ones (credit_entitycredit): one INSERT … SELECT for the whole population.
GRADES_CHANGED_SQL = """
    SELECT 'grade.changed', n.uscc, n.uscc, NULL::bigint, true, NULL::bigint, NULL::bigint,
           jsonb_build_object('from', o.grade, 'to', n.grade)
    FROM credit_eval_new n LEFT JOIN credit_entitycredit o ON o.uscc = n.uscc
    WHERE o.grade IS DISTINCT FROM n.grade AND (o.uscc IS NOT NULL OR n.grade <> 'GOOD')
    ORDER BY n.uscc"""


def grades_changed() -> int:
    """``grade.changed`` for every entity whose public grade the running evaluation changes."""
    return changes.emit_select(GRADES_CHANGED_SQL)

"""The change feed's events of enforcement (issue 15 §3): a penalty summary published or withdrawn.

``ref`` is the decision number (决定书文号), ``object_id`` the summary (``PenaltyDisclosure``). Every
event is public: a summary is emitted when it reaches ``/penalties/`` (``penalty.published``,
again when a pushed penalty's mirror changes while published) and when one that was published
leaves it (``penalty.withdrawn``: 撤回, and also 信用修复 or 提前停止公示, with the new state in
``data``). A summary never published (pending, 依规不予公示: minors, simplified procedure, warning
only) gives no event, as it is in neither the public pages nor the ``enforcement:read`` API.
The end of a disclosure period is a date passing, not a write: the summary's ``publicity_ends_on``
in ``data`` says when it leaves the pages.
"""

from core import changes

_SQL = """
    SELECT %(kind)s, coalesce(d.uscc, ''), d.number, d.id, true, d.department_id, NULL::bigint,
           jsonb_build_object('state', d.state, 'decided_on', d.decided_on, 'publicity_ends_on', d.publicity_ends_on)
    FROM enforcement_penaltydisclosure d WHERE d.id = ANY(%(ids)s) ORDER BY d.id"""


def penalties_published(ids) -> int:
    """``penalty.published`` for these summaries (a publication batch: one INSERT … SELECT)."""
    ids = list(ids)
    return changes.emit_select(_SQL, {"kind": "penalty.published", "ids": ids}) if ids else 0


def penalties_withdrawn(ids) -> int:
    """``penalty.withdrawn`` for these summaries, which were published and have just left the pages."""
    ids = list(ids)
    return changes.emit_select(_SQL, {"kind": "penalty.withdrawn", "ids": ids}) if ids else 0

"""Records that another app's decision produced, and how they are corrected (issue 12 §7).

A penalty decision issued in this platform becomes a credit record when it is published. If an
objection (异议) finds the record wrong and credit corrected the record alone, the record would say
20,000 元 while the decision and its public summary still say 200,000 元. The decision is the legal
act; the record is its copy. So such a record is corrected through the decision: 变更决定 in the
case (the old decision is withdrawn, a new one with a new number is served and published, and its
record replaces the old one), and the objection is closed as 更正 by that change.

Credit imports none of the apps that produce records (DESIGN.md): an app's config defines
``credit_record_producer(record)`` returning ``{"label": ..., "how": ...}`` for a record it produced,
or ``None``; the first answer wins.
"""

from django.apps import apps

from credit.choices import RecordState


def record_producer(record) -> dict | None:
    """``{"label", "how"}`` of the decision that produced ``record``, or None for a record of its own."""
    for config in apps.get_app_configs():
        hook = getattr(config, "credit_record_producer", None)
        if callable(hook) and (found := hook(record)):
            return found
    return None


def correction_problem(record, corrected_by: str) -> str | None:
    """Why an objection may not be closed as 更正 of ``record`` this way, or None.

    ``corrected_by`` is the number of the changed decision when the producing app closes the
    objection after its 变更决定; empty when an official corrects the record's fields in credit."""
    producer = record_producer(record)
    if producer is None:
        return "该信用记录不是由本平台的决定产生的，请直接填写更正内容" if corrected_by else None
    if not corrected_by:
        return f"该信用记录由{producer['label']}产生，不能只更正信用记录（否则决定、公示与信用记录不一致）：请{producer['how']}，变更后异议随之办结为“更正”"
    if record.state != RecordState.REVOKED:
        return f"{producer['label']}尚未变更：请先在案件中“变更决定”"
    return None

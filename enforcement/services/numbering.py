"""Gap-free document numbers (e.g. 郑市监罚〔2026〕12号, DOMAIN §5): the next number of a sequence, the
number's text, and carrying over the last number a department used before this system."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from core import audit
from enforcement.models import DocumentSequence


def next_number(*, department, kind: str, year: int) -> int:
    """The next number of a gap-free sequence. One statement takes it under the row lock; the caller's
    transaction holds the lock until it commits, and a rollback gives the number back, so the
    issued numbers have no gaps and no duplicates however many officials issue at once.

    The audit chain's lock is taken first: every service ends with ``audit.record``, which takes
    it, and a service that audits before numbering (e.g. 变更: revoke, then issue) would otherwise
    hold it while waiting for this row, against an issuer holding this row and waiting for it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [audit.CHAIN_LOCK])
        cursor.execute(
            """INSERT INTO enforcement_documentsequence (department_id, kind, year, last_number) VALUES (%s, %s, %s, 1)
               ON CONFLICT (department_id, kind, year) DO UPDATE SET last_number = enforcement_documentsequence.last_number + 1
               RETURNING last_number""",
            [department.pk, kind, year],
        )
        return cursor.fetchone()[0]


def document_number(department, kind: str, year: int, sequence: int) -> str:
    """e.g. 郑市监罚〔2026〕12号 (DOMAIN §5)."""
    return f"{department.short_name or department.name}{kind}〔{year}〕{sequence}号"


@transaction.atomic
def document_sequence_continue(*, actor, department, kind: str, year: int, last_number: int):
    """Carry over the last number a department already used before this module (e.g. decisions its
    old system pushed to credit as ``郑市监罚〔2026〕37号``): new numbers continue after it, so no number
    is issued twice. Never lowers the counter, so the sequence stays gap-free from there on."""

    if not isinstance(last_number, int) or last_number < 0:
        raise ValidationError({"last_number": "已用最大号应为非负整数"})
    row, _ = DocumentSequence.objects.select_for_update().get_or_create(department=department, kind=kind, year=year)
    if row.last_number >= last_number:
        return row
    before = row.last_number
    row.last_number = last_number
    row.save(update_fields=["last_number"])
    audit.record(
        actor=actor,
        action="document_sequence.continue",
        target=row,
        before={"last_number": before},
        after={"last_number": last_number},
    )
    return row

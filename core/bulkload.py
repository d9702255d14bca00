"""Writing most of a big table at once: drop its secondary indexes and constraints, write, rebuild them.

A row-by-row index insert into a B-tree of a million rows, and a deferred foreign-key check per row at
commit, cost more than the write itself; a CREATE INDEX sorts once, and ADD CONSTRAINT … FOREIGN KEY
checks every row with one join (issue 16 §4: the first full evaluation; bench/generate.py and
bench/credit.py load with COPY the same way).

``rebuilt(cursor, table)`` runs inside the caller's transaction: DROP and CREATE are transactional in
PostgreSQL, so an error restores every index and constraint with the rollback. The table is locked
(ACCESS EXCLUSIVE) from the first DROP to the commit: readers wait, so it is meant for a first load or
a nightly job, not for a busy table in the day. The primary key stays unless asked for (ON CONFLICT
needs it); a key that a foreign key depends on always stays.
"""

import time
from contextlib import contextmanager

from django.db import connection

# A CREATE INDEX sorts in memory up to this much (PostgreSQL's default is 64 MB).
MAINTENANCE_WORK_MEM = "256MB"


def table_ddl(cursor, table: str, *, primary_key: bool = False) -> tuple[list, list]:
    """``(constraints, indexes)`` of ``table`` to drop before a bulk write and to recreate after it:
    constraints as ``(name, definition, kind)`` (unique ``u`` and, with ``primary_key``, the primary
    key ``p`` before foreign keys ``f``; never a key another table's foreign key depends on) and the
    indexes that belong to no constraint as ``(name, CREATE INDEX statement)``."""
    cursor.execute(
        """SELECT c.conname, pg_get_constraintdef(c.oid), c.contype FROM pg_constraint c
           WHERE c.conrelid = %s::regclass AND c.contype = ANY(%s)
             AND NOT (c.contype IN ('u', 'p') AND EXISTS (SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid))
           ORDER BY c.contype DESC, c.conname""",
        [table, ["u", "f", "p"] if primary_key else ["u", "f"]],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
           WHERE i.indrelid = %s::regclass
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
           ORDER BY 1""",
        [table],
    )
    return constraints, cursor.fetchall()


def drop(cursor, table: str, constraints: list, indexes: list) -> None:
    """Drop what ``table_ddl`` listed, in the caller's transaction. For the rest of it, index builds may
    sort in ``MAINTENANCE_WORK_MEM``, and the checks the transaction deferred run now: a table with
    pending deferred checks cannot be altered. Django's foreign keys are all DEFERRABLE INITIALLY
    DEFERRED, which ``recreate`` puts back."""
    cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [MAINTENANCE_WORK_MEM])
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    quoted = connection.ops.quote_name(table)
    for name, _definition, _kind in constraints:
        cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")  # regclass text: already quoted where it must be


def recreate(cursor, table: str, constraints: list, indexes: list, timings: dict | None = None) -> None:
    """Keys first (they build their own index), then the indexes, then foreign keys (each validated
    by one join over the table)."""
    quoted = connection.ops.quote_name(table)
    steps = [
        *(
            (name, f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {d}")
            for name, d, k in constraints
            if k in ("u", "p")
        ),
        *indexes,
        *(
            (name, f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {d}")
            for name, d, k in constraints
            if k == "f"
        ),
    ]
    for name, statement in steps:
        started = time.perf_counter()
        cursor.execute(statement)
        if timings is not None:
            timings[name] = time.perf_counter() - started
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def rebuilt(cursor, table: str, timings: dict | None = None, *, primary_key: bool = False):
    """Inside: ``table`` without its secondary indexes and constraints (and its primary key, when
    nothing inside needs it); after: rebuilt as they were. On an error inside, nothing is rebuilt:
    the caller's rollback restores them."""
    constraints, indexes = table_ddl(cursor, table, primary_key=primary_key)
    drop(cursor, table, constraints, indexes)
    yield
    recreate(cursor, table, constraints, indexes, timings)

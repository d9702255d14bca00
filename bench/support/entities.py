"""Entities the page benches load: the busiest one, whose page is the heaviest."""

from django.db import connection


def busiest_entity() -> str | None:
    """The entity with the most public records (from a sample of the records table), else any one."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT r.uscc FROM credit_creditrecord r TABLESAMPLE SYSTEM (1)
               WHERE r.state = 'active' AND r.published
               GROUP BY r.uscc ORDER BY count(*) DESC LIMIT 1"""
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute("SELECT uscc FROM supervision_marketentity ORDER BY uscc LIMIT 1")
            row = cursor.fetchone()
    connection.close()
    return row[0] if row else None

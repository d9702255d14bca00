"""The base of every warning rule (预警规则) of the risk scan, in credit and in the apps above it.

A rule has a code, a Chinese description and one set-based INSERT that raises its warnings into the
responsible department's inbox, deduplicated by ``(rule_code, dedupe_key)``. The registry and the
run are ``credit.scan``; this module imports nothing of credit, so rules anywhere can extend it.
"""

import datetime as dt

from django.db import connection

LOOKBACK_DAYS = 7  # rules on recent changes look this far back; dedupe keys make it safe

_INSERT = """
INSERT INTO credit_riskwarning (rule_code, dedupe_key, uscc, department_id, message, state, created_at, handling_note)
SELECT %(code)s, w.dedupe_key, w.uscc, w.department_id, left(w.message, 500), 'open', %(now)s, ''
FROM ({select}) w
WHERE w.department_id IS NOT NULL
ON CONFLICT (rule_code, dedupe_key) DO NOTHING
"""


class WarningRule:
    """A rule of the risk scan. Subclasses set ``code``, ``description`` and ``select``.

    ``select`` is SQL yielding ``dedupe_key, uscc, department_id, message``; parameters available:
    ``today``, ``now``, ``since`` (now − LOOKBACK_DAYS).
    """

    code = ""
    description = ""
    select = ""

    def params(self, *, today, now) -> dict:
        return {"today": today, "now": now, "since": now - dt.timedelta(days=LOOKBACK_DAYS), "code": self.code}

    def run(self, *, today, now) -> int:
        with connection.cursor() as cursor:
            cursor.execute(_INSERT.format(select=self.select), self.params(today=today, now=now))
            return cursor.rowcount

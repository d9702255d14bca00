"""SQL pieces the metric families share: the range's parameters, an entity's cuts, stock expansion."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Window:
    """A range of local (Asia/Shanghai) days, ``start``–``end`` inclusive, as named SQL parameters:
    ``start``/``end`` (dates) for date columns, ``lo``/``hi`` (aware datetimes, ``[lo, hi)``) for
    datetime columns so their indexes serve the range, and ``tz`` for the local day of a datetime."""

    start: dt.date
    end: dt.date

    def params(self) -> dict:
        tz = timezone.get_default_timezone()
        following = self.end + dt.timedelta(days=1)
        return {
            "start": self.start,
            "end": self.end,
            "lo": dt.datetime(self.start.year, self.start.month, self.start.day, tzinfo=tz),
            "hi": dt.datetime(following.year, following.month, following.day, tzinfo=tz),
            "tz": settings.TIME_ZONE,
        }


@dataclass(frozen=True)
class Family:
    """Metrics computed together: ``build(cursor, window)`` returns SELECTs of ``day, metric,
    department_id, region_code, industry, key, value`` using the window's named parameters (it may
    prepare temporary tables with the cursor first)."""

    metrics: tuple
    build: Callable


def local_day(column: str) -> str:
    """The local day of a timestamptz column."""
    return f"({column} AT TIME ZONE %(tz)s)::date"


# An entity's cuts (``LEFT JOIN supervision_marketentity e``): its registration authority, its region,
# and the GB/T 4754 section letter (门类) of its industry. A record whose USCC is not in the roster yet
# (credit keeps such records, DOMAIN §3) counts under no department, region or industry.
ENTITY_JOIN = "LEFT JOIN supervision_marketentity e ON e.uscc = {alias}.uscc"
REGION = "COALESCE(e.region_code, '')"
INDUSTRY = "COALESCE(left(e.industry_code, 1), '')"


def expand_stock(changes: str) -> str:
    """Stock rows for every day of the window from ``changes``: a SELECT of ``metric, department_id,
    region_code, industry, key, day, delta`` where ``delta`` is +1/-1 (or a count) on the day a state
    begins or ends, and the state already held at the start of the window counts on ``start``.

    The level is the running sum of the deltas; each level holds from its day until the next change
    (or the window's end), so the result has one row per group and day without a grid of all days."""
    return f"""
    WITH changes AS ({changes}),
    summed AS (
        SELECT metric, department_id, region_code, industry, key, day, sum(delta) AS delta
        FROM changes GROUP BY metric, department_id, region_code, industry, key, day
    ),
    levels AS (
        SELECT metric, department_id, region_code, industry, key, day,
               sum(delta) OVER w AS value,
               lead(day, 1, %(end)s::date + 1) OVER w AS until
        FROM summed
        WINDOW w AS (PARTITION BY metric, department_id, region_code, industry, key ORDER BY day)
    )
    SELECT d::date AS day, metric, department_id, region_code, industry, key, value
    FROM levels CROSS JOIN generate_series(levels.day, levels.until - 1, interval '1 day') AS d
    WHERE value <> 0
    """

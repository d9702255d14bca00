"""Deadline-bearing items across the apps, as one registry (issue 17 §1, §3, §4, §6).

Each app registers a ``DeadlineSpec`` for each kind of item that carries a statutory deadline
(objections, list exits, complaints, correction orders, result publications, penalty disclosures).
A spec names the columns that say when the item opened, when it was due and when it closed, so that
every consumer counts with the same rule:

- the daily aggregates and the 履职评估 metrics read ``items_sql()``, one set-based UNION ALL;
- the admin lists filter with ``TimelinessFilter`` (``?dl=late&dl_from=…&dl_to=…``), so a drill-down
  from a figure lands on exactly the rows behind it;
- 督办 and 尽职免责 point at an item by ``(kind, object_id)``.

Dates are local (Asia/Shanghai) days: a datetime column is converted with ``AT TIME ZONE``. An item is
*on time* when it closed on or before its due day, *late* when it closed after it, and *overdue* while
it is still open after its due day. An item without a due day (``due`` is None) counts only as opened
and closed.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import DateField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date


class Status:
    """The statuses a deadline filter and the aggregates know (codes in URLs, labels for people)."""

    OPENED = "opened"  # opened in the period
    CLOSED = "closed"  # closed in the period
    ON_TIME = "on_time"  # closed in the period, on or before the due day
    LATE = "late"  # closed in the period, after the due day
    OPEN = "open"  # still open at the end of the period (or today)
    OVERDUE = "overdue"  # still open after the due day, at the end of the period (or today)
    BECAME_OVERDUE = "became_overdue"  # the due day fell in the period and the item was open the day after

    LABELS = {
        OPENED: "期间新增",
        CLOSED: "期间办结",
        ON_TIME: "按时办结",
        LATE: "超期办结",
        OPEN: "未办结",
        OVERDUE: "已逾期未办结",
        BECAME_OVERDUE: "期间转为逾期",
    }


@dataclass(frozen=True)
class DeadlineSpec:
    """How one kind of item carries its deadline.

    ``opened``, ``due`` and ``closed`` are ORM paths on ``model`` (a date or datetime field; ``opened``
    may cross a foreign key, e.g. ``result__inspected_on``). ``only`` restricts the rows that carry the
    deadline at all (e.g. a disclosure that is 依规不予公示 has none). ``changelist`` is the admin URL
    name the drill-down links to.
    """

    kind: str
    label: str
    model: type
    opened: str
    due: str | None
    closed: str
    department: str = "department"
    only: Q | None = None
    changelist: str = ""
    # Query parameters a drill-down link adds, e.g. ("state", "all") where the list opens on open rows.
    link_params: tuple = ()

    # --- ORM ----------------------------------------------------------------------------------------
    def _day(self, path: str):
        field = _field(self.model, path)
        if field.get_internal_type() == "DateTimeField":
            return TruncDate(path, tzinfo=timezone.get_default_timezone())
        return ExpressionWrapper(F(path), output_field=DateField())

    def annotated(self, queryset: QuerySet | None = None) -> QuerySet:
        """The items with ``dl_opened``, ``dl_due`` and ``dl_closed`` (local days) annotated."""
        queryset = self.model._default_manager.all() if queryset is None else queryset
        if self.only is not None:
            queryset = queryset.filter(self.only)
        return queryset.annotate(
            dl_opened=self._day(self.opened),
            dl_due=self._day(self.due) if self.due else ExpressionWrapper(None, output_field=DateField()),
            dl_closed=self._day(self.closed),
        )

    def status_q(self, status: str, start: dt.date | None = None, end: dt.date | None = None) -> Q:
        """A Q on ``annotated()`` rows for ``status`` over the period ``start``–``end`` (inclusive;
        an open end is today). The aggregates compute the same in SQL (``items_sql``)."""
        end = end or timezone.localdate()
        in_period = {"gte": start, "lte": end}

        def period(column):
            return Q(**{f"{column}__{op}": day for op, day in in_period.items() if day is not None})

        open_at_end = Q(dl_opened__lte=end) & (Q(dl_closed__isnull=True) | Q(dl_closed__gt=end))
        if status == Status.OPENED:
            return period("dl_opened")
        if status == Status.CLOSED:
            return period("dl_closed")
        if status == Status.ON_TIME:
            return period("dl_closed") & Q(dl_due__isnull=False, dl_closed__lte=F("dl_due"))
        if status == Status.LATE:
            return period("dl_closed") & Q(dl_due__isnull=False, dl_closed__gt=F("dl_due"))
        if status == Status.OPEN:
            return open_at_end
        if status == Status.OVERDUE:
            return open_at_end & Q(dl_due__lt=end)
        if status == Status.BECAME_OVERDUE:
            # Overdue from the day after the due day: the due day lies in [start-1, end-1] and the item
            # was still open on the day after it.
            lower = Q(dl_due__gte=start - dt.timedelta(days=1)) if start else Q()
            return (
                lower
                & Q(dl_due__lt=end)
                & (Q(dl_closed__isnull=True) | Q(dl_closed__gt=F("dl_due")))
                & Q(dl_opened__lte=F("dl_due"))
            )
        raise ValueError(f"unknown deadline status {status!r}")

    def drill_url(self, status: str, start=None, end=None, department_ids=None) -> str:
        """The admin list of the rows behind a figure: ``status`` over ``start``–``end``, in the departments."""
        params = dict(self.link_params)
        params["dl"] = status
        if start:
            params["dl_from"] = start.isoformat()
        if end:
            params["dl_to"] = end.isoformat()
        if department_ids is not None:
            params[f"{self.department}__id__in"] = ",".join(str(i) for i in department_ids)
        return f"{reverse(self.changelist)}?{urlencode(params)}"

    # --- SQL ------------------------------------------------------------------------------------------
    def select_sql(self) -> tuple[str, list]:
        """``SELECT kind, object_id, department_id, opened_on, due_on, closed_on`` for this kind, as
        SQL and params (built from the ORM, so joins and the ``only`` filter are the ORM's)."""
        qs = self.annotated().values_list("pk", f"{self.department}_id", "dl_opened", "dl_due", "dl_closed")
        sql, params = qs.query.sql_with_params()
        # The SQL is the ORM's own, and every value is a parameter.
        columns = "%s::text AS kind, t.c0 AS object_id, t.c1 AS department_id, t.c2 AS opened_on, t.c3 AS due_on"
        return f"SELECT {columns}, t.c4 AS closed_on FROM ({_rename(sql)}) t", [self.kind, *params]  # noqa: S608


def _rename(sql: str) -> str:
    """Wrap a values_list query so its five columns are c0…c4, whatever the ORM aliased them."""
    return f"SELECT * FROM ({sql}) AS inner_q(c0, c1, c2, c3, c4)"  # noqa: S608


def _field(model, path: str):
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


_REGISTRY: dict[str, DeadlineSpec] = {}


def register(spec: DeadlineSpec) -> None:
    """Register a kind (from an app's ``ready()``); registering the same kind again replaces it."""
    _REGISTRY[spec.kind] = spec


def specs() -> list[DeadlineSpec]:
    return list(_REGISTRY.values())


def spec(kind: str) -> DeadlineSpec:
    return _REGISTRY[kind]


def spec_for_model(model) -> DeadlineSpec | None:
    return next((s for s in _REGISTRY.values() if s.model is model), None)


# Links an app above offers on an item's admin page (e.g. oversight's 督办), registered in its ready():
# ``fn(request, spec, obj) -> [(label, url)]``. core calls them without importing the app.
_ITEM_LINKS: list = []


def register_item_link(fn) -> None:
    if fn not in _ITEM_LINKS:
        _ITEM_LINKS.append(fn)


def item_links(request, obj) -> list[tuple[str, str]]:
    """The registered links for ``obj``'s admin page, if its model carries a deadline."""
    found = spec_for_model(type(obj))
    if found is None:
        return []
    return [link for fn in _ITEM_LINKS for link in fn(request, found, obj)]


def items_sql(kinds=None) -> tuple[str, list]:
    """Every registered kind's items as one UNION ALL (columns: kind, object_id, department_id,
    opened_on, due_on, closed_on), for set-based aggregation."""
    parts, params = [], []
    for s in _REGISTRY.values():
        if kinds is not None and s.kind not in kinds:
            continue
        sql, p = s.select_sql()
        parts.append(sql)
        params.extend(p)
    if not parts:
        empty = (
            "SELECT NULL::text AS kind, NULL::bigint AS object_id, NULL::bigint AS department_id, "
            "NULL::date AS opened_on, NULL::date AS due_on, NULL::date AS closed_on WHERE false"
        )
        return empty, []
    return "\nUNION ALL\n".join(parts), params


class TimelinessFilter(admin.ListFilter):
    """The admin list filter behind every timeliness drill-down: ``?dl=<status>&dl_from=&dl_to=``.

    Add it to the ``list_filter`` of a model with a registered spec. The dashboard and the 履职评估
    report link here, and count with the same ``status_q``, so a figure and its list agree.
    """

    title = "办理时限"
    parameter_name = "dl"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.spec = spec_for_model(model)
        self.values = {}
        for name in ("dl", "dl_from", "dl_to"):
            if name in params:
                value = params.pop(name)
                self.values[name] = value[-1] if isinstance(value, list) else value

    def has_output(self):
        return self.spec is not None

    def expected_parameters(self):
        return ["dl", "dl_from", "dl_to"]

    def choices(self, changelist):
        current = self.values.get("dl")
        yield {
            "selected": current is None,
            "query_string": changelist.get_query_string(remove=["dl", "dl_from", "dl_to"]),
            "display": "全部",
        }
        for code, label in Status.LABELS.items():
            yield {
                "selected": current == code,
                "query_string": changelist.get_query_string({"dl": code}, []),
                "display": label,
            }

    def queryset(self, request, queryset):
        status = self.values.get("dl")
        if not status or self.spec is None or status not in Status.LABELS:
            return queryset
        start = parse_date(self.values.get("dl_from") or "") if self.values.get("dl_from") else None
        end = parse_date(self.values.get("dl_to") or "") if self.values.get("dl_to") else None
        return self.spec.annotated(queryset).filter(self.spec.status_q(status, start, end))

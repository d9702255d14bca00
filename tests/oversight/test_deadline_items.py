"""core.deadline_items: one rule for timeliness, read the same by the SQL aggregates and the admin filter."""

import datetime as dt

import time_machine
from django.db import connection

from core.deadline_items import Status, items_sql, spec
from enforcement import services
from enforcement.models import Complaint

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)


def _complaints(alice):
    """Four complaints filed Mon 2026-11-02 (due 15 working days later, Mon 2026-11-23): one closed on
    the due day, one closed a day late, one still open, one filed later and still open, not yet due."""
    made = []
    with time_machine.travel(_at(dt.date(2026, 11, 2))):
        for n in range(3):
            made.append(
                services.complaint_file(
                    actor="public:web", entity_name=f"某超市{n}", content="销售过期食品", department=alice.department
                )[0]
            )
    with time_machine.travel(_at(dt.date(2026, 11, 20))):
        made.append(
            services.complaint_file(
                actor="public:web", entity_name="某超市3", content="销售过期食品", department=alice.department
            )[0]
        )
    # 23:30 local on the due day is still on time: the day is the local day, not UTC's.
    Complaint.objects.filter(pk=made[0].pk).update(
        state="closed", closed_at=_at(dt.date(2026, 11, 23), 23) + dt.timedelta(minutes=30)
    )
    Complaint.objects.filter(pk=made[1].pk).update(state="closed", closed_at=_at(dt.date(2026, 11, 24)))
    return made


def test_complaint_timeliness_statuses_over_a_period(alice):
    made = _complaints(alice)
    assert made[0].due_on == dt.date(2026, 11, 23)
    s = spec("complaint")
    rows = s.annotated(Complaint.objects.all())

    def ids(status, start=None, end=None):
        return {c.pk for c in rows.filter(s.status_q(status, start, end))}

    november = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert ids(Status.OPENED, *november) == {c.pk for c in made}
    assert ids(Status.ON_TIME, *november) == {made[0].pk}
    assert ids(Status.LATE, *november) == {made[1].pk}
    assert ids(Status.OPEN, *november) == {made[2].pk, made[3].pk}
    assert ids(Status.OVERDUE, *november) == {made[2].pk}
    # Overdue from 11-24: the 24th's period catches both the late one and the still-open one.
    assert ids(Status.BECAME_OVERDUE, dt.date(2026, 11, 24), dt.date(2026, 11, 24)) == {made[1].pk, made[2].pk}
    assert ids(Status.BECAME_OVERDUE, dt.date(2026, 11, 23), dt.date(2026, 11, 23)) == set()


def test_items_sql_gives_the_same_days_as_the_orm(alice):
    made = _complaints(alice)
    sql, params = items_sql(kinds={"complaint"})
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT object_id, department_id, opened_on, due_on, closed_on FROM ({sql}) i", params)
        got = {row[0]: row[1:] for row in cursor.fetchall()}
    assert got[made[0].pk] == (alice.department_id, dt.date(2026, 11, 2), dt.date(2026, 11, 23), dt.date(2026, 11, 23))
    assert got[made[2].pk][3] is None


def test_admin_drill_down_filter_lists_the_same_rows(alice, client):
    made = _complaints(alice)
    client.force_login(alice)
    url = spec("complaint").drill_url(
        Status.LATE, dt.date(2026, 11, 1), dt.date(2026, 11, 30), department_ids=[alice.department_id]
    )
    response = client.get(url)
    assert response.status_code == 200
    assert [c.pk for c in response.context["cl"].result_list] == [made[1].pk]
    # Another department's subtree: none of alice's rows.
    response = client.get(url.replace(f"department__id__in={alice.department_id}", "department__id__in=999999"))
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []

"""The nightly risk scan ends serious-list entries after 3 years (issue 12 §4), through a real worker on
the real Redis broker and the test's frozen clock (tests/worker.py)."""

import datetime as dt

import pytest

from credit import services
from credit.choices import ListGround, ListType, RemovalReason, RunState
from credit.models import ListEntry
from credit.scan import risk_scan

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_serious_list_entry_ends_after_3_years_through_the_worker(worker, make_entity, dept_a):
    # Given an entry listed 2023-11-01 (3 years on 2026-11-01) and the worker on 2026-11-22
    entry = services.list_entry_add(
        actor="test",
        entity_uscc=make_entity().uscc,
        list_type=ListType.SERIOUS,
        ground=ListGround.HEAVY_FINE,
        legal_basis="《市场监督管理严重违法失信名单管理办法》第二条",
        department=dept_a,
        decided_on=dt.date(2023, 11, 1),
        notice_on=dt.date(2023, 10, 20),
    )
    # When the nightly task runs on the worker
    outcome = risk_scan.delay().get(timeout=90)
    # Then the entry ended on its anniversary
    assert outcome["state"] == RunState.SUCCEEDED, outcome["error"]
    assert outcome["counts"]["serious_list_ended"] == 1
    entry = ListEntry.objects.get(pk=entry.pk)
    assert (entry.removed_on, entry.removal_reason) == (dt.date(2026, 11, 1), RemovalReason.PERIOD_ENDED)

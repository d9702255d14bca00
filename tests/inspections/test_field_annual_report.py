"""公示信息抽查 (issue 14 §3): the field page of a public-information task shows the entity's latest annual
report, figures included, beside the checklist; other tasks do not."""

import datetime as dt

import pytest
import time_machine

from inspections.models import InspectionPlan
from supervision import annual_reports as ar
from tests.inspections.test_field import field_world, media, members_of, task_url  # noqa: F401  (fixtures)
from tests.supervision.test_annual_reports import enterprise_data

pytestmark = pytest.mark.django_db


def file_report(entity):
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        return ar.annual_report_file(actor="test", entity=entity, year=2025, data=enterprise_data())


def test_public_info_task_shows_the_reported_figures_beside_the_checklist(client, field_world):
    task = field_world["tasks"][0]
    InspectionPlan.objects.filter(pk=task.plan_id).update(is_public_info_check=True)
    file_report(task.entity)
    client.force_login(members_of(task)[0].user)
    html = client.get(task_url(task)).content.decode()
    assert "data-annual-report-figures" in html and "2025年度" in html
    assert "1234.5678" in html  # the private figures too: the inspectors check them
    assert html.index("data-annual-report-figures") < html.index('id="checklist"')


def test_public_info_task_without_a_report_says_so(client, field_world):
    task = field_world["tasks"][0]
    InspectionPlan.objects.filter(pk=task.plan_id).update(is_public_info_check=True)
    client.force_login(members_of(task)[0].user)
    assert "该主体尚未报送年度报告" in client.get(task_url(task)).content.decode()


def test_other_tasks_show_no_annual_report(client, field_world):
    task = field_world["tasks"][0]
    file_report(task.entity)
    client.force_login(members_of(task)[0].user)
    assert "data-annual-report-figures" not in client.get(task_url(task)).content.decode()

"""履职评估 in the admin: the platform admin runs an evaluation; officials read their subtree's results,
each value a link to its rows; the XLSX workbook and the PDF per department; the indicator system's
versions (a used one is only viewed, “复制为新版本” starts the next)."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from oversight import services
from oversight.models import Evaluation, IndicatorSet
from tests.oversight.conftest import at
from tests.oversight.test_eval_metrics import complaint

pytestmark = pytest.mark.django_db

DECEMBER_10 = at(dt.date(2026, 12, 10))


@pytest.fixture
def evaluation(tree):
    complaint(tree.c, closed=dt.date(2026, 11, 23))
    complaint(tree.c, closed=dt.date(2026, 11, 24))
    complaint(tree.k, closed=dt.date(2026, 11, 10))
    complaint(tree.o)
    with time_machine.travel(DECEMBER_10):
        return services.evaluation_run(period_kind="month", start=dt.date(2026, 11, 1), actor=tree.admin)


def shown(response) -> list[str]:
    return [row["total"].department.code for row in response.context["matrix"]]


def test_platform_admin_runs_an_evaluation_from_the_admin(tree, client):
    client.force_login(tree.admin)
    add = reverse("admin:oversight_evaluation_add")
    with time_machine.travel(DECEMBER_10):
        assert client.get(add).status_code == 200
        # A bad start date: the form again, the Chinese error on the field
        response = client.post(add, {"period_kind": "quarter", "start": "2026-11-01"})
        assert response.status_code == 200
        assert response.context["form"].errors["start"] == [
            "季度评估的开始日期须为1月1日、4月1日、7月1日或10月1日，而不是 2026-11-01"
        ]
        assert Evaluation.objects.count() == 0
        response = client.post(add, {"period_kind": "month", "start": "2026-11-01"})
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{evaluation.pk}/change/")
    assert IndicatorSet.objects.get(version=1).frozen_at is not None


def test_officials_cannot_run_an_evaluation(tree, client):
    for user in (tree.c_official, tree.p_official, tree.auditor):
        client.force_login(user)
        assert client.get(reverse("admin:oversight_evaluation_add")).status_code == 403


def test_result_page_is_scoped_to_the_subtree(tree, evaluation, client):
    url = reverse("admin:oversight_evaluation_change", args=[evaluation.pk])
    assert client.get(url).status_code == 302  # anonymous
    expected = {
        tree.admin: ["HNSJ", "KFSJ", "LYSJ", "LYXG"],
        tree.auditor: ["HNSJ", "KFSJ", "LYSJ", "LYXG"],
        tree.p_official: ["HNSJ", "KFSJ", "LYSJ", "LYXG"],
        tree.c_official: ["LYSJ", "LYXG"],
        tree.o_official: ["KFSJ"],
        tree.k_official: ["LYXG"],
    }
    for user, codes in expected.items():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert sorted(shown(response)) == codes, user.username


def test_each_value_links_to_its_rows(tree, evaluation, client):
    client.force_login(tree.c_official)
    url = reverse("admin:oversight_evaluation_change", args=[evaluation.pk])
    response = client.get(url, {"department": tree.c.pk})
    detail = {cell.indicator.code: cell for cell in response.context["detail"]}
    complaints = detail["COMPLAINT_ON_TIME"]
    assert (complaints.numerator, complaints.denominator, str(complaints.value)) == (1, 2, "50.00")
    late = next(link for link in complaints.links if link["label"] == "超期办结")
    assert late["url"] in response.content.decode().replace("&amp;", "&")
    listed = client.get(late["url"])
    assert listed.status_code == 200 and len(listed.context["cl"].result_list) == 1
    # Asking for another department's detail shows the first visible one instead
    response = client.get(url, {"department": tree.o.pk})
    assert response.context["selected"].department_id != tree.o.pk


def test_downloads_xlsx_and_pdf_scoped(tree, evaluation, client):
    client.force_login(tree.c_official)
    response = client.get(reverse("admin:oversight_evaluation_xlsx", args=[evaluation.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["综合得分与排名", "指标明细", "尽职免责", "说明"]
    departments = [row[0] for row in book["综合得分与排名"].iter_rows(min_row=2, values_only=True)]
    assert sorted(departments) == ["洛阳市市场监督管理局", "洛阳市西工区市场监督管理局"]
    details = [r for r in book["指标明细"].iter_rows(min_row=2, values_only=True) if r[1] == "COMPLAINT_ON_TIME"]
    assert {(r[0], r[4], r[5], r[6]) for r in details} == {
        ("洛阳市市场监督管理局", 1, 2, 50.0),
        ("洛阳市西工区市场监督管理局", 1, 1, 100.0),
    }
    pdf = client.get(reverse("admin:oversight_evaluation_pdf", args=[evaluation.pk, tree.c.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Another department's PDF is not there for C's official
    assert client.get(reverse("admin:oversight_evaluation_pdf", args=[evaluation.pk, tree.o.pk])).status_code == 404


def test_used_version_is_read_only_and_copied_to_a_new_version(tree, evaluation, client):
    client.force_login(tree.admin)
    seeded = IndicatorSet.objects.get(version=1)
    change = reverse("admin:oversight_indicatorset_change", args=[seeded.pk])
    response = client.get(change)
    assert response.status_code == 200 and not response.context["has_change_permission"]
    indicator = seeded.indicators.first()
    response = client.get(reverse("admin:oversight_indicator_change", args=[indicator.pk]))
    assert not response.context["has_change_permission"]
    changelist = reverse("admin:oversight_indicatorset_changelist")
    response = client.post(
        changelist,
        {"action": "new_version", "_selected_action": [seeded.pk], "apply": "1", "effective_from": "2027-01-01"},
    )
    assert response.status_code == 302
    copy = IndicatorSet.objects.get(version=2)
    assert (copy.frozen_at, copy.indicators.count(), copy.effective_from) == (None, 10, dt.date(2027, 1, 1))
    # The new version's indicator is edited through the form; a wrong direction is a field error
    indicator = copy.indicators.get(code="CORRECTION_OVERDUE")
    url = reverse("admin:oversight_indicator_change", args=[indicator.pk])
    data = {
        "indicator_set": copy.pk,
        "code": indicator.code,
        "name": indicator.name,
        "metric": indicator.metric,
        "weight": "5",
        "direction": "lower",
        "target": "0",
        "zero_at": "0",
        "period_kinds": ["month", "year"],
        "source": indicator.source,
        "order": "80",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["zero_at"] == ["越低越好的指标，零分值须高于目标值（0）"]
    response = client.post(url, {**data, "zero_at": "8"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.zero_at, indicator.period_kinds) == (8, ["month", "year"])


def test_officials_only_read_the_indicator_system(tree, client):
    client.force_login(tree.c_official)
    seeded = IndicatorSet.objects.get(version=1)
    assert client.get(reverse("admin:oversight_indicatorset_changelist")).status_code == 200
    response = client.get(reverse("admin:oversight_indicatorset_change", args=[seeded.pk]))
    assert response.status_code == 200 and not response.context["has_change_permission"]
    assert client.get(reverse("admin:oversight_indicatorset_add")).status_code == 403


def test_result_page_query_budget_does_not_grow_with_departments(
    tree, make_department, client, django_assert_max_num_queries
):
    # Given an evaluation of 24 departments
    for n in range(20):
        make_department(name=f"测试县市场监督管理局{n}", code=f"T{n:03d}", level="county", parent=tree.c)
    with time_machine.travel(DECEMBER_10):
        evaluation = services.evaluation_run(period_kind="month", start=dt.date(2026, 11, 1), actor=tree.admin)
    client.force_login(tree.admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("admin:oversight_evaluation_change", args=[evaluation.pk]))
    assert len(response.context["matrix"]) == 24

"""Every admin list, for every role, on the demo city; and the bounded count of big lists (issue 16 §3).

The timings at 1,000,000 entities are in ``bench/admin_lists.py``; these tests check that each list,
its search and its filters open, keep to a query budget (no query per row), and that a list past
``LIST_COUNT_CAP`` shows “约 N 条” with working page links.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth import get_user_model
from django.core.paginator import EmptyPage
from django.test import RequestFactory
from django.urls import reverse

from core.counting import EstimatedCountPaginator, capped_count
from supervision.models import MarketEntity

ENTITIES = "/admin/supervision/marketentity/"
QUERY_BUDGET = 40  # a list of 50 rows with a query per row would take 60 or more
LOGINS = ["admin", "zzsj", "zfry"]  # 平台管理员, 部门工作人员, 执法人员 (demo/)


def user(username):
    return get_user_model().objects.get(username=username)


def visible_lists(who):
    request = RequestFactory().get("/")
    request.user = who
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda kv: kv[0]._meta.label):
        if model_admin.has_view_or_change_permission(request):
            opts = model._meta
            yield model_admin, request, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


@pytest.mark.parametrize("username", LOGINS)
def test_every_admin_list_its_search_and_its_filters_open_for_every_role(
    seeded_demo, db, client, username, django_assert_max_num_queries
):
    # Given the demo city and one of its logins, when every list it may see is opened, then each
    # answers 200 within the query budget, and so do a search and the first choice of each filter.
    who = user(username)
    client.force_login(who)
    opened = 0
    for model_admin, request, url in visible_lists(who):
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = client.get(url)
        assert response.status_code == 200, url
        opened += 1
        if model_admin.get_search_fields(request):
            for term in ("91410100", "郑州", "无此关键词"):
                assert client.get(url, {SEARCH_VAR: term}).status_code == 200, (url, term)
        cl = response.context["cl"]
        for spec in cl.filter_specs:
            choice = next((c for c in spec.choices(cl) if not c.get("selected")), None)
            if choice:
                target = url + choice["query_string"]
                with django_assert_max_num_queries(QUERY_BUDGET):
                    assert client.get(target).status_code == 200, target
    assert opened >= (40 if username == "admin" else 20)


def test_a_list_past_the_cap_shows_an_estimate_and_its_page_links_work(seeded_demo, db, client, settings):
    # Given the demo's 2,000 entities and a cap of 100, the roster list shows “约 N” …
    settings.LIST_COUNT_CAP = 100
    client.force_login(user("admin"))
    page = client.get(ENTITIES)
    body = page.content.decode()
    cl = page.context["cl"]
    assert cl.paginator.count_is_estimate
    assert "约 " in body and "仅可翻阅前 100 条" in body
    # … links the pages of the first 100 rows (2 pages of 50), and each of them opens with its rows
    assert 'href="?p=2"' in body and 'href="?p=3"' not in body
    second = client.get(ENTITIES, {"p": 2})
    assert second.status_code == 200 and len(second.context["cl"].result_list) == 50
    first_codes = {e.uscc for e in cl.result_list}
    assert first_codes.isdisjoint(e.uscc for e in second.context["cl"].result_list)
    # A page past the real end is the admin's “invalid page”, not an empty page or a 500.
    past = client.get(ENTITIES, {"p": MarketEntity.objects.count() // 50 + 2})
    assert past.status_code == 302 and "e=1" in past["Location"]


def test_a_search_under_the_cap_counts_exactly(seeded_demo, db, client, settings):
    settings.LIST_COUNT_CAP = 100
    client.force_login(user("admin"))
    code = MarketEntity.objects.order_by("uscc").values_list("uscc", flat=True).first()
    page = client.get(ENTITIES, {SEARCH_VAR: code})
    assert page.status_code == 200
    cl = page.context["cl"]
    assert not cl.paginator.count_is_estimate and cl.result_count == 1
    assert "约 " not in page.content.decode()


def test_an_official_sees_the_estimate_on_the_credit_record_list(seeded_demo, db, client, settings):
    # The official's list is scoped to their department; past the cap it is estimated the same way.
    settings.LIST_COUNT_CAP = 5
    client.force_login(user("zzsj"))
    page = client.get("/admin/credit/creditrecord/")
    assert page.status_code == 200
    cl = page.context["cl"]
    assert cl.paginator.count_is_estimate and "约 " in page.content.decode()
    assert all(r.department_id == user("zzsj").department_id for r in cl.result_list)


def test_the_paginator_counts_exactly_to_the_cap_then_estimates_and_pages_by_rows(db, make_entity, settings):
    # Given 5 entities and a cap of 3: the count is an estimate of more than 3 …
    settings.LIST_COUNT_CAP = 3
    made = [make_entity().uscc for _ in range(5)]
    rows = MarketEntity.objects.filter(uscc__in=made).order_by("uscc")  # the demo may be seeded around it
    assert capped_count(rows, 3) == 4 and capped_count(rows, 10) == 5
    paginator = EstimatedCountPaginator(rows, 2)
    assert paginator.count >= 4 and paginator.count_is_estimate
    assert paginator.num_pages == 2  # links to the first cap rows only
    # … and pages know from their rows whether another follows: page 3 is the last, page 4 is past the end.
    assert paginator.page(2).has_next() and len(paginator.page(3)) == 1
    assert not paginator.page(3).has_next()
    with pytest.raises(EmptyPage):
        paginator.page(4)
    settings.LIST_COUNT_CAP = 5
    exact = EstimatedCountPaginator(rows, 2)
    assert exact.count == 5 and not exact.count_is_estimate and exact.num_pages == 3

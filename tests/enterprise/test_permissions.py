"""Permission crawl of the entity side (issue 14, Done when): an entity user never sees another
entity's data (every URL with the other entity's ids), anonymous users are sent to sign in,
officials are not let in, and the internal risk class is on no page.

The crawl walks ``enterprise.urls.urlpatterns``, so every view added later is covered without
editing this file. Ids come from every model keyed by the entity, so a new model is covered too.
"""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver

from credit.choices import RiskClass
from enterprise import selectors as enterprise_selectors
from enterprise import urls as enterprise_urls
from enterprise.models import EntityAccount
from supervision.models import MarketEntity
from tests.enterprise.test_file import seed_file

pytestmark = pytest.mark.django_db
RISK_LABELS = [str(label) for _, label in RiskClass.choices]
DENIED = (302, 400, 403, 404, 405)
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def patterns(resolver_patterns=None, prefix=""):
    """Every (route, name) of the entity side, includes flattened."""
    for p in resolver_patterns if resolver_patterns is not None else enterprise_urls.urlpatterns:
        if isinstance(p, URLResolver):
            yield from patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name


def entity_models():
    """Every model with a foreign key to the roster (the entity's own rows)."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "many_to_one", False) and field.related_model is MarketEntity and field.concrete:
                yield model, field.name


def ids_of(entity) -> set[int]:
    ids = set()
    for model, field in entity_models():
        if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField"):
            ids.update(model.objects.filter(**{field: entity}).values_list("pk", flat=True))
    ids.update(EntityAccount.objects.filter(entity=entity).values_list("user_id", flat=True))
    return ids


def rows_of(entity) -> dict:
    """A snapshot of every row keyed by the entity (to prove a POST changed nothing of it)."""
    return {
        model._meta.label: sorted(map(repr, model.objects.filter(**{field: entity}).values()))
        for model, field in entity_models()
    }


def move_sequences_past_everything():
    """After A's rows: every id sequence jumps above every id in use, so no id of B's is also one of A's
    (in any table), and a 200 for one of B's ids can only be B's data."""
    with connection.cursor() as cursor:
        tables = [
            (m._meta.db_table, m._meta.pk.column)
            for m in apps.get_models()
            if m._meta.managed and m._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")
        ]
        top = 0
        for table, column in tables:
            cursor.execute(f'SELECT COALESCE(MAX("{column}"), 0) FROM "{table}"')
            top = max(top, cursor.fetchone()[0])
        for table, column in tables:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [f'"{table}"', column])
            seq = cursor.fetchone()[0]
            if seq:
                cursor.execute("SELECT setval(%s, %s)", [seq, top + 1000])


def urls_for(route: str, int_values, str_values) -> list[str]:
    """The route with each combination of candidate values for its parameters."""
    params = list(PARAM.finditer(route))
    urls = [route]
    for match in params:
        converter, name = match.group("converter") or "str", match.group("name")
        if name == "year":
            values = ["2025"]
        elif converter == "int":
            values = [str(v) for v in int_values]
        else:
            values = list(str_values)
        urls = [u.replace(match.group(0), v, 1) for u in urls for v in values]
    return ["/enterprise/" + u for u in urls]


@pytest.fixture
def two_entities(client, make_entity, make_entity_user, make_official, dept_a, frozen_today):
    official = make_official("checker-li", dept_a, first_name="李", last_name="核查")
    a = make_entity(name="甲方商贸有限公司")
    b = make_entity(name="乙方餐饮有限公司")
    account_a = make_entity_user(a)
    seed_file(a, dept_a, tag="甲", official=official)
    # A's pages first: whatever they make lazily for A (e.g. inbox messages) gets A's ids, below B's.
    client.force_login(account_a.user)
    for route, _name in patterns():
        if "<" not in route:
            client.get("/enterprise/" + route)
    client.logout()
    move_sequences_past_everything()
    account_b = make_entity_user(b, username="liaison-b", email="b@example.com", mobile="13700000000")
    seed_file(b, dept_a, tag="乙", official=official)
    return a, b, account_a, account_b


def b_markers(b) -> list[str]:
    return [
        b.name,
        b.uscc,
        "乙一般失信公示记录",
        "乙轻微未公示记录",
        "乙异议理由",
        "乙已补报年度报告",
        "乙抽查计划",
        "乙政府采购资格审查",
        "乙提前停止公示理由",
        "13700000000",
    ]


def text(response) -> str:
    return (
        b"".join(response.streaming_content).decode(errors="ignore")
        if response.streaming
        else (response.content.decode(errors="ignore"))
    )


def assert_clean(response, url, markers):
    body = text(response) + response.get("Location", "")
    for marker in markers:
        assert marker not in body, (url, marker)
    for label in RISK_LABELS:
        assert label not in body, (url, label)


def refused_or_own(response, url, a):
    """Refused, or answered by a row of A's own: one made for A after B's (a lazily created inbox
    message) is the only way an id above all of A's can answer, and it is then A's."""
    if response.status_code not in DENIED:
        own = ids_of(a)
        assert any(int(v) in own for v in re.findall(r"/(\d+)/", url)), (url, response.status_code)


def test_crawl_every_url_with_the_other_entitys_ids_is_404_and_never_shows_its_data(client, two_entities):
    a, b, account_a, _ = two_entities
    b_ids = sorted(ids_of(b) - ids_of(a))
    assert min(b_ids) > max(ids_of(a))
    kinds = [*enterprise_selectors.KIND_LABELS, b.uscc]
    markers = b_markers(b)
    before = rows_of(b)
    crawled = 0
    for route, _name in patterns():
        has_id = any(m.group("converter") == "int" and m.group("name") != "year" for m in PARAM.finditer(route))
        for url in urls_for(route, b_ids, kinds):
            client.force_login(account_a.user)
            response = client.get(url)  # a 500 raises here (the test client re-raises view errors)
            assert_clean(response, url, markers)
            if has_id:
                refused_or_own(response, url, a)
                # POST-only views with another entity's id: refused, and nothing of B's changes.
                client.force_login(account_a.user)
                response = client.post(url, {})
                refused_or_own(response, url, a)
                assert_clean(response, url, markers)
            crawled += 1
    assert crawled > 10
    after = rows_of(b)
    # Nothing of B's changed or went (new rows may appear: the inbox makes B's messages from the audit trail).
    for label, rows in before.items():
        assert set(rows) <= set(after[label]), label
    assert EntityAccount.objects.get(entity=b).revoked_at is None


def test_own_pages_render_without_the_risk_class_or_the_other_entitys_data(client, two_entities):
    a, b, account_a, _ = two_entities
    own_ids = sorted(ids_of(a))
    kinds = list(enterprise_selectors.KIND_LABELS)
    markers = b_markers(b)
    for route, _name in patterns():
        # Own ids: pages that show A's own objects must not 500 either; capped to keep the run short.
        for url in urls_for(route, own_ids[:40], kinds)[:250]:
            client.force_login(account_a.user)
            response = client.get(url)
            assert_clean(response, url, markers)


def test_anonymous_is_sent_to_sign_in(client, two_entities):
    a, b, _, _ = two_entities
    for route, _name in patterns():
        for url in urls_for(route, sorted(ids_of(b))[:1], ["objection"]):
            response = client.get(url)
            assert_clean(response, url, [*b_markers(b), a.name, a.uscc])
            assert response.status_code in (200, 302, 405), (url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/enterprise/login/"), (url, response["Location"])
    for url in ("/enterprise/", "/enterprise/file/", "/enterprise/filings/", "/enterprise/checks/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == f"/enterprise/login/?next={url}"


def test_an_official_is_not_let_in(client, two_entities, alice):
    a, b, _, _ = two_entities
    client.force_login(alice)
    response = client.get("/enterprise/")
    assert response.status_code in (302, 403)
    for route, name in patterns():
        for url in urls_for(route, sorted(ids_of(b))[:1], ["objection"]):
            response = client.get(url)
            assert_clean(response, url, [*b_markers(b), a.name, a.uscc])
            if name in ("file", "inspections", "complaints", "filings", "filing-detail", "checks", "home"):
                assert response.status_code in (302, 403), (url, response.status_code)


def test_an_entity_user_never_reaches_admin(client, two_entities):
    _, _, account_a, _ = two_entities
    client.force_login(account_a.user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

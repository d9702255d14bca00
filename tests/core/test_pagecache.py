"""The public pages' cache (issue 16 §1, core.pagecache): served from Redis, retired by change and audit
events on commit (from any process), built uncached when Redis is down, never shared when personal.

These tests commit (``transactional_db``): the retiring happens on commit, and a request inside an open
transaction bypasses the cache by design (``test_request_inside_a_transaction_bypasses_the_cache``).
"""

import subprocess
import sys
import time

import pytest
from django.core.cache import cache
from django.test.utils import CaptureQueriesContext, override_settings

from core import pagecache
from credit import services as credit_services
from supervision import services as sv
from tests.conftest import record_data
from tests.helpers import BASE_DIR, child_env, db_url_for_children, free_port

pytestmark = pytest.mark.usefixtures("transactional_db")

CLOSED_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }
}


@pytest.fixture(autouse=True)
def clean_cache(transactional_db):
    cache.clear()
    pagecache._breaker.open_until = 0.0
    pagecache._breaker.owe_global_bump = False
    yield
    pagecache._breaker.open_until = 0.0
    pagecache._breaker.owe_global_bump = False


def get(client, url, **kw):
    response = client.get(url, **kw)
    assert response.status_code == 200, response.content.decode()[:300]
    return response


def test_entity_page_second_request_is_served_from_cache_without_queries(client, make_entity, push):
    entity = make_entity(name="郑州缓存测试商贸有限公司")
    push(record_data(entity.uscc, title="未按规定明码标价"))
    url = f"/entities/{entity.uscc}/"
    first = get(client, url)
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(__import__("django.db", fromlist=["connection"]).connection) as queries:
        second = get(client, url)
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_record_push_through_the_service_shows_on_the_next_request(client, make_entity, push):
    entity = make_entity()
    url = f"/entities/{entity.uscc}/"
    assert "擅自改变经营场所" not in get(client, url).content.decode()
    assert get(client, url)["X-Page-Cache"] == "hit"
    push(record_data(entity.uscc, source_ref="郑市监罚〔2026〕77号", title="擅自改变经营场所"))
    again = get(client, url)
    assert again["X-Page-Cache"] == "miss"
    assert "擅自改变经营场所" in again.content.decode()


def test_other_entities_pages_stay_cached_after_one_entitys_change(client, make_entity, push):
    changed, other = make_entity(), make_entity()
    get(client, f"/entities/{other.uscc}/")
    push(record_data(changed.uscc))
    assert get(client, f"/entities/{other.uscc}/")["X-Page-Cache"] == "hit"


def test_list_entry_added_through_the_service_shows_on_list_pages(client, make_entity, dept_a):
    entity = make_entity(name="郑州名单缓存测试有限公司")
    assert entity.name not in get(client, "/lists/abnormal/").content.decode()
    index = get(client, "/lists/").content.decode()
    assert get(client, "/lists/abnormal/")["X-Page-Cache"] == "hit"
    credit_services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type="abnormal",
        department=dept_a,
        ground="no_annual_report",
        legal_basis="《企业经营异常名录管理暂行办法》第四条",
        decided_on=__import__("datetime").date.today(),
        ground_established_on=__import__("datetime").date.today(),
    )
    assert entity.name in get(client, "/lists/abnormal/").content.decode()
    assert get(client, "/lists/").content.decode() != index  # the count moved
    assert entity.name in get(client, f"/entities/{entity.uscc}/").content.decode()


def test_entity_base_data_edited_without_a_change_event_shows_at_once(client, make_entity):
    """Base data has no change event: the audit event of the edit retires the page."""
    entity = make_entity(name="郑州旧名称商贸有限公司")
    url = f"/entities/{entity.uscc}/"
    assert "郑州旧名称商贸有限公司" in get(client, url).content.decode()
    sv.entity_save(actor="test", entity=entity, name="郑州新名称商贸有限公司")
    body = get(client, url).content.decode()
    assert "郑州新名称商贸有限公司" in body
    assert "郑州旧名称商贸有限公司" not in body


def test_change_made_by_another_process_shows_on_the_next_request(client, make_entity, dept_a):
    entity = make_entity()
    url = f"/entities/{entity.uscc}/"
    get(client, url)
    assert get(client, url)["X-Page-Cache"] == "hit"
    script = (
        "import django; django.setup()\n"
        "from credit.services import credit_records_push\n"
        "from supervision.models import Department\n"
        "from tests.conftest import record_data\n"
        f"credit_records_push(actor='test', department=Department.objects.get(pk={dept_a.pk}),"
        f" records=[record_data('{entity.uscc}', source_ref='其他进程〔2026〕1号', title='其他进程写入的记录')])\n"
    )
    env = child_env(DATABASE_URL=db_url_for_children(), DJANGO_SETTINGS_MODULE="portal.settings")
    subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, env=env, check=True, timeout=120)
    again = get(client, url)
    assert "其他进程写入的记录" in again.content.decode()


def test_penalties_and_list_pages_key_on_the_query_string(client):
    first = get(client, "/penalties/")
    assert get(client, "/penalties/")["X-Page-Cache"] == "hit"
    assert get(client, "/penalties/", data={"q": "烩面"})["X-Page-Cache"] == "miss"
    assert get(client, "/lists/red/", data={"page": "2"})["X-Page-Cache"] == "miss"
    assert get(client, "/lists/red/")["X-Page-Cache"] == "miss"
    assert get(client, "/lists/red/", data={"page": "2"})["X-Page-Cache"] == "hit"
    assert first["X-Page-Cache"] == "miss"


def test_language_is_part_of_the_key(client, make_entity):
    entity = make_entity()
    url = f"/entities/{entity.uscc}/"
    get(client, url)
    client.cookies["django_language"] = "en"
    english = get(client, url)
    assert english["X-Page-Cache"] == "miss"
    assert english["Content-Language"] == "en"


def test_head_is_answered_from_the_cached_page(client, make_entity):
    entity = make_entity()
    url = f"/entities/{entity.uscc}/"
    get(client, url)
    head = client.head(url)
    assert head.status_code == 200
    assert head["X-Page-Cache"] == "hit"
    assert head.content == b""


def test_open_api_profile_is_cached_after_the_throttle(client, make_entity, push):
    entity = make_entity()
    url = f"/api/open/v1/entities/{entity.uscc}/"
    first = client.get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.json() == first.json()
    push(record_data(entity.uscc, source_ref="郑市监罚〔2026〕88号", title="接口档案缓存测试"))
    assert "接口档案缓存测试" in client.get(url).content.decode()
    assert client.get(f"/api/open/v1/entities/{entity.uscc[:-1]}X/").status_code in (400, 404)


def test_personal_requests_are_never_cached_or_served_from_cache(client, make_entity, alice):
    """A session (a logged-in official, or a filer's session) is served uncached and never stored."""
    entity = make_entity()
    url = f"/entities/{entity.uscc}/"
    client.force_login(alice)
    assert get(client, url)["X-Page-Cache"] == "bypass"
    client.logout()
    client.cookies.pop("sessionid", None)
    assert get(client, url)["X-Page-Cache"] == "miss"  # nothing was stored for the official


def test_answers_that_set_a_cookie_or_fail_are_not_stored(client):
    missing = client.get("/entities/91410100MA00000000/")
    assert missing.status_code in (400, 404)
    assert client.get("/entities/91410100MA00000000/")["X-Page-Cache"] == "bypass"
    bad = client.get("/penalties/", data={"year": "abc"})
    assert bad.status_code == 400 and bad["X-Page-Cache"] == "bypass"


def test_request_inside_a_transaction_bypasses_the_cache(client, make_entity):
    from django.db import transaction

    entity = make_entity()
    with transaction.atomic():
        assert get(client, f"/entities/{entity.uscc}/")["X-Page-Cache"] == "bypass"


def test_redis_down_pages_are_built_uncached_without_waiting(client, make_entity):
    entity = make_entity()
    url = f"/entities/{entity.uscc}/"
    with override_settings(CACHES=CLOSED_REDIS):
        started = time.monotonic()
        for _ in range(5):
            response = get(client, url)
            assert response["X-Page-Cache"] == "bypass"
        assert time.monotonic() - started < 5  # the breaker: no request waits on the socket timeouts
        assert get(client, "/penalties/").status_code == 200
        assert get(client, "/lists/").status_code == 200
        assert client.get(f"/api/open/v1/entities/{entity.uscc}/").status_code == 200


def test_a_bump_lost_while_redis_was_down_never_leaves_a_stale_page(client, make_entity, push):
    entity = make_entity()
    url = f"/entities/{entity.uscc}/"
    get(client, url)
    assert get(client, url)["X-Page-Cache"] == "hit"  # stored before the outage
    with override_settings(CACHES=CLOSED_REDIS):
        push(record_data(entity.uscc, source_ref="郑市监罚〔2026〕99号", title="断线期间写入的记录"))
    pagecache._breaker.open_until = 0.0  # Redis is back (the breaker's window passed)
    assert "断线期间写入的记录" in get(client, url).content.decode()


def test_an_entry_is_trusted_only_under_the_generations_it_was_built_with(client, make_entity, settings):
    """A flushed or evicted generation never revives an old entry (tokens, not counters)."""
    entity = make_entity()
    url = f"/entities/{entity.uscc}/"
    get(client, url)
    cache.delete(pagecache.entity_key(entity.uscc))
    assert get(client, url)["X-Page-Cache"] == "miss"
    settings.PAGE_CACHE_SECONDS = 0
    assert get(client, url)["X-Page-Cache"] == "bypass"

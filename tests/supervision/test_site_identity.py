"""Issue 18 §1.2: the site says who runs it (settings), a grouped menu with the current page marked, a
help and an about page, and a language switch that keeps the public pages cacheable."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese_after():
    """An English request leaves English active in this thread (the locale middleware does not reset it),
    which would turn the next test's Chinese texts English; back to the default after each test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True, scope="module")
def catalogues():
    call_command("compile_catalogues", verbosity=0)  # *.mo are built, not committed


def html_of(client, path, **kw):
    response = client.get(path, **kw)
    assert response.status_code == 200, response.content.decode()[:300]
    return response.content.decode()


def test_identity_comes_from_settings_in_header_and_footer(client, settings):
    # given a deployment's own identity
    settings.SITE_CITY = "开封市"
    settings.SITE_HOST_ORG = "开封市市场监督管理局"
    settings.SITE_OPERATOR_ORG = ""
    settings.SITE_CONTACT_PHONE = "0371-22222222"
    settings.SITE_CONTACT_EMAIL = "xy@kf.example"
    settings.SITE_GOV_ID = "4102000001"
    settings.SITE_ICP = "豫ICP备12345678号"
    settings.SITE_PSB = "豫公网安备41020002000123号"
    html = html_of(client, "/")
    # then the header names the city and the footer who runs it, how to reach them and the filings
    assert re.search(r'class="brand"[^>]*>开封市事中事后综合监管平台</a>', html)
    assert "主办单位：开封市市场监督管理局" in html and "承办单位" not in html
    assert 'href="tel:0371-22222222"' in html and 'href="mailto:xy@kf.example"' in html
    assert "网站标识码：4102000001" in html
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener" data-icp>豫ICP备12345678号</a>' in html
    assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=41020002000123"' in html
    # and the developer links are in the footer, not the menu
    footer = html.split('<footer class="site-footer">')[1]
    nav = html.split('<nav class="site-nav"')[1].split("</nav>")[0]
    for href in ('href="/api/docs/"', 'href="/api/guide/"', 'href="/open-data/"', 'href="/audit/anchors/"'):
        assert href in footer and href not in nav


def test_demo_defaults_name_zhengzhou(client):
    html = html_of(client, "/")
    assert "郑州市事中事后综合监管平台" in html and "主办单位：郑州市市场监督管理局" in html


def test_menu_has_four_groups_and_marks_the_current_page_and_group(client):
    html = html_of(client, "/credit/grades/")
    groups = re.findall(r"<summary[^>]*>([^<]+)</summary>", html)
    assert groups == ["查询", "公示", "办事", "关于"]
    assert re.search(r'<li class="nav-item"><a href="/credit/grades/" aria-current="page">信用等级说明</a>', html)
    assert html.count('aria-current="page"') == 1
    # the group of the current page is marked, the others are not
    assert re.findall(
        r'<li class="nav-group is-current">\s*<details name="site-menu">\s*<summary data-current-group>(\S+)</summary>',
        html,
    ) == ["公示"]


def test_a_page_under_an_item_marks_that_item(client, make_entity):
    entity = make_entity(name="郑州菜单标记商贸有限公司")
    html = html_of(client, f"/entities/{entity.uscc}/")
    assert re.search(r'<a href="/entities/" aria-current="true">主体查询</a>', html)
    assert 'aria-current="page"' not in html
    assert "<summary data-current-group>查询</summary>" in html


def test_help_and_about_pages(client):
    help_html = html_of(client, "/help/")
    for anchor in ('id="search"', 'id="grades"', 'id="verify"', 'id="objections"', 'id="contact"'):
        assert anchor in help_html
    assert 'href="/credit/grades/"' in help_html and 'href="/reports/verify/"' in help_html
    assert re.search(r'<a href="/help/" aria-current="page">帮助</a>', help_html)
    about = html_of(client, "/about/")
    assert "郑州市事中事后综合监管平台由郑州市市场监督管理局主办" in about and "数据来源" in about


def test_language_switch_posts_without_a_csrf_token_and_returns_to_the_page(client, settings):
    # The switch sits on cached pages, which carry no CSRF token (core/pagecache.py), and echoes no URL.
    html = html_of(client, "/entities/?q=烩面")
    form = re.search(r'<form class="lang-switch" action="([^"]+)" method="post"', html)
    assert form and form.group(1) == "/i18n/setlang/" and "csrfmiddlewaretoken" not in html
    assert 'name="next"' not in html
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    # the browser sends the page it came from (same-origin Referer): back there, query included
    response = strict.post("/i18n/setlang/", {"language": "en"}, HTTP_REFERER="http://testserver/entities/?q=烩面")
    assert response.status_code == 302 and response["Location"] == "http://testserver/entities/?q=%E7%83%A9%E9%9D%A2"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # another site's page is not followed
    response = strict.post("/i18n/setlang/", {"language": "en"}, HTTP_REFERER="https://evil.example/")
    assert response["Location"] == "/"


def test_english_pages_say_chinese_is_authoritative_and_chinese_pages_do_not(client, settings):
    zh = html_of(client, "/")
    assert "data-lang-notice" not in zh and '<html lang="zh-CN">' in zh
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = html_of(client, "/")
    assert '<html lang="en">' in en
    assert "the Chinese text is legally authoritative" in en
    # the identity's official English names (SITE_*_EN settings)
    assert re.search(r'class="brand"[^>]*>Zhengzhou Integrated Market Supervision Platform</a>', en)
    assert "Run by: Zhengzhou Administration for Market Regulation" in en
    assert ">Search</summary>" in en and ">Public records</summary>" in en and ">Help</a>" in en
    assert 'aria-pressed="true">English</button>' in en


def test_home_page_is_fully_english_with_the_cookie(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = html_of(client, "/").split("<body>")[1]
    # what stays Chinese is the postal address, the filing numbers as issued, the 中文 button and the example
    text = re.sub(r"<[^>]+>", " ", body)
    identity = (
        settings.SITE_CONTACT_ADDRESS,
        settings.SITE_ICP,
        settings.SITE_PSB,
        "中文",
        "“烩面”",
        "烩面",
    )
    for value in identity:
        text = text.replace(value, "")
    assert not re.findall(r"[\u4e00-\u9fff]+", text)


def test_search_results_are_english_but_names_stay_as_registered(client, settings, make_entity):
    entity = make_entity(name="郑州英文检索商贸有限公司")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = html_of(client, "/entities/?q=英文检索")
    main = html.split('<main class="wrap" id="main">')[1].split("</main>")[0]
    assert "1 entity found" in main and ("Not yet evaluated" in main or ">Good<" in main)
    assert "Last inspected: no published inspection result" in main and "Company" in main
    text = re.sub(r"<[^>]+>", " ", main).replace(entity.name, "").replace("英文检索", "")
    assert not re.findall(r"[\u4e00-\u9fff]+", text)

"""English pages in a real browser (issue 18 §2): the penalty list, the lists, the complaint form and the entity
portal at 1280 px and 390 px with the English cookie; nothing runs off the side on a phone.

Screenshots go to $I18N_SHOTS (default: a temporary directory); the issue's notes keep them under
/work/notes/shots/i18n/.
"""

import os
import tempfile
from pathlib import Path

import pytest

from enterprise.models import EntityAccount

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("I18N_SHOTS") or tempfile.mkdtemp(prefix="i18n-shots-"))
WIDTHS = {"desktop": 1280, "phone": 390}
PAGES = [
    ("penalties", "/penalties/", "Administrative Penalties"),
    ("lists", "/lists/", "Credit Lists"),
    ("complaint", "/complaints/new/", "Your complaint or report"),
    ("grades", "/credit/grades/", "The four credit grades"),
]


def english_page(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies([{"name": "django_language", "value": "en", "domain": host, "path": "/"}])
    return context, context.new_page()


def no_overflow(page, width):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, page.url


def test_public_pages_in_english(browser, live_server, make_entity):
    make_entity()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        context, page = english_page(browser, live_server, width)
        for name, path, heading in PAGES:
            response = page.goto(live_server.url + path)
            assert response.status == 200 and response.headers["content-language"] == "en"
            assert heading in page.inner_text("body"), path
            no_overflow(page, width)
            page.screenshot(path=str(SHOTS / f"{name}-en-{label}.png"), full_page=True)
        context.close()


def test_entity_portal_in_english(browser, live_server, make_entity, django_user_model):
    entity = make_entity(name="郑州自贸区外资测试有限公司")
    user = django_user_model.objects.create_user(username="liaison-en", password="Entity-Secret-123")
    EntityAccount.objects.create(
        user=user,
        entity=entity,
        full_name="Anna Smith",
        mobile="13800000000",
        email="a@example.com",
        is_first_liaison=True,
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        context, page = english_page(browser, live_server, width)
        page.goto(live_server.url + "/enterprise/login/")
        assert "Entity portal sign-in" in page.inner_text("body")
        page.fill("input[name=username]", "liaison-en")
        page.fill("input[name=password]", "Entity-Secret-123")
        page.click("main form button[type=submit]")  # not the header's language switch
        page.wait_for_url("**/enterprise/")
        body = page.inner_text("body")
        assert "Credit file" in body and "My applications" in body and "Services" in body
        assert "the Chinese text is legally authoritative" in body
        assert entity.name in body  # names stay as registered
        no_overflow(page, width)
        page.screenshot(path=str(SHOTS / f"enterprise-home-en-{label}.png"), full_page=True)
        page.goto(live_server.url + "/enterprise/file/")
        assert "Credit grade" in page.inner_text("body")
        no_overflow(page, width)
        page.screenshot(path=str(SHOTS / f"enterprise-file-en-{label}.png"), full_page=True)
        context.close()

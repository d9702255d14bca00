"""The browser verifier on /inspections/verify/ (issue 11 §4): an auditor with the seed share, the public
value and population.csv recomputes a hmac-sha256-v2 draw in a real browser (Debian chromium)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from inspections import commitments, services
from tests.inspections import conftest as inspections_world

make_item = inspections_world.make_item
make_inspector = inspections_world.make_inspector

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_browser_verifier_recomputes_a_v2_draw(
    browser, live_server, make_entity, evaluate, make_item, make_inspector, django_user_model, dept_a
):
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI), tick=False):
        entities = [make_entity(industry_code="I6513") for _ in range(9)]
        evaluate([e.uscc for e in entities])
        for _ in range(2):
            make_inspector(dept_a)
        plan = services.plan_save(
            actor="test",
            name="浏览器验证计划",
            year=2026,
            lead_department=dept_a,
            ratio_a=Decimal("0.5"),
            starts_on=dt.date(2026, 11, 30),
            ends_on=dt.date(2026, 12, 31),
        )
        services.plan_item_add(actor="test", plan=plan, item=make_item(dept_a))
        commitment = commitments.plan_approve(actor="test", plan=plan)
    carol = django_user_model.objects.create_user(username="carol", password="pw-Secret-123", department=dept_a)
    with time_machine.travel(dt.datetime(2026, 11, 24, 22, 0, tzinfo=SHANGHAI), tick=False):
        draw = commitments.commitment_reveal(actor=carol, plan=plan, public_value="03 11 17 22 28 31 09")
    page = browser.new_page()
    page.goto(f"{live_server.url}/inspections/verify/?draw={draw.pk}")
    assert page.input_value("#verifier-value") == "03 11 17 22 28 31 09"  # the published value is filled in
    page.fill("#verifier-share", commitment.seed_share)
    page.fill("#verifier-ratios", "A=0.5 B=0.03 C=0.10 D=0.30")
    page.set_input_files(
        "#verifier-population",
        files=[{"name": "population.csv", "mimeType": "text/csv", "buffer": draw.population.encode("ascii")}],
    )
    page.click("#draw-verifier button[type=submit]")
    page.wait_for_selector("#draw-verifier-output[data-state=done]", timeout=10000)
    output = page.inner_text("#draw-verifier-output")
    assert draw.seed in output and "完全一致" in output
    assert (
        page.locator("#draw-verifier-output [data-check=ok]").count() == 3
    )  # population hash, share commitment, selection
    assert page.locator("#draw-verifier-output [data-check=bad]").count() == 0
    assert sorted(page.inner_text("#draw-verifier-output [data-selected]").split()) == sorted(
        draw.selections.values_list("entity", flat=True)
    )

    # A wrong share is caught against the commitment published at approval.
    page.fill("#verifier-share", "0" * 64)
    page.click("#draw-verifier button[type=submit]")
    page.wait_for_selector("#draw-verifier-output[data-state=done]", timeout=10000)
    assert page.locator("#draw-verifier-output [data-check=bad]").count() == 2  # share commitment and selection
    page.close()

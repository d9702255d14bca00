"""``hmac-sha256-v2`` draws (issue 11 §4, DOMAIN §4): the draw does not leak the risk class, and the
platform does not choose its own luck.

Found 1: from a v1 plan page, HMAC(seed, USCC) of each selected entity with the published per-class
ratios identified high-risk entities. Found 2: the platform drew its own seed, so it could redraw
until it liked the result. Users: alice drafts, carol (same department) approves or enters the public
value, an auditor (监督人员) of another department reads everything, and an anonymous visitor.
"""

import datetime as dt
import hashlib
import hmac
import math
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from core.choices import Role
from core.models import AuditEvent
from credit.models import EntityCredit
from inspections import commitments, services
from inspections import draw as draw_algo
from inspections.models import Draw, DrawCommitment
from tests.conftest import record_data

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
LOTTERY_DAY = dt.date(2026, 11, 24)  # the first 双色球 draw day after 2026-11-22 (a Tuesday)
PUBLIC_VALUE = "03 11 17 22 28 31 09"
LOW, HIGH = 60, 6  # class A and class D entities in scope
RATIO_A, RATIO_D = Decimal("0.25"), Decimal("0.5")


def after_lottery(day=LOTTERY_DAY):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 22, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def carol(make_official, dept_a):
    return make_official("carol", dept_a)


@pytest.fixture
def auditor(make_official, dept_b):
    return make_official("auditor", dept_b, role=Role.AUDITOR)


@pytest.fixture
def world(make_entity, evaluate, push, make_inspector, dept_a, frozen_today):
    """60 low-risk entities (class A) and 6 high-risk ones (class D, a serious penalty each)."""
    low = [make_entity(industry_code="I6513", name=f"郑州金水商贸有限公司{i}") for i in range(LOW)]
    high = [make_entity(industry_code="H6210", name=f"郑州二七餐饮有限公司{i}") for i in range(HIGH)]
    push(*[record_data(e.uscc, f"郑市监罚〔2026〕{i + 1}号", severity="serious") for i, e in enumerate(high)])
    evaluate()
    classes = dict(EntityCredit.objects.values_list("entity_id", "risk_class"))
    assert {classes[e.uscc] for e in low} == {"A"} and {classes[e.uscc] for e in high} == {"D"}
    for _ in range(3):
        make_inspector(dept_a)
    return {"low": {e.uscc for e in low}, "high": {e.uscc for e in high}}


@pytest.fixture
def drafted(make_item, alice, dept_a, world):
    """A plan drafted by alice (the drafter)."""
    plan = services.plan_save(
        actor=alice,
        name="2026年商贸餐饮双随机抽查",
        year=2026,
        lead_department=dept_a,
        ratio_a=RATIO_A,
        ratio_d=RATIO_D,
        starts_on=dt.date(2026, 11, 30),
        ends_on=dt.date(2026, 12, 31),
    )
    services.plan_item_add(actor=alice, plan=plan, item=make_item(dept_a))
    return plan


@pytest.fixture
def committed(drafted, carol):
    """Approved by carol on 2026-11-22: the commitment names the 双色球 of 2026-11-24."""
    return commitments.plan_approve(actor=carol, plan=drafted)


@pytest.fixture
def drawn(committed, carol):
    with after_lottery():
        return commitments.commitment_reveal(actor=carol, plan=committed.plan, public_value=PUBLIC_VALUE)


def public_pages(client, draw) -> str:
    """Everything an anonymous visitor can read about the plan and its draw."""
    html = ""
    for url in (
        "/inspections/",
        f"/inspections/plans/{draw.plan_id}/",
        f"/inspections/draws/{draw.pk}/",
        f"/inspections/verify/?draw={draw.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html += response.content.decode()
    return html


def recompute(seed: str, population: bytes, ratios: dict) -> set:
    """A third party's own implementation of DOMAIN §4 (not the code under test)."""
    strata = {}
    for line in population.decode("ascii").splitlines():
        uscc, stratum = line.split(",")
        strata.setdefault(stratum, []).append(
            (hmac.new(bytes.fromhex(seed), uscc.encode("ascii"), hashlib.sha256).hexdigest(), uscc)
        )
    return {
        uscc
        for stratum, ranked in strata.items()
        for _, uscc in sorted(ranked)[: math.ceil(Decimal(ratios[stratum]) * len(ranked))]
    }


# --- the leak ---------------------------------------------------------------------------------------


def test_public_plan_page_does_not_reveal_risk_class(client, api, drawn, world):
    """Found 1. The public pages carry no seed, no seed share, no strata, no per-class ratio or count,
    and ranking the selected entities by HMAC(any value shown, USCC) against the ratios (the v1
    attack, which flagged 11 of 41 selected as class D, all correctly) does no better than guessing."""
    draw, commitment = drawn, drawn.commitment
    html = public_pages(client, draw)
    selected = set(draw.selections.values_list("entity", flat=True))
    assert selected and selected & world["high"] and selected & world["low"]
    assert all(code in html for code in selected)  # the selection and the totals are public
    assert commitment.seed_share_sha256 in html and draw.population_sha256 in html and PUBLIC_VALUE in html
    assert f"{len(selected)} 户" in html and f"{LOW + HIGH} 户" in html

    # The ingredients of the v1 attack are absent.
    assert commitment.seed_share not in html and draw.seed not in html
    assert 'class="strata"' not in html and "抽查比例</h2>" not in html
    for stratum in "ABCD":
        assert f"{stratum}类" not in html and f'"{stratum}":' not in html
    for figure in (
        "25%",
        "50%",
        "0.25",
        "0.5000",
        str(math.ceil(RATIO_A * LOW)) + " 户",
        str(math.ceil(RATIO_D * HIGH)) + " 户",
    ):
        assert figure not in html, figure
    # The API (with the strata and the share) is not public.
    assert api.get(f"/api/v1/inspection-plans/{draw.plan_id}/").status_code == 401
    assert api.get(f"/api/v1/draws/{draw.pk}/population.csv").status_code == 401

    # The v1 attack with every value the pages show, as a key or through the v2 derivation.
    shown = set(re.findall(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", html))
    keys = [bytes.fromhex(h) for h in shown] + [PUBLIC_VALUE.encode()]
    keys += [hmac.new(bytes.fromhex(h), PUBLIC_VALUE.encode(), hashlib.sha256).digest() for h in shown]
    assert len(keys) >= 5
    for key in keys:
        # With the real seed a selected entity whose HMAC fraction exceeds the class A ratio must be
        # of a higher class; with a value from the public pages the fraction is unrelated to the class.
        flagged = {
            code
            for code in selected
            if int(hmac.new(key, code.encode(), hashlib.sha256).hexdigest(), 16) / 2**256 > RATIO_A
        }
        assert not flagged or not flagged <= world["high"], "public values single out class D entities"
    # Guessing from the selection alone is all that is left: the base rate of class D among the selected.
    assert len(selected & world["high"]) / len(selected) < 0.5


def test_v1_attack_still_works_on_an_old_v1_page(client, make_plan, world):
    """The same check catches the leak on a v1 draw (kept unchanged for old draws): the seed and the
    per-class figures are on the page."""
    plan = make_plan(ratio_a=RATIO_A, ratio_d=RATIO_D)
    draw = services.draw_run(actor="test", plan=plan)
    html = public_pages(client, draw)
    assert draw.seed in html and 'class="strata"' in html and "D类" in html and "50%" in html


# --- approval: the commitment -----------------------------------------------------------------------


def test_commitment_published_at_approval(client, committed, world):
    """Found 2. At approval the page shows SHA-256 of the seed share and of the population file and the
    named future public value, before anyone can know the draw; the share itself never."""
    commitment = committed
    assert commitment.plan.state == "approved" and not Draw.objects.exists()
    assert commitment.seed_share_sha256 == hashlib.sha256(bytes.fromhex(commitment.seed_share)).hexdigest()
    assert commitment.population_sha256 == hashlib.sha256(commitment.population.encode("ascii")).hexdigest()
    assert commitment.population_size == LOW + HIGH and commitment.public_value_date == LOTTERY_DAY
    assert commitment.public_value_source.startswith("2026年11月24日开奖的中国福利彩票“双色球”开奖号码")
    html = client.get(f"/inspections/plans/{commitment.plan_id}/").content.decode()
    assert commitment.seed_share_sha256 in html and commitment.population_sha256 in html
    assert (
        "2026年11月24日开奖的中国福利彩票“双色球”开奖号码" in html
        and "待公开随机数公布" in html
        and "2026年11月22日" in html
    )
    assert commitment.seed_share not in html and "抽查比例</h2>" not in html
    event = AuditEvent.objects.get(action="draw.commit")
    assert event.after["seed_share_sha256"] == commitment.seed_share_sha256 and commitment.seed_share not in str(
        event.after
    )


def test_public_value_must_not_exist_yet(drafted, carol):
    with pytest.raises(ValidationError, match="承诺公布之后的日期"):
        commitments.plan_approve(actor=carol, plan=drafted, public_value_date=dt.date(2026, 11, 22))


def test_public_value_cannot_be_entered_before_its_date(committed, carol):
    with pytest.raises(ValidationError, match="不能提前录入"):
        commitments.commitment_reveal(actor=carol, plan=committed.plan, public_value=PUBLIC_VALUE)
    assert not Draw.objects.exists()


def test_platform_cannot_draw_its_own_seed_on_a_v2_plan(committed, drawn):
    """Found 2: once a plan is v2, the v1 path (a seed of the platform's choosing) is refused."""
    with pytest.raises(ValidationError, match="hmac-sha256-v2"):
        services.draw_run(actor="test", plan=committed.plan, reason="换一个种子", seed="ab" * 32)
    assert Draw.objects.filter(plan=committed.plan).count() == 1


# --- the draw: two-person rule ----------------------------------------------------------------------


def test_public_value_entered_by_second_official(drawn, carol, world):
    commitment = DrawCommitment.objects.get(pk=drawn.commitment_id)
    assert commitment.public_value == PUBLIC_VALUE and commitment.public_value_by == carol
    assert drawn.algorithm == "hmac-sha256-v2" and drawn.drawn_by == carol
    assert (
        drawn.seed
        == hmac.new(bytes.fromhex(commitment.seed_share), PUBLIC_VALUE.encode("utf-8"), hashlib.sha256).hexdigest()
    )
    assert drawn.population_sha256 == commitment.population_sha256
    assert drawn.plan.state == "drawn" and drawn.tasks.count() == math.ceil(RATIO_A * LOW) + math.ceil(RATIO_D * HIGH)
    event = AuditEvent.objects.get(action="draw.run", target_id=str(drawn.pk))
    assert event.after["public_value"] == PUBLIC_VALUE and event.after["commitment"] == commitment.pk


def test_drafter_cannot_enter_public_value(committed, alice, client):
    with after_lottery():
        with pytest.raises(ValidationError, match="计划起草人不能录入公开随机数"):
            commitments.commitment_reveal(actor=alice, plan=committed.plan, public_value=PUBLIC_VALUE)
        client.force_login(alice)
        response = client.post(
            "/admin/inspections/inspectionplan/",
            {
                "action": "reveal",
                "_selected_action": [str(committed.plan_id)],
                "apply": "1",
                "public_value": PUBLIC_VALUE,
            },
        )
    assert any("计划起草人不能录入公开随机数" in str(m) for m in response.wsgi_request._messages)
    assert not Draw.objects.exists() and DrawCommitment.objects.get(pk=committed.pk).public_value == ""


def test_drafter_cannot_approve_own_plan(drafted, alice):
    with pytest.raises(ValidationError, match="起草人以外"):
        commitments.plan_approve(actor=alice, plan=drafted)
    drafted.refresh_from_db()
    assert drafted.state == "draft" and not DrawCommitment.objects.exists()


def test_approver_may_enter_public_value(committed, carol):
    """Decision: the approver may enter the value (it is public and checkable); only the drafter may not."""
    assert committed.committed_by == carol
    with after_lottery():
        draw = commitments.commitment_reveal(actor=carol, plan=committed.plan, public_value=f"  {PUBLIC_VALUE}  ")
    assert draw.commitment.public_value == PUBLIC_VALUE  # surrounding spaces are not part of the value


def test_draw_uses_population_committed_at_approval(committed, carol, make_entity, evaluate, push):
    """The roster changes between approval and draw (a new entity, a class change): the draw runs on the
    committed file, byte for byte, and its audit event counts the difference."""
    newcomer = make_entity(industry_code="I6513")
    evaluate([newcomer.uscc])
    with after_lottery():
        draw = commitments.commitment_reveal(actor=carol, plan=committed.plan, public_value=PUBLIC_VALUE)
    assert draw.population_sha256 == committed.population_sha256 and draw.population == committed.population
    assert newcomer.uscc not in draw.population
    event = AuditEvent.objects.get(action="draw.run", target_id=str(draw.pk))
    assert event.after["roster_since_commitment"] == {"left_scope": 0, "joined_scope": 1}


def test_tampered_commitment_population_is_refused(committed, carol):
    DrawCommitment.objects.filter(pk=committed.pk).update(population=committed.population.replace(",A\n", ",D\n", 1))
    with after_lottery(), pytest.raises(ValidationError, match="承诺的名录文件与公布的哈希不一致"):
        commitments.commitment_reveal(actor=carol, plan=committed.plan, public_value=PUBLIC_VALUE)


def test_v2_redraw_needs_a_new_commitment_with_a_reason(drawn, carol):
    plan = drawn.plan
    with after_lottery():
        with pytest.raises(ValidationError, match="重新摇号须说明理由"):
            commitments.draw_commit(actor=carol, plan=plan)
        second = commitments.draw_commit(actor=carol, plan=plan, reason="抽查事项调整，重新摇号")
    assert second.public_value_date == dt.date(2026, 11, 26)  # the next 双色球 day after the 24th
    with after_lottery(dt.date(2026, 11, 26)):
        redraw = commitments.commitment_reveal(actor=carol, plan=plan, public_value="01 05 09 13 21 33 16")
    drawn.refresh_from_db()
    assert drawn.superseded and not redraw.superseded and redraw.reason == "抽查事项调整，重新摇号"
    assert redraw.commitment == second and DrawCommitment.objects.filter(plan=plan).count() == 2


# --- auditors and the API ---------------------------------------------------------------------------


def test_v2_draw_recomputable_from_seed_share_and_public_value(api, api_key, drawn, world):
    """An inspections:read client gets the share and the public value (API.md, additive) and recomputes
    the commitment, the seed, the population hash and the selection with its own code."""
    _, key = api_key(("inspections:read",))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    (got,) = api.get(f"/api/v1/inspection-plans/{drawn.plan_id}/").json()["draws"]
    assert got["algorithm"] == "hmac-sha256-v2"
    assert set(got) >= {"seed_share", "seed_share_sha256", "public_value", "public_value_source"}
    assert hashlib.sha256(bytes.fromhex(got["seed_share"])).hexdigest() == got["seed_share_sha256"]
    seed = hmac.new(bytes.fromhex(got["seed_share"]), got["public_value"].encode("utf-8"), hashlib.sha256).hexdigest()
    assert seed == got["seed"] and got["public_value"] == PUBLIC_VALUE
    population = api.get(got["population_url"]).content
    assert hashlib.sha256(population).hexdigest() == got["population_sha256"]
    ratios = {s["stratum"]: s["ratio"] for s in got["strata"]}
    assert recompute(seed, population, ratios) == {s["uscc"] for s in got["selected"]}
    # The inspectors too: HMAC-SHA256(seed, USCC + ":" + certificate no.).
    for member in drawn.tasks.first().team.select_related("inspector", "task"):
        expected = hmac.new(
            bytes.fromhex(seed), f"{member.task.entity_id}:{member.inspector.certificate_no}".encode(), hashlib.sha256
        ).hexdigest()
        assert member.digest == expected
    call_command("verify_draw", str(drawn.pk))


def test_verify_draw_command_checks_the_v2_commitment(drawn, capsys):
    call_command("verify_draw", str(drawn.pk))
    out = capsys.readouterr().out
    assert "种子份额承诺值" in out and PUBLIC_VALUE in out and "校验通过" in out
    DrawCommitment.objects.filter(pk=drawn.commitment_id).update(public_value="04 11 17 22 28 31 09")
    with pytest.raises(CommandError):
        call_command("verify_draw", str(drawn.pk))
    assert "摇号种子不等于 HMAC-SHA256(种子份额, 公开随机数)" in capsys.readouterr().out


def test_auditor_sees_seed_share(client, auditor, alice, drawn):
    """监督人员 (of another department) see every plan's draw read-only with the share and population.csv;
    the officials of the plan see the commitment's public half only."""
    share = drawn.commitment.seed_share
    client.force_login(auditor)
    assert share in client.get(f"/admin/inspections/draw/{drawn.pk}/change/").content.decode()
    assert share in client.get(f"/admin/inspections/drawcommitment/{drawn.commitment_id}/change/").content.decode()
    for url in (
        f"/admin/inspections/draw/{drawn.pk}/population.csv",
        f"/admin/inspections/drawcommitment/{drawn.commitment_id}/population.csv",
    ):
        response = client.get(url)
        assert response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == drawn.population_sha256
    assert drawn.plan.name in client.get("/admin/inspections/inspectionplan/").content.decode()
    # Read-only: the auditor cannot approve, commit or draw.
    client.post(
        "/admin/inspections/inspectionplan/",
        {
            "action": "commit",
            "_selected_action": [str(drawn.plan_id)],
            "apply": "1",
            "public_value_date": "2026-11-26",
            "reason": "监督人员试图重新摇号",
        },
    )
    assert DrawCommitment.objects.count() == 1

    client.force_login(alice)
    page = client.get(f"/admin/inspections/draw/{drawn.pk}/change/").content.decode()
    assert drawn.commitment.seed_share_sha256 in page and share not in page
    assert share not in client.get(f"/admin/inspections/drawcommitment/{drawn.commitment_id}/change/").content.decode()
    assert client.get(f"/admin/inspections/drawcommitment/{drawn.commitment_id}/population.csv").status_code == 404


def test_v1_draws_still_verify(client, api, api_key, make_plan, world):
    """Old draws keep their algorithm, their public page and their API shape, and still verify."""
    plan = make_plan(ratio_a=RATIO_A, ratio_d=RATIO_D)
    draw = services.draw_run(actor="test", plan=plan)
    assert draw.algorithm == "hmac-sha256-v1" and draw.commitment is None
    assert services.verify_draw(draw)["ok"]
    call_command("verify_draw", str(draw.pk))
    html = client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert draw.seed in html and "抽查比例</h2>" in html and "摇号承诺" not in html
    _, key = api_key(("inspections:read",))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    (got,) = api.get(f"/api/v1/inspection-plans/{plan.pk}/").json()["draws"]
    assert list(got) == [
        "id",
        "algorithm",
        "seed",
        "drawn_at",
        "reason",
        "population_sha256",
        "population_url",
        "strata",
        "selected",
    ]
    population = api.get(got["population_url"]).content
    assert recompute(got["seed"], population, {s["stratum"]: s["ratio"] for s in got["strata"]}) == {
        s["uscc"] for s in got["selected"]
    }
    assert draw_algo.ALGORITHM == "hmac-sha256-v1"

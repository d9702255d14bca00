"""The verifiable draw (DOMAIN §4) and the inspector draw (行政处罚法 第42–43条)."""

import datetime as dt
import hashlib
import hmac
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from credit.models import EntityCredit
from inspections import draw as algo
from inspections import services
from inspections.choices import TaskState
from inspections.models import TeamMember
from supervision import services as sv

pytestmark = pytest.mark.django_db


def test_draw_is_reproducible_from_its_seed_and_population(
    make_plan, graded_entities, make_inspector, dept_a, frozen_today
):
    graded_entities(40, industry_code="I6513")
    for _ in range(4):
        make_inspector(dept_a)
    draw = services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("0.10")))
    population = draw.population.encode("ascii")
    assert hashlib.sha256(population).hexdigest() == draw.population_sha256
    assert population.endswith(b"\n") and population.decode("ascii").splitlines() == sorted(
        population.decode("ascii").splitlines()
    )
    again = algo.draw(draw.seed, population, {"A": Decimal("0.10")})
    assert sorted(c for c, *_ in again.selected) == sorted(draw.selections.values_list("entity", flat=True))
    assert services.verify_draw(draw)["ok"]
    assert len(draw.seed) == 64 and draw.algorithm == "hmac-sha256-v1"


def test_draw_takes_exactly_ceil_ratio_times_size_per_stratum():
    rows = [(f"91410100MA{i:07d}X", "ABCD"[i % 4]) for i in range(1001)]
    outcome = algo.draw(
        algo.new_seed(), algo.population_file(rows), {"A": "0.01", "B": "0.03", "C": "0.10", "D": "0.30"}
    )
    sizes = {s["stratum"]: (s["size"], s["selected"]) for s in outcome.strata}
    assert sizes == {"A": (251, 3), "B": (250, 8), "C": (250, 25), "D": (250, 75)}  # ceil(2.51)=3, ceil(7.5)=8, 25, 75
    assert (
        algo.take(Decimal("0.03"), 100) == 3
        and algo.take(Decimal("0.03"), 101) == 4
        and algo.take(Decimal("0.1"), 30) == 3
    )


def test_draw_strata_are_risk_classes(make_plan, make_entity, evaluate, make_inspector, dept_a, push, frozen_today):
    from tests.conftest import record_data

    low = [make_entity(industry_code="I6513") for _ in range(3)]
    high = make_entity(industry_code="H6210")
    push(record_data(high.uscc, "P-1", severity="serious"))
    evaluate()
    for _ in range(2):
        make_inspector(dept_a)
    draw = services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("0"), ratio_d=Decimal("1")))
    assert EntityCredit.objects.get(entity_id=high.uscc).risk_class == "D"
    assert list(draw.selections.values_list("entity", "stratum")) == [(high.uscc, "D")]
    assert {s["stratum"]: s["size"] for s in draw.strata} == {"A": len(low), "D": 1}


def test_conflicted_and_expired_inspectors_are_never_drawn(
    make_plan, graded_entities, make_inspector, dept_a, frozen_today
):
    entities = graded_entities(6, industry_code="I6513")
    valid = [make_inspector(dept_a) for _ in range(3)]
    expired = make_inspector(dept_a, valid_to=dt.date(2026, 12, 1))  # expires before the plan ends
    inactive = make_inspector(dept_a, active=False)
    conflicted = valid[0]
    sv.inspector_conflict_declare(
        actor="test",
        inspector=conflicted,
        entity_uscc=entities[0].uscc,
        reason="近亲属任高管",
        declared_on=dt.date(2026, 1, 1),
    )
    draw = services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("1")))
    members = TeamMember.objects.filter(task__draw=draw)
    assert not members.filter(inspector__in=[expired, inactive]).exists()
    assert not members.filter(inspector=conflicted, task__entity=entities[0].uscc).exists()
    for task in draw.tasks.all():
        assert task.team.count() >= 2  # 行政处罚法 第42条


def test_workload_is_balanced(make_plan, graded_entities, make_inspector, dept_a, frozen_today):
    graded_entities(12, industry_code="I6513")
    inspectors = [make_inspector(dept_a) for _ in range(6)]
    draw = services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("1")))
    loads = [TeamMember.objects.filter(task__draw=draw, inspector=i).count() for i in inspectors]
    assert sum(loads) == 24 and max(loads) - min(loads) <= 1


def test_joint_plan_each_department_draws_its_own_inspectors(
    make_plan, graded_entities, make_inspector, dept_a, dept_b, frozen_today
):
    graded_entities(5, industry_code="I6513")
    for department in (dept_a, dept_a, dept_b, dept_b, dept_b):
        make_inspector(department)
    plan = make_plan(joint=[dept_b], ratio_a=Decimal("1"))
    draw = services.draw_run(actor="test", plan=plan)
    for task in draw.tasks.all():
        assert task.team.filter(department=dept_a).count() == 2 and task.team.filter(department=dept_b).count() == 2
        assert {pi.department_id for pi in plan.items.all()} == {dept_a.pk, dept_b.pk}  # 进一次门、查多项事


def test_an_entity_that_cannot_be_staffed_is_reported_not_dropped(
    make_plan, graded_entities, make_inspector, dept_a, frozen_today
):
    entities = graded_entities(2, industry_code="I6513")
    a, b = make_inspector(dept_a), make_inspector(dept_a)
    sv.inspector_conflict_declare(
        actor="test",
        inspector=a,
        entity_uscc=entities[0].uscc,
        reason="曾任该企业顾问",
        declared_on=dt.date(2026, 1, 1),
    )
    draw = services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("1")))
    task = draw.tasks.get(entity=entities[0].uscc)
    assert task.state == TaskState.UNSTAFFED and "仅 1 名" in task.unstaffed_reason
    assert draw.tasks.get(entity=entities[1].uscc).team.count() == 2
    assert b.pk in TeamMember.objects.filter(task__draw=draw).values_list("inspector", flat=True)


def test_previous_inspectors_are_not_sent_again_unless_no_one_else_qualifies(
    make_plan, graded_entities, make_inspector, dept_a, frozen_today
):
    entities = graded_entities(1, industry_code="I6513")
    inspectors = [make_inspector(dept_a) for _ in range(3)]
    first = services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("1"), name="上半年"))
    first_team = set(first.tasks.get().team.values_list("inspector", flat=True))
    second = services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("1"), name="下半年"))
    second_members = list(second.tasks.get().team.all())
    # Only one fresh inspector: one of the last team must go again, with the reason recorded.
    assert len(set(m.inspector_id for m in second_members) - first_team) == 1
    repeated = [m for m in second_members if m.inspector_id in first_team]
    assert repeated and all("不足" in m.repeat_reason for m in repeated)
    assert len(inspectors) == 3 and entities


def make_item_for(department, name, *, object_type, is_key, code):
    """An item whose 监管对象 is ``object_type`` (the conftest's items are all 企业)."""
    item = sv.item_save(actor="test", catalogue_code=code, name=name, department=department)
    sv.item_version_create(
        actor="test",
        item=item,
        effective_from=dt.date(2026, 1, 1),
        object_type=object_type,
        method="on_site",
        legal_basis="《中华人民共和国特种设备安全法》第五十七条",
        supervision_level="city",
        is_random=not is_key,
        is_key=is_key,
        default_ratio=Decimal("1") if is_key else Decimal("0.01"),
    )
    return item


def test_key_item_covers_its_scope_while_sampled_items_keep_their_ratio(
    make_plan, make_entity, evaluate, make_inspector, dept_a, frozen_today
):
    """Issue 12 §5 / DOMAIN §4: one 重点监管 item used to make every item cover every entity (2 of 200
    became 200 of 200). Now the sampled item is drawn at its ratio, the key item covers every entity in
    its own scope (here: the 个体工商户), and a task carries only the items that apply to its entity."""
    from tests.conftest import valid_uscc

    companies = [make_entity(industry_code="I6513") for _ in range(180)]
    shops = [
        make_entity(
            uscc_code=valid_uscc(f"924101005{n:08d}"),
            entity_type="individual",
            industry_code="I6513",
            name=f"个体户{n}",
        )
        for n in range(20)
    ]
    evaluate()
    for _ in range(3):
        make_inspector(dept_a)
    sampled = make_item_for(dept_a, "食品经营监督检查", object_type="all", is_key=False, code="41000000000101")
    key = make_item_for(
        dept_a, "个体工商户特种设备重点监管", object_type="individual", is_key=True, code="41000000000102"
    )
    plan = make_plan(items=[sampled, key], ratio_a=Decimal("0.01"))

    draw = services.draw_run(actor="test", plan=plan)

    # The random draw: sampled items only, at the plan's ratio over all 200 (ceil(0.01 × 200) = 2).
    assert draw.population_size == 200 and draw.selections.count() == 2
    drawn = set(draw.selections.values_list("entity", flat=True))
    # The key coverage: a deterministic addition, recorded separately (every 个体工商户, no sampling).
    shop_codes = {e.uscc for e in shops}
    covered = set(algo.parse_coverage(draw.key_coverage.encode("ascii")))
    assert covered == shop_codes and draw.key_coverage_size == 20
    assert draw.key_coverage_sha256 == hashlib.sha256(draw.key_coverage.encode("ascii")).hexdigest()
    # One task per drawn or covered entity; nobody else is visited (检查过多和执法扰民, seed 003).
    tasks = {t.entity_id: t for t in draw.tasks.prefetch_related("items__item_version__item")}
    assert set(tasks) == drawn | shop_codes and len(tasks) < 200
    for code, task in tasks.items():
        carried = {i.item_version.item_id for i in task.items.all()}
        expected = ({sampled.pk} if code in drawn else set()) | ({key.pk} if code in shop_codes else set())
        assert carried == expected, code
        assert task.drawn == (code in drawn)
    assert sum(1 for t in tasks.values() if not t.drawn) >= 18  # covered, not drawn: the key item only
    assert {e.uscc for e in companies} & set(tasks) <= drawn
    # Verifiable as before: the selection from the seed and the population file, the tasks from both.
    assert sorted(
        c for c, *_ in algo.draw(draw.seed, draw.population.encode("ascii"), {"A": Decimal("0.01")}).selected
    ) == sorted(drawn)
    assert services.verify_draw(draw)["ok"]


def test_a_plan_of_key_items_only_draws_nobody_and_covers_their_scope(
    make_plan, make_item, graded_entities, make_inspector, dept_a, frozen_today
):
    entities = graded_entities(7, industry_code="I6513")
    for _ in range(2):
        make_inspector(dept_a)
    draw = services.draw_run(
        actor="test", plan=make_plan(items=[make_item(dept_a, name="特种设备重点监管", is_key=True)])
    )
    assert draw.key_supervision and draw.selections.count() == 0 and draw.population == "" and draw.population_size == 0
    assert draw.tasks.count() == draw.key_coverage_size == len(entities) and not draw.tasks.filter(drawn=True).exists()
    assert services.verify_draw(draw)["ok"]


def test_redraw_needs_a_reason_and_keeps_the_old_draw(make_plan, graded_entities, make_inspector, dept_a, frozen_today):
    graded_entities(10, industry_code="I6513")
    for _ in range(2):
        make_inspector(dept_a)
    plan = make_plan(ratio_a=Decimal("0.3"))
    first = services.draw_run(actor="test", plan=plan)
    with pytest.raises(ValidationError, match="理由"):
        services.draw_run(actor="test", plan=plan)
    second = services.draw_run(actor="test", plan=plan, reason="名录导入遗漏金水区主体，重新摇号")
    first.refresh_from_db()
    assert first.superseded and first.selections.exists() and not first.tasks.exists()
    assert second.tasks.count() == second.selections.count() == 3


def test_public_info_check_keeps_the_3_percent_floor(make_plan, graded_entities, make_inspector, dept_a, frozen_today):
    graded_entities(100, industry_code="I6513")
    for _ in range(2):
        make_inspector(dept_a)
    with pytest.raises(ValidationError, match="不得低于3%"):
        services.draw_run(actor="test", plan=make_plan(is_public_info_check=True, ratio_a=Decimal("0.02")))


def test_three_percent_floor_accepted_at_exactly_3_percent(
    make_plan, graded_entities, make_inspector, dept_a, frozen_today
):
    """DOMAIN §4: 公示信息抽查 at least 3% overall. Exactly 3% is enough (the share was a float, and
    0.03 as a float is below Decimal("0.03")); one entity fewer in a thousand is not."""
    plan = make_plan(is_public_info_check=True, approve=False)
    services.check_public_info_floor(plan, [{"stratum": "A", "size": 1000, "selected": 30}])  # exactly 3%: accepted
    with pytest.raises(ValidationError, match="不得低于3%"):
        services.check_public_info_floor(plan, [{"stratum": "A", "size": 1000, "selected": 29}])  # 2.9%: refused
    graded_entities(100, industry_code="I6513")
    for _ in range(2):
        make_inspector(dept_a)
    draw = services.draw_run(
        actor="test", plan=make_plan(is_public_info_check=True, ratio_a=Decimal("0.03"), name="公示信息抽查")
    )
    assert draw.selections.count() == 3  # 3 of 100


@settings(max_examples=200, deadline=None)
@given(key=st.binary(max_size=100), prefix=st.binary(max_size=40), message=st.binary(max_size=80))
def test_keyed_hmac_is_hmac_sha256_byte_for_byte(key, prefix, message):
    """algo.KeyedHmac (two SHA-256 states, issue 16 §4) gives RFC 2104's HMAC-SHA256, also for keys over
    one block (64 bytes) and with a prefix fed first, as the inspectors' ranking uses it."""
    keyed = algo.KeyedHmac(key)
    assert keyed.mac(message) == hmac.new(key, message, hashlib.sha256).digest()
    assert keyed.then(prefix).mac(message) == hmac.new(key, prefix + message, hashlib.sha256).digest()
    assert keyed.mac(message) == keyed.mac(message)  # the states are copied, never consumed


def test_departments_drawing_in_parallel_choose_exactly_as_one_after_the_other(
    make_plan, graded_entities, make_inspector, dept_a, dept_b, frozen_today, monkeypatch
):
    """Issue 16 §4: a big assignment is shared out among processes, one department each. Same seed,
    same members (with a conflict, an unstaffable task and a previous team in play) either way."""
    from inspections.services import draws

    entities = graded_entities(12, industry_code="I6513")
    a_team = [make_inspector(dept_a) for _ in range(4)]
    b_team = [make_inspector(dept_b) for _ in range(2)]
    for inspector in (b_team[0], a_team[0]):  # entity 0: dept_b is short (1 of 2); entity 1: one fewer in dept_a
        sv.inspector_conflict_declare(
            actor="test",
            inspector=inspector,
            entity_uscc=entities[0 if inspector is b_team[0] else 1].uscc,
            reason="近亲属任职",
            declared_on=dt.date(2026, 1, 1),
        )
    services.draw_run(actor="test", plan=make_plan(joint=[dept_b], ratio_a=Decimal("1"), name="上半年"))
    plan = make_plan(joint=[dept_b], ratio_a=Decimal("1"), name="下半年")
    seed = algo.new_seed()

    def members(parallel: bool):
        monkeypatch.setattr(draws, "PARALLEL_MIN_WORK", 0 if parallel else 10**12)
        with transaction.atomic():
            draw = services.draw_run(actor="test", plan=plan, seed=seed)
            rows = list(
                TeamMember.objects.filter(task__draw=draw)
                .order_by("id")
                .values_list("task__entity", "inspector", "department", "digest", "repeat_reason")
            )
            states = sorted(draw.tasks.values_list("entity", "state", "unstaffed_reason"))
            transaction.set_rollback(True)
        return rows, states

    serial, parallel = members(False), members(True)
    assert serial == parallel
    assert any(state == TaskState.UNSTAFFED for _, state, _ in serial[1])  # the short department's task
    assert any(reason for *_, reason in serial[0])  # someone of the previous team went again, with the reason

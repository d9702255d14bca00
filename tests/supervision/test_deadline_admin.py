"""The statutory deadlines in the admin (issue 12 §2): platform admins keep them, every official reads
them, and 本部门适用的法定时限 lists the rule that wins for a department and every rule covering it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent
from supervision import deadlines
from supervision.choices import DeadlineKind
from supervision.models import StatutoryDeadline
from supervision.services import statutory_deadline_save

pytestmark = pytest.mark.django_db

URL = "/admin/supervision/statutorydeadline/"
PAGE = URL + "department/"


@pytest.fixture
def erqi(make_department):
    return make_department(name="郑州市二七区市场监督管理局", code="EQSJ", region_code="410103", level="county")


def test_an_official_sees_the_rules_in_force_for_an_erqi_department(client, make_official, erqi, frozen_today):
    # Given an official of a 二七区 department (region 410103)
    official = make_official("erqi-official", erqi)
    client.force_login(official)
    # When they open 本部门适用的法定时限
    response = client.get(PAGE)
    page = response.content.decode()
    # Then each kind shows its rule, and 抽查检查结果公示 is the local 7 working days (seed 004 §15), beside the national 20
    assert response.status_code == 200
    assert erqi.name in page
    for label in DeadlineKind.labels:
        assert str(label) in page
    rows = {
        str(DeadlineKind(kind).label): (winner, rules) for kind, winner, rules in deadlines.rules_for_department(erqi)
    }
    winner, rules = rows["抽查检查结果公示"]
    assert winner.working_days == 7 and {r.working_days for r in rules} == {7, 20}
    assert "7个工作日" in page and "第15条" in page
    assert "2026年11月22日" in page


def test_the_department_page_is_linked_from_the_list_and_read_by_officials_of_other_departments(client, bob):
    client.force_login(bob)
    listing = client.get(URL).content.decode()
    assert PAGE in listing and "本部门适用的法定时限" in listing
    page = client.get(PAGE).content.decode()
    assert "郑州市卫生健康委员会" in page and "20个工作日" in page  # bob's own department, national rules
    assert client.get(PAGE + "?department=999999").status_code == 200  # officials cannot choose another department


def test_a_platform_admin_chooses_the_department(client, platform_admin, erqi):
    client.force_login(platform_admin)
    page = client.get(f"{PAGE}?department={erqi.pk}&on=2026-12-07").content.decode()
    assert erqi.name in page and "7个工作日" in page
    assert client.get(f"{PAGE}?department=abc").status_code == 302
    assert client.get(f"{PAGE}?on=not-a-date").status_code == 302


def test_only_platform_admins_add_or_change_statutory_deadlines(client, alice, platform_admin, frozen_today):
    client.force_login(alice)
    assert client.get(URL).status_code == 200
    assert client.get(URL + "add/").status_code == 403
    rule = StatutoryDeadline.objects.filter(kind=DeadlineKind.COMPLAINT, variant="").first()
    assert client.post(f"{URL}{rule.pk}/change/", {"citation": "改写", "note": ""}).status_code == 403
    with pytest.raises(PermissionDenied):
        statutory_deadline_save(
            actor=alice, kind=DeadlineKind.COMPLAINT, working_days=10, citation="x", effective_from=dt.date(2026, 12, 1)
        )
    # A platform admin adds a new version through the service: audited, and the open version ends the day before.
    client.force_login(platform_admin)
    response = client.post(
        URL + "add/",
        {
            "kind": DeadlineKind.CORRECTION_ORDER,
            "variant": "",
            "department": "",
            "region_code": "4101",
            "working_days": "8",
            "citation": "郑州市规定（示例）",
            "effective_from": "2026-12-01",
            "effective_to": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    added = StatutoryDeadline.objects.get(kind=DeadlineKind.CORRECTION_ORDER, region_code="4101")
    assert added.working_days == 8
    assert AuditEvent.objects.get(action="statutory_deadline.create").actor_user == platform_admin
    # A bad entry keeps what was typed and names the field.
    page = client.post(
        URL + "add/",
        {
            "kind": DeadlineKind.CORRECTION_ORDER,
            "region_code": "4101",
            "working_days": "6",
            "citation": "郑州市规定（修订）",
            "effective_from": "2026-11-01",
        },
    ).content.decode()
    assert "生效日期不能早于今天" in page and "郑州市规定（修订）" in page
    assert StatutoryDeadline.objects.filter(kind=DeadlineKind.CORRECTION_ORDER, region_code="4101").count() == 1


def test_a_new_version_ends_the_previous_one_and_a_saved_rule_keeps_its_figure(platform_admin, frozen_today):
    first = statutory_deadline_save(
        actor=platform_admin,
        kind=DeadlineKind.OTHER_ACT,
        region_code="4101",
        working_days=15,
        citation="v1",
        effective_from=dt.date(2026, 12, 1),
    )
    second = statutory_deadline_save(
        actor=platform_admin,
        kind=DeadlineKind.OTHER_ACT,
        region_code="4101",
        working_days=10,
        citation="v2",
        effective_from=dt.date(2027, 1, 1),
    )
    first.refresh_from_db()
    assert first.effective_to == dt.date(2026, 12, 31) and second.effective_to is None
    with pytest.raises(ValidationError) as err:
        statutory_deadline_save(
            actor=platform_admin,
            kind=DeadlineKind.OTHER_ACT,
            region_code="4101",
            working_days=9,
            citation="v0",
            effective_from=dt.date(2026, 12, 15),
        )
    assert "effective_from" in err.value.message_dict
    # Correcting a rule changes only its citation, note and end date
    statutory_deadline_save(
        actor=platform_admin, rule=second, citation="v2（更正文号）", note="", effective_to=dt.date(2027, 6, 30)
    )
    second.refresh_from_db()
    assert (second.citation, second.working_days, second.effective_to) == ("v2（更正文号）", 10, dt.date(2027, 6, 30))
    assert AuditEvent.objects.filter(action="statutory_deadline.update", target_id=str(second.pk)).exists()

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import AuditEvent
from supervision import services
from supervision.models import SupervisionItemVersion


def _version_fields():
    return {
        "object_type": "enterprise",
        "method": "on_site",
        "legal_basis": "《中华人民共和国食品安全法》第八十七条",
        "supervision_level": "city",
        "is_random": True,
        "default_ratio": "0.05",
    }


@pytest.fixture
def item(dept_a):
    return services.item_save(actor="test", catalogue_code="11410100000002", name="食品生产监督检查", department=dept_a)


def test_new_version_closes_the_previous_one(item):
    v1 = services.item_version_create(actor="test", item=item, effective_from=dt.date(2025, 1, 1), **_version_fields())
    v2 = services.item_version_create(actor="test", item=item, effective_from=dt.date(2026, 7, 1), **_version_fields())
    v1.refresh_from_db()
    assert (v1.version, v2.version) == (1, 2)
    assert v1.effective_to == dt.date(2026, 6, 30)
    assert v2.effective_to is None
    assert services.item_version_on(item, dt.date(2026, 6, 30)) == v1
    assert services.item_version_on(item, dt.date(2026, 7, 1)) == v2
    assert services.item_version_on(item, dt.date(2024, 12, 31)) is None
    assert AuditEvent.objects.filter(action="supervision_item_version.close").count() == 1


def test_version_cannot_start_before_an_existing_one(item):
    services.item_version_create(actor="test", item=item, effective_from=dt.date(2026, 1, 1), **_version_fields())
    with pytest.raises(ValidationError, match="生效日期须晚于"):
        services.item_version_create(actor="test", item=item, effective_from=dt.date(2025, 6, 1), **_version_fields())


def test_database_allows_one_open_version_per_item(item):
    services.item_version_create(actor="test", item=item, effective_from=dt.date(2026, 1, 1), **_version_fields())
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionItemVersion.objects.create(
            item=item, version=9, effective_from=dt.date(2027, 1, 1), **_version_fields()
        )


def test_sub_item_of_a_sub_item_is_refused(item, dept_a):
    sub = services.item_save(actor="test", catalogue_code="11410100000003", name="子项", department=dept_a, parent=item)
    with pytest.raises(ValidationError):
        services.item_save(actor="test", catalogue_code="11410100000004", name="孙项", department=dept_a, parent=sub)


def test_entity_type_is_derived_from_the_code(make_entity):
    from tests.conftest import valid_uscc

    assert make_entity(uscc_code=valid_uscc("92410105MA0000009")).entity_type == "individual"
    assert make_entity(uscc_code=valid_uscc("93410105MA0000009")).entity_type == "cooperative"


def test_bad_uscc_on_entity_is_refused_with_reason(db):
    with pytest.raises(ValidationError) as err:
        services.entity_save(actor="test", uscc="91350100M000100Y4Z", name="x", region_code="410100")
    assert "应为“3”" in str(err.value)


def test_conflict_declaration_validates_the_uscc(dept_a):
    inspector = services.inspector_save(
        actor="test",
        name="赵强",
        department=dept_a,
        certificate_no="41010023000003",
        certificate_valid_from=dt.date(2024, 1, 1),
        certificate_valid_to=dt.date(2028, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.inspector_conflict_declare(
            actor="test",
            inspector=inspector,
            entity_uscc="91350100M000100Y4Z",
            reason="亲属",
            declared_on=dt.date(2026, 1, 1),
        )


def test_observation_period_applies_by_industry_prefix(make_entity, dept_a):
    entity = make_entity(industry_code="I6450")
    services.observation_period_save(
        actor="test",
        department=dept_a,
        industry_code="I64",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        reason="新业态",
    )
    assert services.observation_period_applies(entity, dt.date(2026, 6, 1))
    assert not services.observation_period_applies(entity, dt.date(2027, 1, 1))

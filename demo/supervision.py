"""Supervision demo data for ``manage.py seed_demo`` (郑州市): departments, about 2,000 market
entities with valid USCCs, supervision items with versions and checklists, inspectors with
conflicts, observation periods and three demo logins.

Running it again adds nothing: every row has a natural key (department code, USCC, catalogue code,
certificate number …) and existing rows are left as they are. Everything is deterministic (fixed
seeds). The word lists and the entity builder live in demo/city.py.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core import audit
from core.choices import Role
from demo.city import (
    ACTOR,
    DEPARTMENTS,
    REGION_CODES,
    REGISTRATION_DEPARTMENT,
    build_entity,
    department_uscc,
    person_name,
)
from demo.registration import registration_facts
from demo.supervision_items import ITEMS, PROCEDURE, catalogue_code
from supervision import services
from supervision.models import (
    Department,
    InspectionChecklist,
    Inspector,
    InspectorConflict,
    MarketEntity,
    ObservationPeriod,
    SupervisionItem,
    SupervisionItemVersion,
)

# ---------------------------------------------------------------------------------------------
# Inspectors
# ---------------------------------------------------------------------------------------------
INSPECTOR_COUNTS = {
    "ZZSJ": 22,
    "JSSJ": 12,
    "ZYSJ": 10,
    "EQSJ": 10,
    "GCSJ": 9,
    "HJSJ": 8,
    "ZZWJ": 10,
    "ZZHJ": 6,
    "ZZYJ": 6,
    "ZZJT": 6,
    "ZZJS": 6,
    "ZZSW": 3,
    "ZZWL": 5,
    "ZZNY": 4,
    "ZZJY": 3,
}
SPECIALITIES = {
    "SJ": [
        "食品安全",
        "特种设备",
        "产品质量",
        "企业信息公示",
        "药品流通",
        "医疗器械",
        "计量",
        "价格监管",
        "广告监管",
        "网络交易",
    ],
    "ZZWJ": ["公共场所卫生", "医疗机构监管", "生活饮用水卫生", "医疗废物"],
    "ZZHJ": ["大气污染防治", "水污染防治", "固体废物", "排污许可"],
    "ZZYJ": ["工贸安全", "危险化学品", "消防安全"],
    "ZZJT": ["道路运输", "危险货物运输", "机动车维修"],
    "ZZJS": ["工程质量", "施工安全", "建筑市场"],
    "ZZSW": ["单用途预付卡", "成品油流通"],
    "ZZWL": ["文化市场", "旅游市场", "网络文化"],
    "ZZNY": ["农药", "兽药", "种子", "农产品质量"],
    "ZZJY": ["校外培训", "民办教育"],
}
CONFLICT_REASONS = [
    "近亲属担任该主体法定代表人",
    "曾在该企业任职，离职未满三年",
    "配偶持有该企业股份",
    "与该主体负责人有同学关系，申请回避",
    "近亲属在该企业担任管理人员",
]


def seed_supervision_demo(*, entities: int = 2000) -> dict:
    """Seed the supervision part in one transaction; returns the stats the command prints
    (label -> (added, total) or total)."""
    with transaction.atomic():
        stats = {}
        depts = seed_departments(stats)
        generated = seed_entities(stats, depts, entities)
        seed_items(stats, depts)
        inspectors = seed_inspectors(stats, depts)
        seed_conflicts(stats, inspectors, generated)
        seed_observation_periods(stats, depts, generated)
        seed_users(stats, depts)
    return stats


# -- departments ---------------------------------------------------------------------------
def seed_departments(stats) -> dict[str, Department]:
    depts, added = {}, 0
    for code, name, short, level, region, parent, _no in DEPARTMENTS:
        dept = Department.objects.filter(code=code).first() or Department.objects.filter(name=name).first()
        if dept is None:
            dept = services.department_save(
                actor=ACTOR,
                code=code,
                name=name,
                short_name=short,
                level=level,
                uscc=department_uscc(code, region),
                region_code=region,
                parent=depts.get(parent),
            )
            added += 1
        depts[code] = dept
    stats["监管部门"] = (added, Department.objects.count())
    return depts


# -- entities ------------------------------------------------------------------------------
def seed_entities(stats, depts, count: int) -> list[dict]:
    rng = random.Random("seed-demo-entities")
    rows = [build_entity(rng, seq) for seq in range(count)]
    codes = [r["uscc"] for r in rows]
    before = MarketEntity.objects.filter(uscc__in=codes).count()
    authority = {region: depts[REGISTRATION_DEPARTMENT.get(region, "ZZSJ")] for region in REGION_CODES}
    MarketEntity.objects.bulk_create(
        [MarketEntity(registration_authority=authority[r["region_code"]], **r, **registration_facts(r)) for r in rows],
        batch_size=1000,
        ignore_conflicts=True,
    )
    added = MarketEntity.objects.filter(uscc__in=codes).count() - before
    if added:
        audit.record(
            actor=ACTOR, action="entity.seed", target=("supervision.marketentity", "bulk"), after={"count": added}
        )
    stats["市场主体"] = (added, MarketEntity.objects.count())
    return rows


# -- items, versions, checklists -----------------------------------------------------------
def seed_items(stats, depts):
    dept_no = {d[0]: d[6] for d in DEPARTMENTS}
    rng = random.Random("seed-demo-items")
    counts = {"main": 0, "sub": 0, "version": 0, "checklist": 0}
    for main in ITEMS:
        dept = depts[main["dept"]]
        person = person_name(rng)
        item = _item(counts, "main", catalogue_code(dept_no[main["dept"]], main["no"], 0), main["name"], dept, None)
        _versions(counts, item, main, {}, person)
        for i, sub in enumerate(main["subs"], start=1):
            child = _item(counts, "sub", catalogue_code(dept_no[main["dept"]], main["no"], i), sub["name"], dept, item)
            _versions(counts, child, sub, main, person_name(rng))
            _checklists(counts, child, sub, main, dept)
    stats["监管事项（主项）"] = (counts["main"], SupervisionItem.objects.filter(parent__isnull=True).count())
    stats["监管事项（子项）"] = (counts["sub"], SupervisionItem.objects.filter(parent__isnull=False).count())
    stats["事项版本"] = (counts["version"], SupervisionItemVersion.objects.count())
    stats["检查实施清单"] = (counts["checklist"], InspectionChecklist.objects.count())


def _item(counts, kind, code, name, dept, parent):
    item = SupervisionItem.objects.filter(catalogue_code=code).first()
    if item is None:
        item = services.item_save(actor=ACTOR, catalogue_code=code, name=name, parent=parent, department=dept)
        counts[kind] += 1
    return item


def _versions(counts, item, spec, main, person):
    def get(key, default=None):
        return spec.get(key, main.get(key, default))

    is_key = bool(get("key", False))
    base = {
        "object_type": get("object", "all"),
        "method": get("method", "on_site"),
        "legal_basis": get("basis"),
        "supervision_level": "county" if item.department.level == "county" else "city",
        "procedure": PROCEDURE if not is_key else "建立监管对象台账→全覆盖检查（不抽样）→录入检查结果→公示→后续处置",
        "standard": "；".join(spec.get("checks", [])) or f"依据{get('basis')}规定的要求",
        "responsible_unit": get("unit", ""),
        "responsible_person": person,
        "is_random": not is_key,
        "is_key": is_key,
        # Key items cover every entity in scope; the ratio is then 1.
        "default_ratio": Decimal("1") if is_key else Decimal(get("ratio", "0.05")),
        "frequency": get("freq", "yearly"),
    }
    for start, changes in spec.get("versions", [("2023-01-01", {})]):
        effective_from = dt.date.fromisoformat(start)
        if item.versions.filter(effective_from__gte=effective_from).exists():
            continue
        fields = dict(base)
        if "ratio" in changes and not is_key:
            fields["default_ratio"] = Decimal(changes["ratio"])
        if "standard" in changes:
            fields["standard"] = changes["standard"]
        services.item_version_create(actor=ACTOR, item=item, effective_from=effective_from, **fields)
        counts["version"] += 1


def _checklists(counts, item, spec, main, dept):
    checks = spec.get("checks", [])
    method = spec.get("method", main.get("method", "on_site"))
    lists = [(1, f"{item.name}检查实施清单", checks)]
    if len(checks) >= 4:
        lists.append((2, f"{item.name}检查实施清单（简易版）", checks[:2]))
    for digit, name, lines in lists:
        code = f"{dept.uscc}{digit}"
        if InspectionChecklist.objects.filter(item=item, code=code).exists():
            continue
        content = "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))
        services.checklist_save(
            actor=ACTOR, item=item, department=dept, code=code, name=name, content=content, method=method
        )
        counts["checklist"] += 1


# -- inspectors ----------------------------------------------------------------------------
def seed_inspectors(stats, depts) -> list[Inspector]:
    rng = random.Random("seed-demo-inspectors")
    total = sum(INSPECTOR_COUNTS.values())
    expired = set(rng.sample(range(total), 10))
    inactive = set(rng.sample(range(total), 3))
    inspectors, added, i = [], 0, 0
    for code, n in INSPECTOR_COUNTS.items():
        dept = depts[code]
        pool = SPECIALITIES["SJ" if code.endswith("SJ") else code]
        for _ in range(n):
            if i in expired:
                valid_from = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(700))
            else:
                valid_from = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(1300))
            valid_to = valid_from.replace(year=valid_from.year + 5) - dt.timedelta(days=1)
            cert = f"{dept.region_code}{valid_from.year % 100:02d}{1000 + i:06d}"
            name, specialities = person_name(rng), rng.sample(pool, min(len(pool), rng.randint(1, 3)))
            inspector = Inspector.objects.filter(certificate_no=cert).first()
            if inspector is None:
                inspector = services.inspector_save(
                    actor=ACTOR,
                    name=name,
                    department=dept,
                    certificate_no=cert,
                    certificate_valid_from=valid_from,
                    certificate_valid_to=valid_to,
                    specialities=specialities,
                    active=i not in inactive,
                )
                added += 1
            inspectors.append(inspector)
            i += 1
    stats["执法检查人员"] = (added, Inspector.objects.count())
    stats["其中执法证已过期"] = Inspector.objects.filter(certificate_valid_to__lt=timezone.localdate()).count()
    return inspectors


def seed_conflicts(stats, inspectors, generated):
    rng = random.Random("seed-demo-conflicts")
    pool = [e for e in generated[:500] if e["region_code"] in REGISTRATION_DEPARTMENT] or generated[:500]
    candidates = [p for p in inspectors if p.department.code.endswith("SJ") or p.department.code == "ZZWJ"]
    added, pairs = 0, set()
    while pool and len(pairs) < min(15, len(pool)):
        inspector, entity = rng.choice(candidates), rng.choice(pool)
        if (inspector.pk, entity["uscc"]) in pairs:
            continue
        pairs.add((inspector.pk, entity["uscc"]))
        declared_on = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(600))
        reason = rng.choice(CONFLICT_REASONS)
        if not InspectorConflict.objects.filter(inspector=inspector, entity_uscc=entity["uscc"]).exists():
            services.inspector_conflict_declare(
                actor=ACTOR, inspector=inspector, entity_uscc=entity["uscc"], reason=reason, declared_on=declared_on
            )
            added += 1
    stats["回避申报"] = (added, InspectorConflict.objects.count())


# -- 包容审慎 -------------------------------------------------------------------------------
def seed_observation_periods(stats, depts, generated):
    zzsj = depts["ZZSJ"]
    specs = [
        {
            "industry_code": "I6450",
            "starts_on": dt.date(2025, 7, 1),
            "ends_on": dt.date(2027, 6, 30),
            "reason": "新业态：互联网数据服务（数据标注、算力服务等）实行包容审慎监管，观察期内首次轻微违法依法不予处罚",
        },
        {
            "industry_code": "I6432",
            "starts_on": dt.date(2026, 1, 1),
            "ends_on": dt.date(2027, 12, 31),
            "reason": "新模式：互联网生活服务平台（即时配送、社区团购等）实行包容审慎监管",
        },
    ]
    newcomer = next(
        (e for e in generated if e["industry_code"] in ("I6450", "I6513") and e["status"] == "active"), None
    )
    if newcomer is not None:
        entity = MarketEntity.objects.filter(uscc=newcomer["uscc"]).first()
        if entity is not None:
            specs.append(
                {
                    "entity": entity,
                    "starts_on": dt.date(2026, 3, 1),
                    "ends_on": dt.date(2027, 2, 28),
                    "reason": "新技术：人工智能应用软件初创企业，首违不罚、轻微免罚",
                }
            )
    added = 0
    for spec in specs:
        key = {"department": zzsj, "starts_on": spec["starts_on"]}
        key.update(
            {"entity": spec["entity"]}
            if "entity" in spec
            else {"industry_code": spec["industry_code"], "entity__isnull": True}
        )
        if not ObservationPeriod.objects.filter(**key).exists():
            services.observation_period_save(actor=ACTOR, department=zzsj, **spec)
            added += 1
    stats["观察期"] = (added, ObservationPeriod.objects.count())


# -- logins --------------------------------------------------------------------------------
def seed_users(stats, depts):
    User = get_user_model()
    specs = [
        ("admin", "admin12345", "ZZSJ", Role.PLATFORM_ADMIN, True, "系统管理员"),
        ("zzsj", "demo12345", "ZZSJ", Role.DEPARTMENT_OFFICIAL, False, "陈静"),
        ("zzwj", "demo12345", "ZZWJ", Role.DEPARTMENT_OFFICIAL, False, "刘洋"),
    ]
    added = 0
    for username, password, dept_code, role, superuser, full_name in specs:
        if User.objects.filter(username=username).exists():
            continue  # never reset an existing password
        make = User.objects.create_superuser if superuser else User.objects.create_user
        user = make(
            username=username,
            password=password,
            email="",
            department=depts[dept_code],
            is_staff=True,
            first_name=full_name,
        )
        user.groups.add(Group.objects.get(name=role))
        audit.record(
            actor=ACTOR,
            action="user.create",
            target=user,
            after={
                "username": username,
                "department": depts[dept_code].pk,
                "groups": [str(role)],
                "is_superuser": superuser,
                "is_staff": True,
            },
        )
        added += 1
    stats["登录账号"] = (added, User.objects.count())

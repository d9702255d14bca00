"""Demo: other administrative acts on ``/acts/`` (issue 12 §2), pushed like any department's system.

A few acts of different types, two of them by 二七区's market-regulation bureau (region 410103, 7
working days). One of those was decided 20 days before the demo day, so it is published late and the
risk scan's ACT_PUBLISHED_LATE warning is in that bureau's inbox. Keys are the document numbers,
built from the demo day (``demo.credit_plan.demo_today``), so a rerun adds nothing.
"""

import datetime as dt
import random

from credit.choices import Polarity, RecordCategory
from credit.models import CreditRecord
from credit.services import credit_records_push
from demo.credit_plan import ACTOR, SEED

# (department, kind in the number, category, polarity, days before the demo day, entity filter, title, content, legal basis)
ACTS = [
    (
        "EQSJ",
        "强制",
        RecordCategory.ENFORCEMENT,
        Polarity.NEUTRAL,
        2,
        "erqi_food",
        "查封涉嫌不符合食品安全标准的食品及原料",
        "对当事人库存的待检冷冻肉制品依法实施查封，查封期限30日，待检验结果作出处理。",
        "《中华人民共和国食品安全法》第一百一十条第（四）项；《中华人民共和国行政强制法》第九条、第二十五条",
    ),
    (
        "EQSJ",
        "奖",
        RecordCategory.REWARD,
        Polarity.POSITIVE,
        20,
        "erqi",
        "产品质量管理先进单位奖励",
        "当事人建立完善的质量管理体系，产品质量连续三年监督抽查合格，予以通报表扬并颁发奖牌。",
        "《中华人民共和国产品质量法》第六条",
    ),
    (
        "ZZSJ",
        "裁",
        RecordCategory.RULING,
        Polarity.NEUTRAL,
        4,
        "enterprise",
        "企业名称争议裁决",
        "经审查，申请人与被申请人企业名称中的字号相同且从事相同行业，裁决被申请人变更企业名称。",
        "《企业名称登记管理规定》第二十三条",
    ),
    (
        "ZZNY",
        "给付",
        RecordCategory.PAYMENT,
        Polarity.POSITIVE,
        3,
        "cooperative",
        "农机购置与应用补贴发放",
        "当事人购置谷物联合收割机1台，经核验符合补贴条件，发放农机购置与应用补贴。",
        "《中华人民共和国农业机械化促进法》第二十七条",
    ),
    (
        "ZZJS",
        "征",
        RecordCategory.LEVY,
        Polarity.NEUTRAL,
        5,
        "enterprise",
        "城市道路占用费征收",
        "当事人施工期间经批准临时占用城市道路，依法征收城市道路占用费。",
        "《城市道路管理条例》第三十七条",
    ),
]


def _pick(rng: random.Random, entities: list[dict], kind: str) -> dict | None:
    erqi = [e for e in entities if e["region_code"] == "410103"]
    pools = {
        "erqi_food": [e for e in erqi if e["industry_code"][:3] in ("F52", "H62", "C13", "C14")] or erqi,
        "erqi": erqi,
        "cooperative": [e for e in entities if e["uscc"][:2] == "93"],
        "enterprise": [e for e in entities if e["uscc"][:2] == "91"],
    }
    pool = pools[kind] or entities
    return rng.choice(pool) if pool else None


def seed_acts(*, today: dt.date, entities: list[dict], depts: dict) -> int:
    """Push the demo acts through ``credit_records_push``; returns how many were added."""
    rng = random.Random(f"{SEED}:acts")
    by_dept: dict[str, list[dict]] = {}
    numbers: dict[str, int] = {}
    for dept_code, kind, category, polarity, days_ago, pool, title, content, basis in ACTS:
        dept, entity = depts.get(dept_code), _pick(rng, entities, pool)
        if dept is None or entity is None:
            continue
        day = today - dt.timedelta(days=days_ago)
        numbers[dept_code] = numbers.get(dept_code, 0) + 1
        ref = f"{dept.short_name}{kind}〔{day.year}〕{900 + numbers[dept_code]}号"
        by_dept.setdefault(dept_code, []).append(
            {
                "source_ref": ref,
                "uscc": entity["uscc"],
                "category": category,
                "polarity": polarity,
                "title": title,
                "content": content,
                "decided_on": day,
                "legal_basis": basis,
            }
        )
    added = 0
    for dept_code, rows in sorted(by_dept.items()):
        refs = [r["source_ref"] for r in rows]
        existing = set(
            CreditRecord.objects.filter(department=depts[dept_code], source_ref__in=refs).values_list(
                "source_ref", flat=True
            )
        )
        new = [r for r in rows if r["source_ref"] not in existing]
        if new:
            added += credit_records_push(actor=ACTOR, department=depts[dept_code], records=new).created
    return added

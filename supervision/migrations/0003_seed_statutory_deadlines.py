"""The national default deadlines and 二七区's stricter local rule (issue 12 §2).

National rows take effect on 2000-01-01 so that every past decision in the system has a rule; the
citation names the document each figure comes from (DOMAIN.md §3–§5).
"""

import datetime as dt

from django.db import migrations

NATIONAL = dt.date(2000, 1, 1)

RULES = [
    # kind, working days, citation
    ("penalty_disclosure", 7, "国办发〔2018〕118号及“双公示”要求：行政处罚决定自作出之日起7个工作日内公示（市场监管总局令第45号第十一条为20个工作日，取较短者）"),
    ("penalty_withdrawal", 3, "《市场监督管理行政处罚信息公示规定》（总局令第45号）：行政处罚决定被撤销、变更的，3个工作日内撤回或更新公示并说明理由"),
    ("inspection_result", 20, "国办发〔2018〕118号、国发〔2019〕5号：抽查检查结果自检查之日起20个工作日内公示"),
    ("other_act", 20, "国办发〔2018〕118号：行政执法决定信息自作出之日起20个工作日内公开"),
    ("abnormal_listing", 10, "《企业经营异常名录管理暂行办法》：列入事由确认之日起10个工作日内列入"),
    ("abnormal_removal", 5, "《企业经营异常名录管理暂行办法》：履行义务后申请移出，5个工作日内作出决定"),
    ("objection_accept", 5, "《信用修复管理办法》（国家发展改革委，2026年4月1日施行）异议处理：5个工作日内决定是否受理"),
    ("objection_decide", 20, "《信用修复管理办法》（国家发展改革委，2026年4月1日施行）异议处理：受理后合计20个工作日内作出处理决定"),
    ("complaint", 15, "《市场监督管理投诉举报处理暂行办法》：默认办理时限15个工作日（各渠道可另定）"),
    ("correction_order", 10, "《企业信息公示暂行条例》：未按规定公示应当公示的信息的，责令限期（默认10个工作日）履行"),
]

ERQI = "410103"  # 郑州市二七区
ERQI_CITATION = "二七区事中事后监管实施方案（seed 004）第15条：行政强制、确认、征收、给付、裁决、补偿、奖励和行政监督检查信息7个工作日内上网公开"


def seed(apps, schema_editor):
    StatutoryDeadline = apps.get_model("supervision", "StatutoryDeadline")
    for kind, days, citation in RULES:
        StatutoryDeadline.objects.get_or_create(kind=kind, variant="", department=None, region_code="", effective_from=NATIONAL, defaults={"working_days": days, "citation": citation})
    for kind in ("inspection_result", "other_act"):
        StatutoryDeadline.objects.get_or_create(kind=kind, variant="", department=None, region_code=ERQI, effective_from=dt.date(2020, 1, 1), defaults={"working_days": 7, "citation": ERQI_CITATION})


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_statutory_deadlines")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

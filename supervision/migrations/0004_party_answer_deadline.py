"""The party's time to answer a 告知 becomes a deadline rule like every other (issue 12 §2, §6)."""

import datetime as dt

from django.db import migrations, models

CITATION = (
    "《中华人民共和国行政处罚法》（2021年修订）第六十四条第（一）项：当事人要求听证的，应当在行政机关告知后五日内提出；"
    "《市场监督管理行政处罚程序规定》：当事人自告知书送达之日起五个工作日内未行使陈述、申辩权，未要求听证的，视为放弃此权利"
)


def seed(apps, schema_editor):
    StatutoryDeadline = apps.get_model("supervision", "StatutoryDeadline")
    StatutoryDeadline.objects.get_or_create(
        kind="party_answer", variant="", department=None, region_code="", effective_from=dt.date(2000, 1, 1), defaults={"working_days": 5, "citation": CITATION}
    )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0003_seed_statutory_deadlines")]
    operations = [
        migrations.AlterField(
            model_name="statutorydeadline",
            name="kind",
            field=models.CharField(
                choices=[
                    ("penalty_disclosure", "行政处罚决定公示"),
                    ("penalty_withdrawal", "撤销、变更决定的公示撤回"),
                    ("inspection_result", "抽查检查结果公示"),
                    ("other_act", "其他行政行为信息公示"),
                    ("abnormal_listing", "列入经营异常名录"),
                    ("abnormal_removal", "移出经营异常名录"),
                    ("objection_accept", "异议受理"),
                    ("objection_decide", "异议处理决定"),
                    ("complaint", "投诉举报办理"),
                    ("correction_order", "责令改正期限"),
                    ("party_answer", "行政处罚告知后陈述、申辩和要求听证期限"),
                ],
                max_length=32,
                verbose_name="时限类型",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]

"""Other administrative acts (issue 12 §2): seven record categories, never negative (so never a severity)."""

from django.db import migrations, models

ACTS = [
    "administrative_enforcement", "administrative_confirmation", "administrative_levy", "administrative_payment",
    "administrative_ruling", "administrative_compensation", "administrative_reward",
]


class Migration(migrations.Migration):
    dependencies = [("credit", "0007_risk_scan_interrupted")]

    operations = [
        migrations.AlterField(
            model_name="creditrecord",
            name="category",
            field=models.CharField(
                choices=[
                    ("administrative_licence", "行政许可"), ("administrative_penalty", "行政处罚"), ("inspection_result", "抽查检查结果"),
                    ("business_abnormal", "经营异常"), ("serious_dishonesty", "严重违法失信"), ("commitment", "信用承诺"), ("award", "表彰奖励"),
                    ("judicial", "司法判决"), ("tax_arrears", "欠税欠费"), ("complaint", "投诉举报"),
                    ("administrative_enforcement", "行政强制"), ("administrative_confirmation", "行政确认"), ("administrative_levy", "行政征收"),
                    ("administrative_payment", "行政给付"), ("administrative_ruling", "行政裁决"), ("administrative_compensation", "行政补偿"),
                    ("administrative_reward", "行政奖励"),
                ],
                max_length=32,
                verbose_name="信息类别",
            ),
        ),
        migrations.AddConstraint(
            model_name="creditrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(("category__in", ACTS), ("polarity", "negative"), _negated=True), name="credit_record_act_not_negative",
            ),
        ),
    ]

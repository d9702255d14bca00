"""Objections take proposed corrections and evidence files (issue 18 §1.9); and correct the joint-measures catalogue's list mapping and cite each mapping's source (issue 18 §1.8).

- 限制高消费（失信被执行人） is a court measure: 人民法院 restrict the spending of a 失信被执行人 under the
  Supreme People's Court's rules. It does not follow from any list this platform keeps (经营异常名录,
  严重违法失信名单, 重点关注对象名单), so it maps to no list and is withdrawn from the catalogue.
- 《市场监督管理严重违法失信名单管理办法》第十二条 is the article on judging 性质恶劣、情节严重 (when to
  list), not the management measures: the measures cite the measures provision of the same rules.
"""

import django.db.models.deletion
from django.db import migrations, models

SERIOUS = "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）"
OLD_SERIOUS = SERIOUS + "第十二条"
SERIOUS_MEASURES = SERIOUS + "关于对列入严重违法失信名单的当事人实施管理措施的规定"
COURT = (
    "《最高人民法院关于限制被执行人高消费及有关消费的若干规定》（法释〔2015〕17号修正）；"
    "《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）：由人民法院对失信被执行人决定，"
    "不属于市场监督管理严重违法失信名单的惩戒措施"
)
HIGH_CONSUMPTION = "P-HIGH-CONSUMPTION"
OLD_COURT = "《最高人民法院关于限制被执行人高消费及有关消费的若干规定》"


def correct(apps, schema_editor):
    JointMeasure = apps.get_model("credit", "JointMeasure")
    JointMeasure.objects.filter(code=HIGH_CONSUMPTION).update(list_types=[], active=False, legal_basis=COURT)
    for measure in JointMeasure.objects.filter(legal_basis__contains=OLD_SERIOUS):
        measure.legal_basis = measure.legal_basis.replace(OLD_SERIOUS, SERIOUS_MEASURES)
        measure.save(update_fields=["legal_basis"])


def restore(apps, schema_editor):
    JointMeasure = apps.get_model("credit", "JointMeasure")
    JointMeasure.objects.filter(code=HIGH_CONSUMPTION).update(list_types=["serious"], active=True, legal_basis=OLD_COURT)
    for measure in JointMeasure.objects.filter(legal_basis__contains=SERIOUS_MEASURES):
        measure.legal_basis = measure.legal_basis.replace(SERIOUS_MEASURES, OLD_SERIOUS)
        measure.save(update_fields=["legal_basis"])


class Migration(migrations.Migration):
    dependencies = [("credit", "0019_i17_duban")]
    operations = [
        migrations.RunPython(correct, restore),
        migrations.AddField(
            model_name="objection",
            name="proposed_corrections",
            field=models.JSONField(blank=True, default=dict, verbose_name="申请人提出的更正内容"),
        ),
        migrations.CreateModel(
            name="ObjectionEvidence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file", models.FileField(upload_to="objections/%Y/%m/", verbose_name="证明材料")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                (
                    "objection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evidence",
                        to="credit.objection",
                        verbose_name="异议申诉",
                    ),
                ),
            ],
            options={"verbose_name": "异议证明材料", "verbose_name_plural": "异议证明材料"},
        ),
    ]

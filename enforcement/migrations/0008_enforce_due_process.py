# Issue 12 §6 (enforce): the party's answer to the 告知, the proposed decision, complaint handlers, the 部门负责人 role.

import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def forwards(apps, schema_editor):
    from django.utils import timezone

    from core.roles import ensure_roles

    ensure_roles(apps)  # the 部门负责人 role
    Case = apps.get_model("enforcement", "Case")
    CaseEvent = apps.get_model("enforcement", "CaseEvent")
    Complaint = apps.get_model("enforcement", "Complaint")
    # Cases already past 告知: the notice counts as served on the day the case entered it.
    for case_id, at in CaseEvent.objects.filter(to_stage="notice", action="advance").order_by("case_id", "at").values_list("case_id", "at"):
        Case.objects.filter(pk=case_id, notice_served_on__isnull=True).update(notice_served_on=timezone.localdate(at))
    # The official who accepted a complaint is its handler (and keeps seeing the complainant).
    Through = Complaint.handlers.through
    Through.objects.bulk_create(
        [Through(complaint_id=pk, user_id=user_id) for pk, user_id in Complaint.objects.filter(handled_by__isnull=False).values_list("pk", "handled_by")],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('enforcement', '0007_deadlines_channel_rules'),
        ('supervision', '0003_seed_statutory_deadlines'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseProposal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('penalty_types', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('warning', '警告'), ('public_criticism', '通报批评'), ('fine', '罚款'), ('confiscate_income', '没收违法所得'), ('confiscate_property', '没收非法财物'), ('suspend_licence', '暂扣许可证件'), ('downgrade_qualification', '降低资质等级'), ('revoke_licence', '吊销许可证件'), ('restrict_business', '限制开展生产经营活动'), ('suspend_business', '责令停产停业'), ('close', '责令关闭'), ('restrict_practice', '限制从业'), ('other', '其他')], max_length=32), size=None, verbose_name='拟处罚种类')),
                ('fine_amount', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='拟罚款金额（元）')),
                ('confiscation_amount', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='拟没收金额（元）')),
                ('circumstance', models.CharField(choices=[('lighter', '从轻'), ('general', '一般'), ('heavier', '从重')], default='general', max_length=16, verbose_name='裁量情节')),
                ('legal_basis', models.TextField(verbose_name='处罚依据')),
                ('out_of_range_reason', models.TextField(blank=True, verbose_name='超出裁量基准的书面说明')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('proposed_at', models.DateTimeField(verbose_name='提出时间')),
            ],
            options={
                'verbose_name': '拟处罚意见',
                'verbose_name_plural': '拟处罚意见',
                'ordering': ['case', '-proposed_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='case',
            name='hearing_record_on',
            field=models.DateField(blank=True, null=True, verbose_name='听证笔录归档日期'),
        ),
        migrations.AddField(
            model_name='case',
            name='hearing_requested_on',
            field=models.DateField(blank=True, null=True, verbose_name='当事人申请听证日期'),
        ),
        migrations.AddField(
            model_name='case',
            name='notice_served_on',
            field=models.DateField(blank=True, null=True, verbose_name='告知书送达日期'),
        ),
        migrations.AddField(
            model_name='case',
            name='rights_waived_on',
            field=models.DateField(blank=True, null=True, verbose_name='当事人书面放弃陈述申辩和听证日期'),
        ),
        migrations.AddField(
            model_name='case',
            name='statement_on',
            field=models.DateField(blank=True, null=True, verbose_name='当事人陈述申辩日期'),
        ),
        migrations.AddField(
            model_name='complaint',
            name='handlers',
            field=models.ManyToManyField(blank=True, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='承办人员'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(('notice_served_on__isnull', False), models.Q(('rights_waived_on__isnull', True), ('statement_on__isnull', True), ('hearing_requested_on__isnull', True)), _connector='OR'), name='case_answer_after_notice'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(('hearing_record_on__isnull', True), ('hearing_requested_on__isnull', False), _connector='OR'), name='case_hearing_record_after_request'),
        ),
        migrations.AddField(
            model_name='caseproposal',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposals', to='enforcement.case', verbose_name='案件'),
        ),
        migrations.AddField(
            model_name='caseproposal',
            name='proposed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='提出人'),
        ),
        migrations.AddConstraint(
            model_name='caseproposal',
            constraint=models.CheckConstraint(condition=models.Q(('penalty_types', []), _negated=True), name='proposal_has_penalty_type'),
        ),
        migrations.AddConstraint(
            model_name='caseproposal',
            constraint=models.CheckConstraint(condition=models.Q(('fine_amount__gte', 0), ('confiscation_amount__gte', 0)), name='proposal_amounts_non_negative'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]

"""Issue 16 §5: retention policies (data, with their reasons), the SECURITY DEFINER partition functions,
the change events partitioned by month of occurred_at, and the nightly 分区维护 job."""

import django.contrib.postgres.fields
from django.db import migrations, models

# The sources are the issues' texts (issue 15 §3, issue 16 §5) and DOMAIN.md's 逢办必查.
POLICIES = [
    {
        "code": "credit_checks",
        "label": "信用核查记录（逢办必查）",
        "tables": ["credit_creditcheck"],
        "keep_months": 36,
        "keep_days": 0,
        "reason": "逢办必查的核查记录是各部门办理业务时已查询信用、已落实联合奖惩措施的凭证（DOMAIN.md：联合奖惩措施“逢办必查”）。"
        "保留 3 年：综合监管平台 issue 16 §5 规定的默认期限（核查记录 3 年），覆盖履职评估和事后倒查的周期。",
    },
    {
        "code": "credit_reports",
        "label": "信用报告出具记录",
        "tables": ["credit_creditreport"],
        "keep_months": 12,
        "keep_days": 0,
        "reason": "信用报告行（报告编号、内容哈希、文件哈希）用于 /reports/verify/ 在线核验报告真伪。"
        "保留 1 年：issue 16 §5 规定的默认期限（报告行 1 年）；超过 1 年的报告编号不再能在线核验，请重新出具报告。",
    },
    {
        "code": "change_events",
        "label": "变更事件",
        "tables": ["core_changeevent"],
        "keep_months": 0,
        "keep_days": 90,
        "reason": "变更事件供变更接口（GET /api/v1/changes/）、推送订阅和省级数据交换续读。"
        "保留 90 天：issue 15 §3（事件保留 90 天，早于保留期的游标返回 410）与 issue 16 §5 的默认期限。"
        "按月分区，整月都早于 90 天才删除该月分区，故实际保留 90 至约 121 天。",
    },
    {
        "code": "webhook_deliveries",
        "label": "推送任务及推送记录",
        "tables": ["opendata_webhookdelivery", "opendata_webhookattempt"],
        "keep_months": 6,
        "keep_days": 0,
        "reason": "推送任务和每次推送尝试的记录用于与接收系统核对送达情况、排查故障。"
        "推送只在 24 小时内重试（issue 15 §4），事件本身保留 90 天（issue 15 §3）；推送记录保留 6 个月，"
        "即在事件保留期之后再留一个季度，足以按季度对账和答复送达争议。推送任务按事件发生月份分区，"
        "推送记录按尝试月份分区，推送任务的分区删除时其推送记录一并删除。",
    },
]


def seed_policies(apps, schema_editor):
    RetentionPolicy = apps.get_model("core", "RetentionPolicy")
    for policy in POLICIES:
        RetentionPolicy.objects.update_or_create(code=policy["code"], defaults=policy)


def partition_change_events(apps, schema_editor):
    from core.partitions import convert

    with schema_editor.connection.cursor() as cursor:
        convert(cursor, table="core_changeevent", key="occurred_at")


def add_schedules(apps, schema_editor):
    from core.roles import ensure_roles, ensure_schedules

    ensure_roles(apps)  # the 平台管理员 may read and change the 数据保留期限
    ensure_schedules(apps)


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task="core.maintain_partitions").delete()


def functions_sql():
    from core.partitions import FUNCTIONS_SQL

    return FUNCTIONS_SQL


def drop_functions_sql():
    from core.partitions import DROP_FUNCTIONS_SQL

    return DROP_FUNCTIONS_SQL


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_change_feed"),
        ("opendata", "0002_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="RetentionPolicy",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="代码")),
                ("label", models.CharField(max_length=100, verbose_name="数据")),
                (
                    "tables",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=63), size=None, verbose_name="数据表"
                    ),
                ),
                ("keep_months", models.PositiveIntegerField(default=0, verbose_name="保留月数")),
                ("keep_days", models.PositiveIntegerField(default=0, verbose_name="保留天数")),
                ("reason", models.TextField(verbose_name="保留依据")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={
                "verbose_name": "数据保留期限",
                "verbose_name_plural": "数据保留期限",
                "ordering": ["code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("keep_months__gte", 1), ("keep_days__gte", 30), _connector="OR"),
                        name="retention_at_least_30_days",
                        violation_error_message="保留期限至少 30 天（或 1 个月）",
                    )
                ],
            },
        ),
        migrations.RunPython(seed_policies, migrations.RunPython.noop),
        migrations.RunSQL(functions_sql(), drop_functions_sql()),
        migrations.RunPython(partition_change_events),
        migrations.RunPython(add_schedules, remove_schedules),
    ]

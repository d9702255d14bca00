# Written by hand (issue 11 §2) so that it holds only the risk-scan run changes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0006_query_code_keyed"),
    ]

    operations = [
        migrations.AddField(
            model_name="riskscanrun",
            name="session_pid",
            field=models.IntegerField(blank=True, editable=False, null=True, verbose_name="数据库会话进程号"),
        ),
        migrations.AddField(
            model_name="riskscanrun",
            name="session_started_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="数据库会话开始时间"),
        ),
        migrations.AlterField(
            model_name="riskscanrun",
            name="state",
            field=models.CharField(
                choices=[("running", "运行中"), ("succeeded", "成功"), ("failed", "失败"), ("interrupted", "已中断")],
                default="running",
                max_length=16,
                verbose_name="状态",
            ),
        ),
    ]

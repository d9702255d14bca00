"""Complaint channel deadlines become statutory deadlines (issue 12 §2): kind ``complaint``, variant = channel.

Each ChannelDeadline version is copied to ``supervision.StatutoryDeadline`` (national scope), ending
the day before the channel's next version, then the table goes; ``ChannelDeadline`` stays as a proxy
of ``StatutoryDeadline`` for the per-channel admin page and its permissions.
"""

import datetime as dt

from django.db import migrations, models

DEFAULT_CITATION = "《市场监督管理投诉举报处理暂行办法》：{label}渠道办理时限"


def copy_channel_deadlines(apps, schema_editor):
    ChannelDeadline = apps.get_model("enforcement", "ChannelDeadline")
    StatutoryDeadline = apps.get_model("supervision", "StatutoryDeadline")
    labels = dict(ChannelDeadline._meta.get_field("channel").choices)
    rows = list(ChannelDeadline.objects.order_by("channel", "effective_from"))
    for row, following in zip(rows, [*rows[1:], None], strict=True):
        ends = following.effective_from - dt.timedelta(days=1) if following is not None and following.channel == row.channel else None
        label = labels.get(row.channel, row.channel)
        StatutoryDeadline.objects.get_or_create(
            kind="complaint", variant=row.channel, department=None, region_code="", effective_from=row.effective_from,
            defaults={
                "working_days": row.working_days, "effective_to": ends, "note": f"{label}渠道",
                "citation": row.note.strip() or DEFAULT_CITATION.format(label=label),
            },
        )


def grant_roles(apps, schema_editor):
    from core.roles import ensure_roles

    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0006_query_code_keyed"), ("supervision", "0003_seed_statutory_deadlines")]

    operations = [
        migrations.RunPython(copy_channel_deadlines, migrations.RunPython.noop),
        migrations.DeleteModel(name="ChannelDeadline"),
        migrations.CreateModel(
            name="ChannelDeadline",
            fields=[],
            options={
                "verbose_name": "投诉举报办理时限",
                "verbose_name_plural": "投诉举报办理时限",
                "ordering": ["variant", "-effective_from"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("supervision.statutorydeadline",),
        ),
        migrations.AlterField(
            model_name="complaint",
            name="due_provisional",
            field=models.BooleanField(default=False, help_text="节假日数据未覆盖，按法定节假日推算，调休待录入", verbose_name="期限暂定"),
        ),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]

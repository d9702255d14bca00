import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    from core.roles import ensure_roles, ensure_schedules

    ensure_roles(apps)
    ensure_schedules(apps)
    ChannelDeadline = apps.get_model("enforcement", "ChannelDeadline")
    # Issue 6: 15 working days by default, settable per channel (a new row with a later effective date).
    for channel in ("web", "api", "12345", "12315", "window"):
        ChannelDeadline.objects.get_or_create(
            channel=channel, effective_from=dt.date(2020, 1, 1), defaults={"working_days": 15, "note": "默认办理时限：15个工作日"}
        )


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial"), ("inspections", "0002_roles_and_schedule"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

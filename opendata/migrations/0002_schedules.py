"""The beat jobs of issue 15 (core.roles.ensure_schedules): nightly bulk files, webhooks, exchange, retention."""

from django.db import migrations

TASKS = ("opendata.dump_open_data", "opendata.deliver_webhooks", "opendata.exchange_push", "core.prune_change_events")


def add_schedules(apps, schema_editor):
    from core.roles import ensure_schedules

    ensure_schedules(apps)


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task__in=TASKS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0001_initial"),
        ("core", "0009_change_feed"),
        ("enterprise", "0002_inbox_sources"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(add_schedules, remove_schedules)]

"""Issue 17 §1: the nightly 每日统计快照 job (03:00, kept in the database by django-celery-beat)."""

from django.db import migrations


def add_schedule(apps, schema_editor):
    from core.roles import ensure_schedules

    ensure_schedules(apps)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task="oversight.daily_figures").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0001_initial"),
        ("core", "0011_cjk_tsvector_v2"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]

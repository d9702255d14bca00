"""Schedules live in the database (django-celery-beat) so officials can see and change them."""

from django.db import migrations


def add_schedule(apps, schema_editor):
    from core.roles import ensure_schedules

    ensure_schedules(apps)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="审计链每日校验").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_roles"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(add_schedule, remove_schedule)]

"""Schedules live in the database (django-celery-beat) so officials can see and change them."""

from django.db import migrations


def add_schedule(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = Crontab.objects.get_or_create(minute="30", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.get_or_create(
        name="审计链每日校验", defaults={"task": "core.verify_audit_chain", "crontab": nightly, "description": "每日 02:30 校验审计日志哈希链"}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="审计链每日校验").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_roles"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(add_schedule, remove_schedule)]

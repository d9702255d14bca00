"""Issue 11: the re-grade marks (a transactional outbox of entities to re-grade) and the beat job that drains them."""

from django.db import migrations, models


def add_schedule(apps, schema_editor):
    from core.roles import ensure_schedules

    ensure_schedules(apps)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task="credit.drain_regrade_marks").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0004_proposal_sources"),
        ("core", "0004_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegradeMark",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("uscc", models.CharField(db_collation="C", db_index=True, max_length=18, verbose_name="统一社会信用代码")),
                ("marked_at", models.DateTimeField(verbose_name="标记时间")),
            ],
            options={"verbose_name": "待重新评价主体", "verbose_name_plural": "待重新评价主体"},
        ),
        migrations.RunPython(add_schedule, remove_schedule),
    ]

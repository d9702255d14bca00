from django.db import migrations


def roles_and_schedule(apps, schema_editor):
    from core.roles import ensure_roles, ensure_schedules

    ensure_roles(apps)
    ensure_schedules(apps)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("credit", "0004_proposal_sources"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(roles_and_schedule, migrations.RunPython.noop)]

"""Issue 17 §2: every official role may open the dashboard (oversight.view_dailyfigure, core.roles DASHBOARD)."""

from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import ensure_roles

    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("oversight", "0004_i17_duban"), ("core", "0003_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

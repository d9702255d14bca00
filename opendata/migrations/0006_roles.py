"""Issue 15: the officials' roles get the open-data admin (core.roles OPENDATA_OFFICIAL / OPENDATA_ALL)."""

from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import ensure_roles

    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("opendata", "0005_hooks_probe_index")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

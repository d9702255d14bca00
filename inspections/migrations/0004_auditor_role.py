from django.db import migrations


def auditor_role(apps, schema_editor):
    # 监督人员 (issue 11 §4) and the drawcommitment permissions of the other roles (core/roles.py).
    from core.roles import ensure_roles

    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_draw_v2_commitment"), ("core", "0003_roles")]
    operations = [migrations.RunPython(auditor_role, migrations.RunPython.noop)]

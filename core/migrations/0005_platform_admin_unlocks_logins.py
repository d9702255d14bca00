from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import ensure_roles

    ensure_roles(apps)  # grants 平台管理员 the django-axes view/delete permissions (issue 11)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_schedule"),
        ("axes", "0010_accessattemptexpiration"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

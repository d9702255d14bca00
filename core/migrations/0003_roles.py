"""Official roles as Django groups, with their model permissions."""

from django.db import migrations

SUPERVISION_WRITE = ["supervisionitem", "supervisionitemversion", "inspectionchecklist", "inspector", "inspectorconflict", "observationperiod"]
SUPERVISION_ALL = [*SUPERVISION_WRITE, "department", "marketentity"]

ROLES = {
    "平台管理员": {
        "core": ["user", "usccexception", "holidayoverride", "apiclient", "auditevent:view"],
        "supervision": SUPERVISION_ALL,
    },
    "部门监管人员": {
        "supervision": [*SUPERVISION_WRITE, "department:view", "marketentity:view"],
        "core": ["holidayoverride:view"],
    },
    "执法人员": {"supervision": [f"{m}:view" for m in SUPERVISION_ALL]},
    "法制审核人员": {"supervision": [f"{m}:view" for m in SUPERVISION_ALL]},
    "信用管理人员": {"supervision": [f"{m}:view" for m in SUPERVISION_ALL], "core": ["usccexception:view"]},
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, models in grants.items():
            for spec in models:
                model, _, actions = spec.partition(":")
                for action in actions.split(",") if actions else ["view", "add", "change", "delete"]:
                    perm = Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                    group.permissions.add(perm)


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial"), ("supervision", "0001_initial"), ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(create_roles, drop_roles)]

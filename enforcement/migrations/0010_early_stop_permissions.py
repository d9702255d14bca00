from django.db import migrations


def roles(apps, schema_editor):
    from core.roles import ensure_roles

    # Officials decide 提前停止公示 applications; the platform administrator keeps the disclosure rules
    # and the province's 较低数额 (issue 12 §1): permissions missing until now.
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0009_penalty_disclosure_clocks"),
        ("credit", "0011_decl_self_declarations"),
        ("enterprise", "0002_inbox_sources"),
        ("inspections", "0006_corr_responses"),
        ("supervision", "0005_report_annual_report"),
    ]

    operations = [migrations.RunPython(roles, migrations.RunPython.noop)]

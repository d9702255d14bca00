# Written by hand (issue 11 §3) so that it holds only the query-code changes.

from django.db import migrations, models

# Query codes stored keyed: each old SHA-256("<tracking_no>:<code>") is wrapped as
# qc1$HMAC-SHA256(QUERY_CODE_KEY, old hash), without knowing any code (core.query_codes).
FILINGS = ("creditcommitment", "objection", "repairapplication")


def wrap_query_codes(apps, schema_editor):
    from core.query_codes import rewrap_legacy

    for name in FILINGS:
        rewrap_legacy(apps.get_model("credit", name))


def refuse_unwrap(apps, schema_editor):
    from core.query_codes import unwrap_to_nothing

    for name in FILINGS:
        unwrap_to_nothing(apps.get_model("credit", name))


def lockout_fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="query_failures",
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="查询码错误次数"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="query_failures_since",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="首次查询码错误时间"),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="query_code_hash",
            field=models.CharField(editable=False, max_length=80, verbose_name="查询码摘要"),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0005_regrade_marks"),
    ]

    operations = [
        *(op for name in FILINGS for op in lockout_fields(name)),
        migrations.RunPython(wrap_query_codes, refuse_unwrap),
    ]

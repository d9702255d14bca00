"""Issue 11 §3: the audit chain is keyed and anchored.

- ``AuditEvent.scheme``: the events already stored were hashed with plain SHA-256 and keep
  ``sha256`` (the column is added with that default and no row is rewritten: the table stays
  append-only); every event written from now on is HMAC-SHA256 keyed with AUDIT_KEY.
- The last legacy event is anchored outside the database (a ``cutover`` line in the anchor file),
  so a later rewrite of keyed events as plain SHA-256 is caught (core.audit.verify_chain).
- ``AuditAnchor`` (the published daily heads) and the hourly beat job that writes them.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


def anchor_cutover(apps, schema_editor):
    from core.anchors import anchor_cutover

    anchor_cutover(apps)


def add_schedule(apps, schema_editor):
    from core.roles import ensure_schedules

    ensure_schedules(apps)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="审计链锚定").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_platform_admin_unlocks_logins'),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditAnchor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_id', models.BigIntegerField(verbose_name='链头事件编号')),
                ('event_hash', models.CharField(max_length=64, verbose_name='链头哈希')),
                ('anchored_at', models.DateTimeField(db_index=True, verbose_name='锚定时间')),
                ('day', models.DateField(db_index=True, verbose_name='日期')),
            ],
            options={
                'verbose_name': '审计链锚点',
                'verbose_name_plural': '审计链锚点',
                'ordering': ['-anchored_at'],
            },
        ),
        # Existing rows get 'sha256' from the column default (no UPDATE runs, no trigger fires).
        migrations.AddField(
            model_name='auditevent',
            name='scheme',
            field=models.CharField(choices=[('sha256', 'SHA-256（旧事件，无密钥）'), ('hmac-sha256', 'HMAC-SHA256（AUDIT_KEY 密钥）')], default='sha256', max_length=16, verbose_name='哈希算法'),
            preserve_default=False,
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='auditanchor',
            trigger=pgtrigger.compiler.Trigger(name='audit_anchor_append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='eea77c83359efc58d9f8152e8217dbadfe89f798', operation='UPDATE OR DELETE', pgid='pgtrigger_audit_anchor_append_only_8bc56', table='core_auditanchor', when='BEFORE')),
        ),
        migrations.RunPython(anchor_cutover, migrations.RunPython.noop),
        migrations.RunPython(add_schedule, remove_schedule),
    ]

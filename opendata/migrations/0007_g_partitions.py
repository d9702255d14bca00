"""Issue 16 §5: webhook deliveries partitioned by the month of their event's occurred_at (a new column,
backfilled from the event, or from created_at where the event is gone), their attempts by attempted_at.

The unique "once per (subscription, event)" becomes (subscription, event_id, event_occurred_at): an event
has one occurred_at, so it means the same, and it includes the partition key as PostgreSQL requires.
The attempts' foreign key loses its database constraint (the deliveries' key is (id, event_occurred_at));
core.partitions deletes the attempts of a dropped delivery partition in the same transaction."""

import django.db.models.deletion
import django.db.models.functions.datetime
from django.db import migrations, models

BACKFILL = """
UPDATE opendata_webhookdelivery d
SET event_occurred_at = COALESCE((SELECT e.occurred_at FROM core_changeevent e WHERE e.id = d.event_id), d.created_at)
"""


def partition(apps, schema_editor):
    from core.partitions import convert

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(BACKFILL)
        cursor.execute("ALTER TABLE opendata_webhookdelivery DROP CONSTRAINT IF EXISTS webhook_delivery_once_per_event")
        convert(
            cursor,
            table="opendata_webhookdelivery",
            key="event_occurred_at",
            uniques={"webhook_delivery_once_per_event": ["subscription_id", "event_id"]},
        )
        convert(cursor, table="opendata_webhookattempt", key="attempted_at")


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0006_roles"),
        ("core", "0010_g_partitions"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="event_occurred_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(), editable=False, verbose_name="事件发生时间"
            ),
        ),
        migrations.AlterField(
            model_name="webhookattempt",
            name="delivery",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attempt_log",
                to="opendata.webhookdelivery",
                verbose_name="推送任务",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="webhookdelivery", name="webhook_delivery_once_per_event"),
                migrations.AddConstraint(
                    model_name="webhookdelivery",
                    constraint=models.UniqueConstraint(
                        fields=("subscription", "event_id", "event_occurred_at"),
                        name="webhook_delivery_once_per_event",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(partition)],
        ),
    ]

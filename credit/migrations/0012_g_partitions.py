"""Issue 16 §5: the 逢办必查 check log and the credit reports partitioned by month (checked_at, issued_at).

A report's serial stays unique: a CHECK ties the serial's date (XYBG + yyyymmdd + …) to the local date of
issued_at, so a serial can sit in one month's partition only, and each partition has a unique index on it
(copied to every new partition by core.partitions)."""

from django.db import migrations, models

SERIAL_DATED = (
    "ALTER TABLE credit_creditreport ADD CONSTRAINT credit_report_serial_dated "
    "CHECK (substring(serial from 5 for 8) = to_char(timezone('Asia/Shanghai', issued_at), 'YYYYMMDD'))"
)


def partition(apps, schema_editor):
    from core.partitions import convert

    with schema_editor.connection.cursor() as cursor:
        convert(cursor, table="credit_creditcheck", key="checked_at")
        cursor.execute("ALTER TABLE credit_creditreport DROP CONSTRAINT IF EXISTS credit_creditreport_serial_key")
        convert(cursor, table="credit_creditreport", key="issued_at", partition_uniques=[("serial",)])
        cursor.execute(SERIAL_DATED)


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0011_decl_self_declarations"),
        ("core", "0010_g_partitions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="creditreport",
                    name="serial",
                    field=models.CharField(db_index=True, max_length=32, verbose_name="报告编号"),
                ),
            ],
            database_operations=[migrations.RunPython(partition)],
        ),
    ]

# Issue 16 §3: the admin's search of credit records through indexes: a fragment of the title through its
# bigram GIN (core.search; built after cjk_tsvector's faster definition), and any part of a source
# number ("13号") through its own. Built CONCURRENTLY: pushes go on while 5,000,000 titles are indexed.

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations

import core.search


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0011_cjk_tsvector_v2"),
        ("credit", "0014_e_eval"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="creditrecord",
            index=django.contrib.postgres.indexes.GinIndex(
                core.search.CjkTsvector("title"), name="credit_record_title_cjk_gin"
            ),
        ),
        AddIndexConcurrently(
            model_name="creditrecord",
            index=django.contrib.postgres.indexes.GinIndex(
                core.search.CjkTsvector("source_ref"), name="credit_record_source_cjk_gin"
            ),
        ),
        migrations.RunSQL("ANALYZE credit_creditrecord", migrations.RunSQL.noop),
    ]

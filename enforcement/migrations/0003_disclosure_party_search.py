"""Public penalty search by party name (/penalties/?q=): the bigram GIN of core.search on the party
name of published summaries only (the rows a public search can return); and the 曝光台's order
over its few featured rows (without it, /exposure/ scans every summary: 550 ms at 500,000).

Both are plain SQL (the model's Meta is unchanged, so makemigrations sees nothing)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0002_roles_schedule_deadlines"), ("core", "0001_initial")]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS disclosure_party_cjk_gin ON enforcement_penaltydisclosure USING gin (cjk_tsvector(party_name)) "
            "WHERE state = 'published';",
            "DROP INDEX IF EXISTS disclosure_party_cjk_gin;",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS disclosure_featured_idx ON enforcement_penaltydisclosure (featured_at DESC, id DESC) "
            "WHERE featured AND state = 'published';",
            "DROP INDEX IF EXISTS disclosure_featured_idx;",
        ),
    ]

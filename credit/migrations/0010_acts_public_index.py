"""/acts/ (issue 12 §2): a partial index in the list's order, public acts only."""

from django.db import migrations, models

PUBLIC_ACTS = [
    "administrative_licence", "administrative_enforcement", "administrative_confirmation", "administrative_levy", "administrative_payment",
    "administrative_ruling", "administrative_compensation", "administrative_reward",
]


class Migration(migrations.Migration):
    dependencies = [("credit", "0009_lists_exit_applications")]

    operations = [
        migrations.AddIndex(
            model_name="creditrecord",
            index=models.Index(
                fields=["-decided_on", "-id"], name="credit_record_public_acts_idx",
                condition=models.Q(("category__in", PUBLIC_ACTS), ("published", True), ("state", "active")),
            ),
        ),
    ]

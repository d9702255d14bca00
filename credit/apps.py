from django.apps import AppConfig


class CreditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credit"
    verbose_name = "信用监管"

    def ready(self):
        from credit import signals  # noqa: F401  (a new roster entity is graded on commit)

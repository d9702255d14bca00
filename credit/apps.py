from django.apps import AppConfig


class CreditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credit"
    verbose_name = "信用监管"

    def ready(self):
        from credit import signals  # noqa: F401  (a new roster entity is graded on commit)

    def seed_demo(self, stdout):
        """Called at the end of ``manage.py seed_demo``: credit records, list entries and grades (credit/demo.py)."""
        from credit.demo import seed_credit_demo

        return seed_credit_demo(stdout=stdout)

from django.apps import AppConfig


class CreditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credit"
    verbose_name = "信用监管"

    def ready(self):
        from credit import signals  # noqa: F401  (a new roster entity is graded on commit)
        from credit.acts import RULES as ACT_RULES
        from credit.scan import register_rule

        for rule in ACT_RULES:  # 其他行政行为超期公示 (issue 12 §2)
            register_rule(rule)

    def seed_demo(self, stdout):
        """Called at the end of ``manage.py seed_demo``: credit records, list entries and grades (credit/demo.py)."""
        from credit.demo import seed_credit_demo

        return seed_credit_demo(stdout=stdout)

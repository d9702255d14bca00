from django.apps import AppConfig


class CreditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credit"
    verbose_name = "信用监管"

    def ready(self):
        from credit import receivers  # noqa: F401  (a new roster entity is graded on commit)
        from credit.acts import RULES as ACT_RULES
        from credit.scan import register_rule

        for rule in ACT_RULES:  # 其他行政行为超期公示 (issue 12 §2)
            register_rule(rule)
        from credit.annual_report_rules import NoAnnualReport

        register_rule(NoAnnualReport())  # 未按期报送年度报告 → 经营异常名录 proposal (issue 14 §3)
        from credit.filings import register_filing_kinds

        register_filing_kinds()  # CN XF YY YC: /track/ and the status endpoints (core.filings)

from django.apps import AppConfig


class CreditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credit"
    verbose_name = "信用监管"

    def ready(self):
        from core.deadline_items import register as register_deadline
        from credit.deadline_specs import SPECS as DEADLINE_SPECS

        for deadline_spec in DEADLINE_SPECS:  # issue 17: timeliness, one rule for aggregates and lists
            register_deadline(deadline_spec)
        from credit import receivers  # noqa: F401  (a new roster entity is graded on commit)
        from credit.acts import RULES as ACT_RULES
        from credit.scan import register_rule

        for rule in ACT_RULES:  # 其他行政行为超期公示 (issue 12 §2)
            register_rule(rule)
        from credit.annual_report_rules import NoAnnualReport

        register_rule(NoAnnualReport())  # 未按期报送年度报告 → 经营异常名录 proposal (issue 14 §3)
        from credit.filings import register_filing_kinds

        register_filing_kinds()  # CN XF YY YC: /track/ and the status endpoints (core.filings)

    def search_result_annotations(self, kind: str) -> dict:
        """Search results show the grade badge (issue 18 §1.3): code, label and colour of the entity's
        current grade as one JSON column (core.search.result_annotations; supervision's search page
        cannot import credit). The risk class is internal and never part of it."""
        if kind != "entity":
            return {}
        from django.db.models import F, OuterRef, Subquery
        from django.db.models.functions import JSONObject

        from credit.models import EntityCredit

        badge = EntityCredit.objects.filter(entity_id=OuterRef("uscc"), model__bands__grade=F("grade")).values(
            j=JSONObject(code="grade", label="model__bands__label", colour="model__bands__colour")
        )[:1]
        return {"grade_badge": Subquery(badge)}

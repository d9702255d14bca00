from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inspections"
    verbose_name = "双随机、一公开"

    def ready(self):
        from core.deadline_items import register as register_deadline
        from inspections.deadline_specs import SPECS as DEADLINE_SPECS

        for deadline_spec in DEADLINE_SPECS:  # issue 17: timeliness, one rule for aggregates and lists
            register_deadline(deadline_spec)
        from credit.scan import register_rule
        from inspections.scan_rules import RULES

        for rule in RULES:  # 抽查结果公示到期、责令改正逾期 (the nightly risk scan)
            register_rule(rule)

    # An entity's page shows at most this many results (newest first); the plan pages have the rest.
    ENTITY_PAGE_RESULTS = 50

    def entity_page_sections(self, entity) -> list[dict]:
        """The entity page's 双随机抽查结果 section (credit's entity page collects these hooks, so
        credit never imports inspections): the entity's published results, in one query."""
        from inspections import selectors
        from inspections.views import category_labels

        rows = (
            selectors.public_results()
            .filter(task__entity=entity.uscc)
            .only(
                "categories",
                "findings",
                "inspected_on",
                "out_of_window_reason",
                "published_at",
                "task__plan__name",
                "task__plan_id",
                "department__name",
                "task__entity_id",
            )
            .order_by("-published_at", "-id")[: self.ENTITY_PAGE_RESULTS]
        )
        results = [
            {
                "id": r.pk,
                "plan_id": r.task.plan_id,
                "plan_name": r.task.plan.name,
                "department": r.department.name,
                "labels": category_labels(r.categories),
                "findings": r.findings,
                "inspected_on": r.inspected_on,
                "out_of_window_reason": r.out_of_window_reason,  # issue 12 §5: published with the result
                "published_at": r.published_at,
            }
            for r in rows
        ]
        results.extend(self._pushed_results(entity))
        results.sort(key=lambda r: r["inspected_on"], reverse=True)
        return [
            {
                "template": "inspections/_entity_results.html",
                "context": {"results": results[: self.ENTITY_PAGE_RESULTS]},
            }
        ]

    def search_result_annotations(self, kind: str) -> dict:
        """Search results show the last inspection date (issue 18 §1.3, as FHRS does): the newest
        published result on the platform or pushed as a public 抽查检查结果 record, the facts of the
        entity page's section (core.search.result_annotations; supervision cannot import inspections)."""
        if kind != "entity":
            return {}
        from django.db.models import Exists, OuterRef, Subquery
        from django.db.models.functions import Greatest

        from credit.selectors import public_records
        from inspections import selectors
        from inspections.models import InspectionResult

        own = (
            selectors.public_results()
            .select_related(None)
            .filter(task__entity=OuterRef("uscc"))
            .order_by("-inspected_on")
            .values("inspected_on")[:1]
        )
        pushed = (
            public_records()
            .select_related(None)
            .filter(entity_id=OuterRef("uscc"), category="inspection_result")
            .filter(~Exists(InspectionResult.objects.filter(credit_record=OuterRef("pk"))))
            .order_by("-decided_on")
            .values("decided_on")[:1]
        )
        return {"last_inspected_on": Greatest(Subquery(own), Subquery(pushed))}

    def _pushed_results(self, entity) -> list[dict]:
        """Issue 12 §7: results other departments' systems pushed as 抽查检查结果 records are public
        facts of the same kind, so the section shows them too (a platform result's own record is
        shown once, as the result). Same publicity rule as the credit section: credit's selector."""
        from django.db.models import Exists, OuterRef

        from credit.selectors import public_records
        from inspections.models import InspectionResult

        records = (
            public_records()
            .filter(entity_id=entity.uscc, category="inspection_result")
            .filter(~Exists(InspectionResult.objects.filter(credit_record=OuterRef("pk"))))
            .only("source_ref", "title", "content", "decided_on", "publicity_ends_on", "department__name")
            .order_by("-decided_on", "-id")[: self.ENTITY_PAGE_RESULTS]
        )
        return [
            {
                "record_id": r.pk,
                "source_ref": r.source_ref,
                "plan_name": r.title,
                "department": r.department.name,
                "labels": [],
                "findings": r.content,
                "inspected_on": r.decided_on,
                "publicity_ends_on": r.publicity_ends_on,
            }
            for r in records
        ]

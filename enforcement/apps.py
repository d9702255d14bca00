from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enforcement"
    verbose_name = "执法监管"

    def ready(self):
        from core.deadline_items import register as register_deadline
        from enforcement.deadline_specs import SPECS as DEADLINE_SPECS

        for deadline_spec in DEADLINE_SPECS:  # issue 17: timeliness, one rule for aggregates and lists
            register_deadline(deadline_spec)
        from credit.scan import register_rule
        from enforcement.scan_rules import RULES

        for rule in RULES:  # 投诉举报激增 (the nightly risk scan)
            register_rule(rule)

        from credit.signals import record_state_changed
        from enforcement.services.disclosure import disclosure_follow_record

        # A repaired or revoked credit record takes its penalty summary off the public pages with it.
        record_state_changed.connect(disclosure_follow_record, dispatch_uid="enforcement.disclosure_follow_record")

        from credit.signals import records_pushed
        from enforcement.pushed_penalties import mirror_pushed

        # A 行政处罚 record pushed by another system is a public penalty too (issue 12 §1/§7): mirrored at once.
        records_pushed.connect(mirror_pushed, dispatch_uid="enforcement.mirror_pushed")

        from enforcement.filings import register_filing_kinds

        register_filing_kinds()  # TS complaints, TZ early-stop applications: /track/ and the status endpoints (core.filings)

    # --- objections (issue 12 §7): a decision's credit record is corrected through the decision (变更决定) ---

    def credit_record_producer(self, record) -> dict | None:
        from enforcement.services.decisions import producer_of

        return producer_of(record)

    # --- disclosure (双公示): the entity page gains its published penalties ---

    # An entity's page shows at most this many penalties (newest first); /penalties/?uscc= has the rest.
    ENTITY_PAGE_PENALTIES = 50

    def entity_page_sections(self, entity) -> list[dict]:
        """The entity page's 行政处罚信息 section (credit's entity page collects these hooks, so credit
        never imports enforcement): the entity's published, redacted summaries, in one query."""
        from enforcement import selectors
        from enforcement.views import penalty_type_labels

        rows = list(
            selectors.entity_penalties(entity.uscc).only(*selectors.LIST_FIELDS)[: self.ENTITY_PAGE_PENALTIES + 1]
        )
        penalties = [
            {
                "id": d.pk,
                "number": d.number,
                "violation_type": d.violation_type,
                "labels": penalty_type_labels(d.penalty_types),
                "fine_amount": d.fine_amount,
                "department": d.department.name,
                "decided_on": d.decided_on,
                "publicity_ends_on": d.publicity_ends_on,
            }
            for d in rows[: self.ENTITY_PAGE_PENALTIES]
        ]
        return [
            {
                "template": "enforcement/_entity_penalties.html",
                "context": {"penalties": penalties, "more": len(rows) > self.ENTITY_PAGE_PENALTIES},
            }
        ]

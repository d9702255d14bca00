from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enforcement"
    verbose_name = "执法监管"

    def ready(self):
        from credit.scan import register_rule
        from enforcement.scan_rules import RULES

        for rule in RULES:  # 投诉举报激增 (the nightly risk scan)
            register_rule(rule)

        from credit.signals import record_state_changed
        from enforcement.services import disclosure_follow_record

        # A repaired or revoked credit record takes its penalty summary off the public pages with it.
        record_state_changed.connect(disclosure_follow_record, dispatch_uid="enforcement.disclosure_follow_record")

        from credit.signals import records_pushed
        from enforcement.pushed_penalties import mirror_pushed

        # A 行政处罚 record pushed by another system is a public penalty too (issue 12 §1/§7): mirrored at once.
        records_pushed.connect(mirror_pushed, dispatch_uid="enforcement.mirror_pushed")

    # --- demo data ---

    def seed_demo(self, stdout):
        """Called at the end of ``manage.py seed_demo``: benchmarks, cases at every stage, published penalties, 曝光台, complaints (enforcement/demo.py)."""
        from enforcement.demo import seed_enforcement_demo

        return seed_enforcement_demo(stdout=stdout)

    # --- objections (issue 12 §7): a decision's credit record is corrected through the decision (变更决定) ---

    def credit_record_producer(self, record) -> dict | None:
        from enforcement.objections import producer_of

        return producer_of(record)

    # --- disclosure (双公示): the entity page gains its published penalties ---

    # An entity's page shows at most this many penalties (newest first); /penalties/?uscc= has the rest.
    ENTITY_PAGE_PENALTIES = 50

    def entity_page_sections(self, entity) -> list[dict]:
        """The entity page's 行政处罚信息 section (credit's entity page collects these hooks, so credit
        never imports enforcement): the entity's published, redacted summaries, in one query."""
        from enforcement import selectors
        from enforcement.views import penalty_type_labels

        rows = list(selectors.entity_penalties(entity.uscc).only(*selectors.LIST_FIELDS)[: self.ENTITY_PAGE_PENALTIES + 1])
        penalties = [
            {
                "id": d.pk, "number": d.number, "violation_type": d.violation_type, "labels": penalty_type_labels(d.penalty_types),
                "fine_amount": d.fine_amount, "department": d.department.name, "decided_on": d.decided_on, "publicity_ends_on": d.publicity_ends_on,
            }
            for d in rows[: self.ENTITY_PAGE_PENALTIES]
        ]
        return [{"template": "enforcement/_entity_penalties.html", "context": {"penalties": penalties, "more": len(rows) > self.ENTITY_PAGE_PENALTIES}}]

    # --- complaints (投诉举报): /track/ and the status endpoint find TS numbers through these hooks ---

    def filing_models(self) -> dict:
        from enforcement.models import Complaint, EarlyStopApplication

        return {"TS": Complaint, "TZ": EarlyStopApplication}

    def filing_status(self, complaint) -> dict:
        """A complaint as its reporter may see it by number and code: state, deadline, outcome.
        Never the reporter's identity or contacts, never who handled it. (TZ: an early-stop application.)"""
        from enforcement.choices import ComplaintState
        from enforcement.early_stop import early_stop_status
        from enforcement.models import EarlyStopApplication

        if isinstance(complaint, EarlyStopApplication):
            return early_stop_status(complaint)

        facts = [("类别", complaint.get_kind_display()), ("登记时间", complaint.filed_at), ("被投诉举报对象", complaint.entity_name),
                 ("承办部门", complaint.department.name)]
        data = {"kind": "投诉举报", "status": complaint.state, "status_label": complaint.get_state_display(), "provisional": complaint.due_provisional}
        if complaint.state == ComplaintState.CLOSED:
            facts.append(("办结时间", complaint.closed_at))
            data["outcome"] = complaint.get_verdict_display() + (f"：{complaint.outcome}" if complaint.outcome else "")
        else:
            data.update(deadline=complaint.due_on, deadline_label=f"办理期限（{complaint.working_days}个工作日）")
        data["facts"] = facts
        return data

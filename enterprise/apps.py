from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    """The entity's own side (企业端, issue 14): accounts of liaisons, the whole credit file, filings
    made signed in, the annual report answer and the inbox. It reads the domain apps; no domain app
    imports it (the inbox follows the audit trail, see ``enterprise.inbox``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "enterprise"
    verbose_name = "企业端"

    def ready(self):
        from django.db.models.signals import post_save

        from core.models import AuditEvent
        from enterprise.inbox import on_audit_event

        # The inbox follows the audit trail: a change that concerns an entity queues its collection on commit.
        post_save.connect(on_audit_event, sender=AuditEvent, dispatch_uid="enterprise.inbox")

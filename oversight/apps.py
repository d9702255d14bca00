from django.apps import AppConfig


class OversightConfig(AppConfig):
    """Oversight of the departments (issue 17): daily figures, the dashboard, 履职评估, 督办, 尽职免责."""

    name = "oversight"
    verbose_name = "监督评估"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import deadline_items
        from oversight.directives import directive_entry_link

        deadline_items.register_item_link(directive_entry_link)  # 督办 on an item's admin page (issue 17 §4)

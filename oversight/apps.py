from django.apps import AppConfig


class OversightConfig(AppConfig):
    """Oversight of the departments (issue 17): daily figures, the dashboard, 履职评估, 督办, 尽职免责."""

    name = "oversight"
    verbose_name = "监督评估"
    default_auto_field = "django.db.models.BigAutoField"

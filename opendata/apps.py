from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Open by default (issue 15): the no-key API, bulk files, feeds, webhooks, the rulebook, exchange files."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "opendata"
    verbose_name = _("开放数据与数据交换")

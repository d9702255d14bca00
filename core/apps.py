from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台基础"

    def ready(self):
        # checks: the signing certificate and PUBLIC_BASE_URL (issue 18 §1.1). login_lockout_admin: after
        # the admin's autodiscover (django.contrib.admin is the first app), replace django-axes' English
        # admin pages with the Chinese ones (issue 11, unlock by 平台管理员). beat_admin: the scheduled
        # tasks' admin in Chinese (issue 18 §1.6).
        from core import (
            beat_admin,  # noqa: F401
            checks,  # noqa: F401
            login_lockout_admin,  # noqa: F401
        )

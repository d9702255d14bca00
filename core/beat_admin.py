"""The scheduled tasks (django-celery-beat) in the admin, in Chinese (issue 18 §1.6).

django-celery-beat's own zh_Hans catalogue covers most of its words; what it cannot (plain-string
labels, the English cron description from cron_descriptor) is replaced here. The missing catalogue
entries are in locale/zh_Hans (LOCALE_PATHS come before the apps' catalogues).
"""

from cron_descriptor import ExpressionDescriptor, Options
from cron_descriptor.Exception import FormatException, MissingFieldException, WrongArgumentException
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import CrontabScheduleAdmin, PeriodicTaskAdmin
from django_celery_beat.models import CrontabSchedule, PeriodicTask

PeriodicTask._meta.get_field("task").verbose_name = _("任务名称")


def cron_in_chinese(crontab) -> str:
    """``0 2 * * *`` as 在 02:00, with the timezone (cron_descriptor's zh_CN, 24-hour clock)."""
    expression = " ".join(
        [crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year, crontab.day_of_week]
    )
    options = Options()
    options.locale_code = "zh_CN"
    options.use_24hour_time_format = True
    try:
        text = ExpressionDescriptor(expression, options).get_description()
    except (FormatException, MissingFieldException, WrongArgumentException):
        text = expression
    return f"{text}（{crontab.timezone}）"


class ChineseCrontabScheduleAdmin(CrontabScheduleAdmin):
    list_display = ("__str__", "readable")
    fields = ("readable", *[f for f in CrontabScheduleAdmin.fields if f != "human_readable"])
    readonly_fields = ("readable",)

    @admin.display(description=_("执行时间"))
    def readable(self, obj):
        return cron_in_chinese(obj)


class ChinesePeriodicTaskAdmin(PeriodicTaskAdmin):
    list_display = tuple("schedule_text" if c == "scheduler" else c for c in PeriodicTaskAdmin.list_display)

    @admin.display(description=_("执行时间说明"))
    def crontab_translation(self, obj):
        return cron_in_chinese(obj.crontab) if obj and obj.crontab_id else "-"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The page's script shows the chosen crontab's description: give it the Chinese one.
        extra_context = {
            **(extra_context or {}),
            "readable_crontabs": {c.pk: cron_in_chinese(c) for c in CrontabSchedule.objects.all()},
        }
        return super(PeriodicTaskAdmin, self).changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("执行计划"))
    def schedule_text(self, obj):
        if obj.crontab_id:
            return cron_in_chinese(obj.crontab)
        return str(obj.scheduler) if obj.scheduler else "-"


for model, model_admin in ((CrontabSchedule, ChineseCrontabScheduleAdmin), (PeriodicTask, ChinesePeriodicTaskAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)

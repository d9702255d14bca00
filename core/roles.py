"""Official roles as Django groups with their model permissions (created by a migration)."""

import json

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

SUPERVISION_WRITE = [
    "supervisionitem",
    "supervisionitemversion",
    "inspectionchecklist",
    "inspector",
    "inspectorconflict",
    "observationperiod",
]
# 法定时限 (issue 12 §2) bind every department: platform admins keep them, everyone else reads them.
SUPERVISION_ALL = [*SUPERVISION_WRITE, "department", "marketentity", "statutorydeadline"]
CREDIT_VIEW = [
    "creditrecord:view",
    "entitycredit:view",
    "gradehistory:view",
    "listentry:view",
    "listproposal:view",
    "jointmeasure:view",
    "creditcheck:view",
    "riskwarning:view",
    "riskscanrun:view",
    "evaluationmodel:view",
    "gradeband:view",
    "industryrisk:view",
    "publicityrule:view",
    "creditcommitment:view",
    "repairapplication:view",
    "repairevidence:view",
    "objection:view",
    "creditreport:view",
    "listexitapplication:view",
    "listexitevidence:view",
    "listremovalproposal:view",
]
CREDIT_OFFICIAL = [
    "creditrecord:view,add,change",
    "listentry:view,add,change",
    "listproposal:view,change",
    "riskwarning:view,change",
    "creditcommitment:view,add,change",
    "repairapplication:view,change",
    "objection:view,change",
    "listexitapplication:view,change",
    "listremovalproposal:view,change",
    "selfdeclaration:view,change",  # issue 14 §3: removed (with reasons) through an admin action only
    *[
        m
        for m in CREDIT_VIEW
        if m.split(":")[0]
        not in (
            "creditrecord",
            "listentry",
            "listproposal",
            "riskwarning",
            "creditcommitment",
            "repairapplication",
            "objection",
            "listexitapplication",
            "listremovalproposal",
        )
    ],
]
# 信用管理人员 keep the evaluation model, the industry risk table and the measures catalogue.
CREDIT_MANAGER = [
    *CREDIT_OFFICIAL,
    "evaluationmodel:view,add",
    "gradeband:view,add",
    "industryrisk",
    "jointmeasure",
    "publicityrule:view,add",
]

INSPECTIONS_VIEW = [
    "inspectionplan:view",
    "planitem:view",
    "draw:view",
    "drawcommitment:view",
    "drawselection:view",
    "inspectiontask:view",
    "teammember:view",
    "inspectionresult:view",
    "resultevidence:view",
    "correctionorder:view",
    "targetedcheck:view",
]
INSPECTIONS_OFFICIAL = [
    "inspectionplan:view,add,change",
    "planitem:view,add,delete",
    "draw:view,add",
    "drawcommitment:view",
    "drawselection:view",
    "inspectiontask:view,change",
    "teammember:view",
    "inspectionresult:view,add,change",
    "resultevidence:view,add",
    "correctionorder:view,change",
    "targetedcheck:view,change",  # 专项检查对象 (issue 17 §5): added from a warning, completed by an action
]

ENFORCEMENT_VIEW = [
    "channeldeadline:view",
    "complaint:view",
    "complaintattachment:view",
    "discretionstandard:view",
    "case:view",
    "casehandler:view",
    "caseevent:view",
    "casedocument:view",
    "legalreview:view",
    "documentsequence:view",
    "penaltydecision:view",
    "penaltydisclosure:view",
    "caseproposal:view",
    "earlystopapplication:view",
    "earlystopevidence:view",
]
# 执法人员 handle complaints and cases; every state change goes through admin actions that call services.
ENFORCEMENT_OFFICIAL = [
    "complaint:view,add,change",
    "complaintattachment:view",
    "case:view,add,change",
    "casehandler:view,add,change,delete",
    "caseevent:view",
    "casedocument:view,add",
    "legalreview:view",
    "caseproposal:view",
    "penaltydecision:view,add,change",
    "penaltydisclosure:view,change",
    "discretionstandard:view,add,change",
    "channeldeadline:view",
    "documentsequence:view",
    # 提前停止公示 applications (issue 12 §1): the deciding department approves or refuses them.
    "earlystopapplication:view,change",
    "earlystopevidence:view",
]
# 法制审核人员 record the 法制审核 of major decisions (DOMAIN §5).
ENFORCEMENT_REVIEWER = [*ENFORCEMENT_VIEW, "legalreview:view,add"]

# Issue 15: webhook subscriptions of the department's API clients, with their delivery log; the 双公示
# exchange batches; the nightly open-data files (read-only everywhere: the job writes them).
OPENDATA_OFFICIAL = ["webhooksubscription:view,add,change", "webhookdelivery:view", "webhookattempt:view"]
OPENDATA_ALL = [*OPENDATA_OFFICIAL, "exchangebatch:view", "opendatafile:view"]

# Issue 17 §3: 履职评估 and 尽职免责. The platform administrator keeps the indicator system (versions and
# indicators) and runs evaluations; officials read their subtree's results, keep their department's
# half-year reports (a signer signs them) and file or decide 尽职免责 reasons (the service checks that
# the decider is a superior department); 监督人员 read every department's results, reports and reasons.
OVERSIGHT_EVAL_VIEW = [
    "indicatorset:view",
    "indicator:view",
    "evaluation:view",
    "evaluationresult:view",
    "evaluationtotal:view",
    "halfyearreport:view",
    "dutyexemption:view",
]
OVERSIGHT_EVAL_OFFICIAL = [
    *[m for m in OVERSIGHT_EVAL_VIEW if not m.startswith(("halfyearreport", "dutyexemption"))],
    "halfyearreport:view,add,change,sign",
    "dutyexemption:view,add,change",
]
OVERSIGHT_EVAL_ADMIN = [
    "indicatorset:view,add,change",
    "indicator",
    "evaluation:view,add",
    "evaluationresult:view",
    "evaluationtotal:view",
    "halfyearreport:view,add,change",
    "dutyexemption:view,change",
]

# 督办 (issue 17 §4): issued by a superior department, answered by the department pressed; every step is
# an admin action calling a service (oversight.services.directives).
OVERSIGHT_DIRECTIVES = ["directive:view,add,change", "directiveevidence:view"]

# Issue 17 §2: the dashboard (/admin/dashboard/) reads the daily figures; every official role may open it
# (oversight.views: each sees their department's subtree, the platform administrator everything).
DASHBOARD = ["dailyfigure:view"]

ROLES = {
    "平台管理员": {
        "oversight": [*DASHBOARD, *OVERSIGHT_EVAL_ADMIN, *OVERSIGHT_DIRECTIVES],
        "core": [
            "user",
            "usccexception",
            "holidayoverride",
            "apiclient",
            "auditevent:view",
            "retentionpolicy:view,change",  # 数据保留期限 (issue 16 §5)
        ],
        "supervision": SUPERVISION_ALL,
        "django_celery_beat": ["periodictask", "crontabschedule", "intervalschedule"],
        "credit": CREDIT_MANAGER,
        "inspections": INSPECTIONS_OFFICIAL,
        "enforcement": [*ENFORCEMENT_OFFICIAL, "channeldeadline", "disclosurerule", "lowfinethreshold"],
        # Login lockouts: see them and unlock by deleting the record (issue 11, core.login_lockout).
        "axes": ["accessattempt:view,delete", "accessfailurelog:view", "accesslog:view"],
        "opendata": OPENDATA_ALL,
    },
    "部门监管人员": {
        "oversight": [*DASHBOARD, *OVERSIGHT_EVAL_OFFICIAL, *OVERSIGHT_DIRECTIVES],
        "supervision": [*SUPERVISION_WRITE, "department:view", "marketentity:view", "statutorydeadline:view"],
        "core": ["holidayoverride:view"],
        "credit": CREDIT_OFFICIAL,
        "inspections": INSPECTIONS_OFFICIAL,
        "enforcement": ENFORCEMENT_OFFICIAL,
        "opendata": OPENDATA_OFFICIAL,
    },
    "执法人员": {
        "oversight": DASHBOARD,
        "supervision": [f"{m}:view" for m in SUPERVISION_ALL],
        "credit": CREDIT_VIEW,
        "inspections": INSPECTIONS_VIEW,
        "enforcement": ENFORCEMENT_OFFICIAL,
    },
    "法制审核人员": {
        "oversight": DASHBOARD,
        "supervision": [f"{m}:view" for m in SUPERVISION_ALL],
        "credit": CREDIT_VIEW,
        "inspections": INSPECTIONS_VIEW,
        "enforcement": ENFORCEMENT_REVIEWER,
    },
    "信用管理人员": {
        "oversight": DASHBOARD,
        "supervision": [f"{m}:view" for m in SUPERVISION_ALL],
        "core": ["usccexception:view"],
        "credit": CREDIT_MANAGER,
    },
    # 部门负责人 (issue 12 §6, DOMAIN §5): besides the handlers, the one who may move any case of the
    # department, and who sees complainants; otherwise the powers of a 部门监管人员.
    "部门负责人": {
        "oversight": [*DASHBOARD, *OVERSIGHT_EVAL_OFFICIAL, *OVERSIGHT_DIRECTIVES],
        "supervision": [*SUPERVISION_WRITE, "department:view", "marketentity:view", "statutorydeadline:view"],
        "core": ["holidayoverride:view"],
        "credit": CREDIT_OFFICIAL,
        "inspections": INSPECTIONS_OFFICIAL,
        "enforcement": ENFORCEMENT_OFFICIAL,
        "opendata": OPENDATA_OFFICIAL,
    },
    # 监督人员 (issue 11 §4, DOMAIN §4): every plan's draws read-only, with the v2 seed share and population.csv.
    "监督人员": {
        "oversight": [*DASHBOARD, *OVERSIGHT_EVAL_VIEW, *OVERSIGHT_DIRECTIVES],
        "supervision": ["department:view", "marketentity:view", "inspector:view"],
        "inspections": [*INSPECTIONS_VIEW, "drawcommitment:view,audit"],
    },
}


# The nightly figures redo the day that ended and the 30 before it (issue 17 §1; see ensure_schedules).
FIGURES_RECOMPUTE_DAYS = 31


def ensure_roles(apps=global_apps) -> None:
    """Create the groups and grant their permissions; safe to run again."""

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    installed = {a.label for a in apps.get_app_configs()}
    for role, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, models in grants.items():
            if app_label not in installed or not Permission.objects.filter(content_type__app_label=app_label).exists():
                continue  # an app migrated later grants its own when its migration runs this again
            for spec in models:
                model, _, actions = spec.partition(":")
                for action in actions.split(",") if actions else ["view", "add", "change", "delete"]:
                    permission = Permission.objects.filter(
                        content_type__app_label=app_label, codename=f"{action}_{model}"
                    ).first()
                    if (
                        permission is not None
                    ):  # a model a later migration creates is granted when that migration runs this
                        group.permissions.add(permission)


def ensure_schedules(apps=global_apps) -> None:
    """The platform's periodic tasks, kept in the database (django-celery-beat)."""
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = Crontab.objects.get_or_create(
        minute="30", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="审计链每日校验",
        defaults={
            "task": "core.verify_audit_chain",
            "crontab": nightly,
            "description": "每日 02:30 校验审计日志哈希链",
        },
    )
    on_the_hour, _ = Crontab.objects.get_or_create(
        minute="0", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="审计链锚定",
        defaults={
            "task": "core.anchor_audit_chain",
            "crontab": on_the_hour,
            "description": "每小时整点：将审计链链头（编号、哈希、时间）追加写入链外锚点文件，并在 /audit/anchors/ 公开每日链头",
        },
    )
    hourly, _ = Crontab.objects.get_or_create(
        minute="15", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="抽查结果公示",
        defaults={
            "task": "inspections.publish_results",
            "crontab": hourly,
            "description": "每小时第15分：公示已审核的抽查检查结果（检查后20个工作日内）",
        },
    )
    every_half_hour, _ = Crontab.objects.get_or_create(
        minute="5,35", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="行政处罚公示与撤回",
        defaults={
            "task": "enforcement.publish_penalties",
            "crontab": every_half_hour,
            "description": "每小时第5、35分：公示新作出的行政处罚决定（决定后7个工作日内），撤回已撤销或变更的决定（3个工作日内）",
        },
    )
    scan_time, _ = Crontab.objects.get_or_create(
        minute="0", hour="1", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="信用风险扫描",
        defaults={
            "task": "credit.risk_scan",
            "crontab": scan_time,
            "description": "每日 01:00：公示期满记录到期、全量重新评价信用等级与风险分类、按预警规则生成预警",
        },
    )
    # Issue 11: a change marks its entity in its own transaction; this drains the marks, so a
    # re-grade whose task could not be queued (broker down) is done within the minute anyway.
    every_minute, _ = Crontab.objects.get_or_create(
        minute="*", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="信用等级重新评价补偿",
        defaults={
            "task": "credit.drain_regrade_marks",
            "crontab": every_minute,
            "description": "每分钟：重新评价已标记待评价的市场主体（消息队列故障时未能入队的评价在此补做）",
        },
    )
    # Issue 14 §2: the entity inbox follows the audit trail; each change also queues it on commit.
    PeriodicTask.objects.get_or_create(
        name="企业站内消息与邮件",
        defaults={
            "task": "enterprise.inbox_collect",
            "crontab": every_minute,
            "description": "每分钟：按审计日志和信用等级历史生成企业站内消息，发送待发和可重试的邮件",
        },
    )
    # Issue 15: open data. The nightly bulk files at 02:00 (§2), webhook delivery every minute (§4),
    # the outbound exchange every 10 minutes (§6) and the change feed's 90-day retention (§3).
    two_am, _ = Crontab.objects.get_or_create(
        minute="0", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="开放数据每日导出",
        defaults={
            "task": "opendata.dump_open_data",
            "crontab": two_am,
            "description": "每日 02:00：导出开放数据文件（主体信用等级、行政处罚、名单、行政行为、抽查结果、监管规则），保留 7 天",
        },
    )
    PeriodicTask.objects.get_or_create(
        name="推送订阅投递",
        defaults={
            "task": "opendata.deliver_webhooks",
            "crontab": every_minute,
            "description": "每分钟：按变更事件生成推送任务，投递到期的推送（失败按指数退避重试 24 小时）",
        },
    )
    every_ten_minutes, _ = Crontab.objects.get_or_create(
        minute="*/10", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="省级平台数据交换",
        defaults={
            "task": "opendata.exchange_push",
            "crontab": every_ten_minutes,
            "description": "每 10 分钟：把新增和变更的双公示数据按批次发送到省级平台，读取回执，失败重试",
        },
    )
    # Issue 17 §3: the half-year reports (seed 004: 25 June, 25 December) are drafted, pre-filled, 5 working days before.
    six_am, _ = Crontab.objects.get_or_create(
        minute="0", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="半年报告草稿",
        defaults={
            "task": "oversight.prepare_half_year_reports",
            "crontab": six_am,
            "description": "每日 06:00：6月25日、12月25日前5个工作日内，为尚无半年报告的部门生成预填数据的报告草稿",
        },
    )
    # Issue 17 §1: the daily figures of the day that ended (the 01:00 scan's re-grading counts on its own day),
    # and the 30 days before it again: a fact recorded late with an earlier date (a record pushed days after
    # its decision, a 尽职免责 accepted after the item closed) enters its own day's figures within a month;
    # older ones by ``manage.py backfill_figures``. A month takes about 15 s at 1,000,000 entities.
    three_am, _ = Crontab.objects.get_or_create(
        minute="0", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="每日统计快照",
        defaults={
            "task": "oversight.daily_figures",
            "crontab": three_am,
            "kwargs": json.dumps({"days": FIGURES_RECOMPUTE_DAYS}),
            "description": "每日 03:00：按部门、行政区划和行业统计前一日的信用、办理时限、双随机抽查、投诉举报和信用核查数据，"
            "写入每日统计快照，并重算此前30日以纳入补录的数据（重算同一日得到相同结果；更早的日期用 manage.py backfill_figures）",
        },
    )
    # Issue 16 §5: monthly partitions with retention. It also applies the change feed's 90 days, so the
    # row-deleting 变更事件清理 of issue 15 is gone (one mechanism, not two).
    PeriodicTask.objects.filter(task="core.prune_change_events").delete()
    partition_time, _ = Crontab.objects.get_or_create(
        minute="50", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="分区维护",
        defaults={
            "task": "core.maintain_partitions",
            "crontab": partition_time,
            "description": "每日 03:50：为按月分区的数据表建好未来 3 个月的分区，按“数据保留期限”删除整月过期的分区"
            "（逢办必查记录、信用报告、变更事件、推送任务；早于保留期的变更游标将得到 410）",
        },
    )

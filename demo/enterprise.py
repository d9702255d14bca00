"""The entity side (企业端, issue 14 §4) for ``manage.py seed_demo``: five activated accounts, one in every
grade, and what they have done. Called last, after the enforcement demo; the annual reports themselves
are bulk-loaded before the credit demo (demo/enterprise_reports.py, see there why).

- ``ACCOUNTS``: ``qiye1``…``qiye5`` (password ``PASSWORD``), one entity each, picked from the demo roster by
  its current grade (``EntityCredit``): 良好, 警示, 失信, 严重失信, and a 个体工商户. One of them is a deliberately
  missing 2025 report (the nightly scan has proposed 经营异常名录 for it), one filed late (补报), the
  others on time. The accounts come from the real services: the registration authority's demo official
  (``zzsj``, 郑州市市场监督管理局, parent of the district bureaus) issues the activation letter
  (``letter_issue``) and the liaison activates it with the code (``account_activate``).
- What the liaisons did, through the services with ``actor=`` the liaison and ``channel="enterprise"``:
  objections at each stage (待受理, 已受理, 不予受理, 已办结), commitments in each state, a repair
  application, a list exit and an early stop where the entity's file allows one, an answer to a
  correction order (待审核) beside an open one, and self-declared information (企业标准自我声明, 荣誉).
- Then the inbox collection (``enterprise.inbox.inbox_collect``), so the inboxes have their messages
  (e-mail only through the configured backend: the file backend under var/mail by default).

Deterministic (the roster in USCC order, the demo day of ``demo.credit_plan.demo_today``) and idempotent:
an account is keyed by its username and everything it filed is only filed when the account is new.
"""

import datetime as dt
import time
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from credit import services as credit_services
from credit.annual_report_rules import SOURCE_REF
from credit.choices import CommitmentType, Grade, ListType, Polarity, RecordState, Severity
from credit.evaluation import evaluate
from credit.models import CreditRecord, DeclarationKind, EntityCredit, ListEntry, ListProposal
from credit.services import list_exits
from demo.credit_plan import demo_today
from enforcement import early_stop
from enforcement.choices import DisclosureState
from enforcement.models import PenaltyDisclosure
from enterprise import accounts
from enterprise.inbox import inbox_collect
from enterprise.models import EntityAccount, Message
from inspections import services as inspection_services
from inspections.choices import CorrectionState, ResultCategory, TaskState
from inspections.models import CorrectionOrder, InspectionTask, TeamMember
from supervision.annual_reports import due_year, must_report
from supervision.choices import EntityStatus, EntityType
from supervision.models import AnnualReport, MarketEntity

PASSWORD = "demo12345"  # passes Django's validators (AUTH_PASSWORD_VALIDATORS)
OFFICIAL = "zzsj"  # 郑州市市场监督管理局: the district bureaus (the registration authorities) are under it
INDIVIDUAL = "individual"
# (username, grade or INDIVIDUAL, liaison's name, mobile)
ACCOUNTS = [
    ("qiye1", Grade.GOOD, "赵晓梅", "13903710001"),
    ("qiye2", Grade.WARNING, "钱振华", "13903710002"),
    ("qiye3", Grade.DISHONEST, "孙丽娟", "13903710003"),
    ("qiye4", Grade.SERIOUSLY_DISHONEST, "李建国", "13903710004"),
    ("qiye5", INDIVIDUAL, "周红霞", "13903710005"),
]
LABELS = {Grade.GOOD: "良好", Grade.WARNING: "警示", Grade.DISHONEST: "失信", Grade.SERIOUSLY_DISHONEST: "严重失信"}
LABELS[INDIVIDUAL] = "个体工商户"
# A tiny valid PDF: the evidence the liaison "uploads" (the forms check the magic bytes, the services store it).
EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
OBJECTION_PLAN = [
    ("submitted", "", "该信息所涉违法行为已于决定作出后整改完毕，公示的违法事实表述与决定书不一致，请求核查更正。"),
    ("accepted", "", "公示的处罚金额与行政处罚决定书载明的金额不一致，请求核查更正。"),
    ("refused", "", "本企业对该信息有异议，请求删除。"),
    ("decided", "upheld", "罚款已全部缴纳，请求停止公示。"),
]
OBJECTION_REASONS = {
    "accept": "材料齐全，予以受理。",
    "refuse": "申请人未说明异议的具体事实和理由，也未提供任何证明材料，不予受理。",
    "upheld": "经核查，公示信息与生效的行政处罚决定书一致；缴纳罚款不影响最短公示期，可在期满后申请信用修复。维持。",
}


def evidence(name: str) -> ContentFile:
    return ContentFile(EVIDENCE_PDF, name=name)


# --- picking the five entities ------------------------------------------------------------------


def _candidates(today: dt.date) -> dict:
    """Active demo entities with a registration authority, by grade, each with what its file allows."""
    year = due_year(today)
    reports = dict(AnnualReport.objects.filter(year=year).values_list("entity_id", "late"))
    # Missing (for the account that did not file): one the nightly scan has proposed, not one already listed.
    proposed = set(
        ListProposal.objects.filter(source_ref__startswith=SOURCE_REF.format(year=year)).values_list(
            "entity_id", flat=True
        )
    )
    grades = dict(EntityCredit.objects.values_list("entity_id", "grade"))
    taken = set(EntityAccount.objects.values_list("entity_id", flat=True))
    orders = set(
        CorrectionOrder.objects.filter(state=CorrectionState.OPEN, due_on__gte=today).values_list(
            "entity_id", flat=True
        )
    )
    abnormal = set(
        ListEntry.objects.filter(list_type=ListType.ABNORMAL, removed_on__isnull=True).values_list(
            "entity_id", flat=True
        )
    )
    stoppable = {d.entity_id for d in _stoppable_disclosures(today)}
    tasks = set(_open_tasks().values_list("entity_id", flat=True))
    filed = Counter(
        CreditRecord.objects.filter(polarity=Polarity.NEGATIVE, state=RecordState.ACTIVE).values_list(
            "entity_id", flat=True
        )
    )
    rows = []
    for e in (
        MarketEntity.objects.filter(
            status=EntityStatus.ACTIVE,
            registration_authority__isnull=False,
            entity_type__in=[EntityType.ENTERPRISE, EntityType.INDIVIDUAL],
            uscc__in=list(grades),
        )
        .exclude(uscc__in=taken)
        .order_by("uscc")
    ):
        rows.append(
            {
                "entity": e,
                "grade": grades[e.uscc],
                "report": ("missing" if must_report(e, year) and e.uscc in proposed else "other")
                if e.uscc not in reports
                else "late"
                if reports[e.uscc]
                else "filed",
                "order": e.uscc in orders or e.uscc in tasks,
                "records": min(filed[e.uscc], 4),
                "stop": e.uscc in stoppable,
                "abnormal": e.uscc in abnormal,
            }
        )
    return {"rows": rows}


def _open_tasks():
    """Drawn tasks not inspected yet (the inspections demo leaves every 4th one)."""
    return InspectionTask.objects.filter(state=TaskState.ASSIGNED, results__isnull=True).select_related("plan")


def _stoppable_disclosures(today: dt.date) -> list:
    published = PenaltyDisclosure.objects.filter(state=DisclosureState.PUBLISHED, entity_id__isnull=False).order_by(
        "pk"
    )
    return [d for d in published.select_related("department") if not early_stop.early_stop_problems(d, today)]


def _shows(row: dict) -> int:
    """How much of the entity side a candidate's file can show (correction order, early stop, list, records)."""
    return 2 * row["order"] + 2 * row["stop"] + row["abnormal"] + (row["records"] > 0)


def pick_entities(today: dt.date) -> dict:
    """username -> MarketEntity: existing accounts keep their entity; the others are picked by grade.
    The report states are spread: a missing report, a late one, the others on time (the 个体工商户's too)."""
    User = get_user_model()
    picked = {}
    for username, *_rest in ACCOUNTS:
        account = EntityAccount.objects.filter(user__username=username).select_related("entity").first()
        if account is not None:
            picked[username] = account.entity
        elif User.objects.filter(username=username).exists():
            picked[username] = None  # the name is someone else's: leave it alone
    rows = [r for r in _candidates(today)["rows"] if r["entity"] not in picked.values()]
    enterprises = [r for r in rows if r["entity"].entity_type == EntityType.ENTERPRISE]
    want = {"qiye3": "missing", "qiye2": "late"}
    used = set()
    for username, grade, *_rest in ACCOUNTS:
        if username in picked:
            continue
        if grade == INDIVIDUAL:
            pool = [r for r in rows if r["entity"].entity_type == EntityType.INDIVIDUAL and r["report"] == "filed"]
        else:
            pool = [r for r in enterprises if r["grade"] == grade]
            state = want.get(username, "filed")
            pool = [r for r in pool if r["report"] == state] or [r for r in pool if r["report"] == "filed"]
            if state == "filed":
                pool = [r for r in pool if not r["abnormal"] or grade != Grade.GOOD]
        pool = [r for r in pool if r["entity"].uscc not in used]
        # Prefer a file that shows more: an answerable correction order, a penalty that may stop early, a list entry.
        pool.sort(key=lambda r: (-_shows(r), r["entity"].uscc))
        if pool:
            picked[username] = pool[0]["entity"]
            used.add(pool[0]["entity"].uscc)
    return picked


# --- accounts -------------------------------------------------------------------------------------


def seed_accounts(today: dt.date) -> dict:
    """Activate the missing demo accounts through the services; returns {username: (account, new)}."""
    official = get_user_model().objects.filter(username=OFFICIAL).first()
    out = {}
    picked = pick_entities(today)
    for username, _grade, full_name, mobile in ACCOUNTS:
        entity = picked.get(username)
        existing = EntityAccount.objects.filter(user__username=username).select_related("entity", "user").first()
        if existing is not None:
            out[username] = (existing, False)
            continue
        if entity is None or official is None:
            continue
        _letter, code = accounts.letter_issue(entity=entity, actor=official)
        account = accounts.account_activate(
            entity=entity,
            code=code,
            username=username,
            full_name=full_name,
            password=PASSWORD,
            mobile=mobile,
            email=f"{username}@example.com",
        )
        out[username] = (account, True)
    return out


# --- what the liaisons did ------------------------------------------------------------------------


def _contact(account) -> dict:
    return {"applicant_name": account.full_name, "contact_phone": account.mobile, "contact_email": account.email}


def _decider(department):
    """The deciding department's demo login if there is one (谁认定、谁修复), else the seeding task."""
    return get_user_model().objects.filter(username=department.code.lower()).first() or "task:seed_demo"


def seed_objections(accounts_: list) -> int:
    """One objection at each stage (待受理, 已受理, 不予受理, 已办结), on the account entities' negative records."""
    added = 0
    plan = list(OBJECTION_PLAN)
    targets = []
    for account in accounts_:
        records = CreditRecord.objects.filter(
            entity_id=account.entity_id, polarity=Polarity.NEGATIVE, state=RecordState.ACTIVE
        ).order_by("decided_on", "pk")
        targets += [(account, {"record": r}) for r in records]
    for account, target in targets:
        if not plan:
            break
        stage, outcome, reason = plan[0]
        try:
            objection, _code = credit_services.objection_file(
                actor=account.user, reason=reason, channel="enterprise", **target, **_contact(account)
            )
        except ValidationError:
            continue
        plan.pop(0)
        added += 1
        decider = _decider(objection.department)
        if stage == "refused":
            credit_services.objection_refuse(actor=decider, objection=objection, reason=OBJECTION_REASONS["refuse"])
        elif stage in ("accepted", "decided"):
            credit_services.objection_accept(actor=decider, objection=objection, reason=OBJECTION_REASONS["accept"])
        if stage == "decided":
            credit_services.objection_decide(
                actor=decider, objection=objection, outcome=outcome, reason=OBJECTION_REASONS[outcome]
            )
    return added


# (type, matter, made this many days ago, due this many days after, end state); the kept ones on a
# 良好 entity, the broken one on the 严重失信 one (a broken promise is a negative record: it would move a grade).
COMMITMENTS_KEPT = [
    (CommitmentType.VOLUNTARY, "", 20, 365, None),
    (CommitmentType.VOLUNTARY, "", 400, 365, "fulfilled"),
    (CommitmentType.SELF_DISCIPLINE, "郑州市餐饮与饭店行业协会", 30, 365, None),
]
COMMITMENTS_BROKEN = [(CommitmentType.VOLUNTARY, "", 300, 200, "broken")]


def seed_commitments(account, today: dt.date, plan: list) -> int:
    """主动型 and 行业自律型 commitments made by the liaison, resolved by the department where due."""
    entity = account.entity
    added = 0
    for kind, matter, made_ago, months, end in plan:
        made_on = today - dt.timedelta(days=made_ago)
        due_on = made_on + dt.timedelta(days=months)
        content = credit_services.COMMITMENT_TEMPLATES[kind].format(matter=matter, due_on=f"{due_on:%Y年%m月%d日}")
        try:
            commitment, _code = credit_services.commitment_make(
                actor=account.user,
                entity_uscc=entity.uscc,
                commitment_type=kind,
                department=entity.registration_authority,
                content=content,
                signatory=account.full_name,
                due_on=due_on,
                made_on=made_on,
                matter=matter,
                contact_phone=account.mobile,
                channel="enterprise",
            )
        except ValidationError:
            continue
        if end == "fulfilled":
            credit_services.commitment_fulfil(
                actor="task:seed_demo",
                commitment=commitment,
                resolved_on=due_on,
                note="承诺期内按时公示年度报告，未发现违法失信行为，认定已履约。",
            )
        elif end == "broken":
            credit_services.commitment_break(
                actor="task:seed_demo",
                commitment=commitment,
                resolved_on=min(due_on, today - dt.timedelta(days=10)),
                note="经核查，当事人未按承诺整改到位，认定违诺。",
            )
        added += 1
    return added


def seed_repair(accounts_: list, today: dt.date) -> int:
    """A repair application (待审核) on the first repairable 一般 record of an account entity (as the credit demo's)."""
    for account in accounts_:
        records = CreditRecord.objects.filter(
            entity_id=account.entity_id,
            polarity=Polarity.NEGATIVE,
            state=RecordState.ACTIVE,
            severity=Severity.GENERAL,
        ).order_by("decided_on", "pk")
        for record in records:
            if credit_services.repair_problems(record, commitment_accepted=True, today=today):
                continue
            try:
                credit_services.repair_apply(
                    actor=account.user,
                    record=record,
                    reason=f"本企业已履行“{record.title}”的处罚决定并整改完毕，最短公示期已满，特申请信用修复。",
                    commitment_accepted=True,
                    evidence_files=[evidence("repair-evidence.pdf")],
                    channel="enterprise",
                    **_contact(account),
                )
            except ValidationError:
                continue
            return 1
    return 0


def seed_list_exit(accounts_: list, today: dt.date) -> int:
    """An exit application (待决定) from 经营异常名录 where an account entity's entry allows one."""
    for account in accounts_:
        for entry in ListEntry.objects.filter(
            entity_id=account.entity_id, list_type=ListType.ABNORMAL, removed_on__isnull=True
        ).order_by("pk"):
            if list_exits.exit_problems(entry, today=today):
                continue
            try:
                list_exits.list_exit_apply(
                    actor=account.user,
                    entry=entry,
                    reason="本企业已履行相关义务，并已通过国家企业信用信息公示系统公示，申请移出经营异常名录。",
                    evidence_files=[evidence("list-exit-evidence.pdf")],
                    channel="enterprise",
                    **_contact(account),
                )
            except ValidationError:
                continue
            return 1
    return 0


def seed_early_stop(accounts_: list, today: dt.date) -> int:
    """An early-stop application (待决定) where an account entity's penalty may stop early."""
    by_entity = {a.entity_id: a for a in accounts_}
    for disclosure in _stoppable_disclosures(today):
        account = by_entity.get(disclosure.entity_id)
        if account is None:
            continue
        try:
            early_stop.early_stop_apply(
                actor=account.user,
                disclosure=disclosure,
                reason="本企业已全部履行行政处罚决定，主动消除了危害后果和不良影响，公示已满规定期限，申请提前停止公示。",
                performed=True,
                harm_removed=True,
                evidence_files=[evidence("early-stop-evidence.pdf")],
                channel="enterprise",
                **_contact(account),
            )
        except ValidationError:
            continue
        return 1
    return 0


FINDINGS = "经核查，当事人未按规定通过国家企业信用信息公示系统公示行政许可取得和变动信息，已责令限期公示。"
LATE_REASON = "原定检查期间内当事人停业装修，经批准延期至恢复营业后检查。"


def issue_orders(accounts_: list, today: dt.date) -> int:
    """Inspect the account entities' pending tasks (if the draw left any): 未按规定公示 → a correction order."""
    issued = 0
    User = get_user_model()
    for task in _open_tasks().filter(entity_id__in=[a.entity_id for a in accounts_]).order_by("pk"):
        member = TeamMember.objects.filter(task=task).select_related("department").order_by("pk").first()
        if member is None:
            continue
        actor = User.objects.filter(username=member.department.code.lower()).first() or "task:seed_demo"
        outside = not (task.plan.starts_on <= today <= task.plan.ends_on)
        result = inspection_services.result_submit(
            actor=actor,
            task=task,
            department=member.department,
            categories=[ResultCategory.NOT_PUBLISHED],
            findings=FINDINGS,
            inspected_on=today,
            out_of_window_reason=LATE_REASON if outside else "",
        )
        inspection_services.result_approve(actor="task:seed_demo", result=result)
        issued += 1
    if issued:
        inspection_services.results_publish(actor="task:seed_demo")
    return issued


def seed_corrections(accounts_: list, today: dt.date) -> dict:
    """Correction orders for the account entities; with two or more, the first answerable one is answered
    (待审核) and the others stay open."""
    done = {"issued": issue_orders(accounts_, today), "answered": 0, "open": 0}
    orders = CorrectionOrder.objects.filter(
        entity_id__in=[a.entity_id for a in accounts_], state=CorrectionState.OPEN
    ).order_by("due_on", "pk")
    by_entity = {a.entity_id: a for a in accounts_}
    answerable = [o for o in orders if not inspection_services.answer_problem(o, today)]
    for order in orders:
        if done["answered"] or len(answerable) < 2 or order not in answerable:
            done["open"] += 1
            continue
        inspection_services.correction_respond(
            actor=by_entity[order.entity_id].user,
            order=order,
            entity=by_entity[order.entity_id].entity,
            statement="已按责令改正要求整改：补充公示了相关企业信息，并建立了信息公示专人负责制度。附整改前后截图。",
            files=[evidence("correction-evidence.pdf")],
        )
        done["answered"] += 1
    return done


def seed_declarations(account, today: dt.date) -> int:
    entity = account.entity
    specs = [
        {
            "kind": DeclarationKind.STANDARD,
            "title": "餐饮服务质量规范",
            "standard_no": f"Q/{entity.uscc[-6:]}-001-2026",
            "issued_on": today - dt.timedelta(days=120),
            "description": "本企业执行的服务质量标准，已通过企业标准信息公共服务平台自我声明公开。",
        },
        {
            "kind": DeclarationKind.HONOUR,
            "title": "2025年度诚信经营示范单位",
            "issuer": "郑州市餐饮与饭店行业协会",
            "issued_on": today - dt.timedelta(days=200),
        },
    ]
    added = 0
    for spec in specs:
        try:
            credit_services.declaration_add(actor=account.user, entity=entity, **spec)
        except ValidationError:
            continue
        added += 1
    return added


# --- the whole part -------------------------------------------------------------------------------


def seed_enterprise_demo(*, stdout=None) -> dict:
    """Seed the entity side through the services; returns what was added. Running it again adds nothing."""
    started = time.monotonic()
    today = demo_today()
    stats = {"accounts": 0, "objections": 0, "commitments": 0, "repairs": 0, "list_exits": 0, "early_stops": 0}
    stats.update(orders_issued=0, answered=0, open_orders=0, declarations=0)
    with transaction.atomic():
        seeded = seed_accounts(today)
        new = [account for account, is_new in seeded.values() if is_new]
        stats["accounts"] = len(new)
        if new:
            by_name = {a.user.username: a for a in new}
            order = ("qiye4", "qiye3", "qiye2", "qiye1", "qiye5")
            stats["objections"] = seed_objections([by_name[u] for u in order if u in by_name])
            if "qiye1" in by_name:
                stats["commitments"] = seed_commitments(by_name["qiye1"], today, COMMITMENTS_KEPT)
                stats["declarations"] = seed_declarations(by_name["qiye1"], today)
            if "qiye4" in by_name:
                stats["commitments"] += seed_commitments(by_name["qiye4"], today, COMMITMENTS_BROKEN)
            stats["repairs"] = seed_repair(new, today)
            stats["list_exits"] = seed_list_exit(new, today)
            stats["early_stops"] = seed_early_stop(new, today)
            # Correction orders only where a negative inspection result cannot move the account's grade slot.
            orders = seed_corrections([by_name[u] for u in ("qiye5", "qiye4", "qiye3") if u in by_name], today)
            stats["orders_issued"], stats["answered"], stats["open_orders"] = (
                orders["issued"],
                orders["answered"],
                orders["open"],
            )
            # The filings made records (inspection results, commitments): grade those entities as the nightly run would.
            evaluate([a.entity_id for a in new])
    stats["inbox"] = inbox_collect() if new else {"messages": 0}
    stats["seconds"] = round(time.monotonic() - started, 1)
    if stdout:
        report(stdout, seeded, stats)
    return stats


def report(stdout, seeded: dict, stats: dict) -> None:
    grades = dict(
        EntityCredit.objects.filter(entity_id__in=[a.entity_id for a, _n in seeded.values()]).values_list(
            "entity_id", "grade"
        )
    )
    year = due_year(demo_today())
    reports = dict(AnnualReport.objects.filter(year=year).values_list("entity_id", "late"))
    stdout.write(
        f"企业端演示数据已就绪（用时 {stats['seconds']} 秒）：新增企业账号 {stats['accounts']}，共 {len(seeded)}"
    )
    for username, (account, _new) in seeded.items():
        state = (
            "未报送" if account.entity_id not in reports else "逾期补报" if reports[account.entity_id] else "已按期报送"
        )
        grade = Grade(grades[account.entity_id]).label if account.entity_id in grades else "未评价"
        stdout.write(f"  {username}：{account.entity.name}（{grade}，{year}年度报告{state}）")
    stdout.write(
        f"  异议 {stats['objections']}，信用承诺 {stats['commitments']}，信用修复 {stats['repairs']}，"
        f"移出名单 {stats['list_exits']}，提前停止公示 {stats['early_stops']}；责令改正新增 {stats['orders_issued']}、已答复 {stats['answered']}、"
        f"待改正 {stats['open_orders']}；自主填报 {stats['declarations']}；站内消息 {Message.objects.count()}"
    )
    stdout.write(
        f"  企业端演示账号：qiye1…qiye5 / {PASSWORD}（良好/警示/失信/严重失信/个体工商户），登录 /enterprise/login/"
    )

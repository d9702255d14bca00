"""Complaints and reports (投诉举报): file, assign (转办), accept, close, convert to a case, and the
channels' handling deadlines.

Who sees the complainant, and giving a complaint filed by name its entity (issue 12 §6; formerly
``enforcement.complaint_rules``):

- The complainant's identity, contacts and attachments are seen by the complaint's handlers (the
  officials who entered or accepted it, or whom the 部门负责人 assigned) and by the 部门负责人 of the
  handling department, not by every official of it (法制审核人员 included). DOMAIN §5.
- ``complaint_entity_set``: an official of the handling department sets or corrects the USCC of an open
  complaint (filed by name only, or with a wrong code), audited, so that a verified one can become the
  entity's credit record when it is closed.
- ``complaint_handlers_set``: the 部门负责人 assigns the complaint's handlers.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core import uscc as uscc_mod
from core.filings import new_tracking, query_code_digest
from core.redaction import redact_text
from core.scoping import department_of, is_platform_admin
from credit.choices import Severity
from credit.services import credit_record_save, public_snapshot
from enforcement.case_rules import is_department_head
from enforcement.choices import CaseSource, ComplaintChannel, ComplaintKind, ComplaintState, ComplaintVerdict
from enforcement.models import Complaint, ComplaintAttachment
from enforcement.services import hotline
from enforcement.services.actors import _user
from enforcement.services.cases import case_open
from supervision import deadlines
from supervision.choices import DeadlineKind
from supervision.models import Department, MarketEntity, StatutoryDeadline
from supervision.services import statutory_deadline_save

# --- complaints (投诉举报) -------------------------------------------------------------------------
#
# Ways in: the public form and POST /api/v1/complaints/ (channels web/api), and the admin entry of
# 12345/12315/window work orders (with their work-order number). Each complaint gets a TS tracking
# number and a query code (the credit filings' scheme), a department and a deadline in working days
# from the statutory deadline in force (kind COMPLAINT; a channel's own rule is its variant). The reporter's identity and contacts are confidential
# (DOMAIN §5): masked in the audit trail, never in a credit record, never on a public page.

COMPLAINT_PREFIX = "TS"
PUBLIC_COMPLAINT_CHANNELS = ("web", "api")
# 12345/12315 work orders are entered with the hotline's own number, so the two systems can be reconciled.
HOTLINE_CHANNELS = ("12345", "12315")
COMPLAINT_DEADLINE_MAX_WORKING_DAYS = 60
COMPLAINT_LEGAL_BASIS = "《市场监督管理投诉举报处理暂行办法》"
_COMPLAINT_LABELS = {
    "entity_name": "被投诉举报对象名称",
    "content": "投诉举报内容",
    "reporter_name": "投诉举报人",
    "contact_phone": "联系电话",
    "contact_email": "电子邮箱",
    "external_no": "来源工单号",
}
_COMPLAINT_LIMITS = {
    "entity_name": 200,
    "reporter_name": 100,
    "contact_phone": 32,
    "contact_email": 100,
    "external_no": 64,
}
_CONFIDENTIAL = ("reporter_name", "contact_phone", "contact_email")


def channel_working_days(channel: str, day: dt.date, department=None) -> int:
    """The handling deadline of ``channel`` in working days on ``day`` for ``department``: the shortest
    statutory deadline in force (the channel's own version, or the general complaint rule)."""
    return deadlines.working_days(DeadlineKind.COMPLAINT, department=department, on=day, variant=channel)


def complaint_default_department():
    """Where a complaint goes when nobody chose a department and the entity is not in the roster:
    settings.COMPLAINT_DEFAULT_DEPARTMENT (a department code) if set and active, else the market
    regulation department (市场监督管理局: 12315 complaints are theirs), else the first active department."""

    active = Department.objects.filter(active=True).order_by("code")
    code = getattr(settings, "COMPLAINT_DEFAULT_DEPARTMENT", "")
    return (
        (active.filter(code=code).first() if code else None)
        or active.filter(name__contains="市场监督管理").order_by("level", "code").first()
        or active.first()
    )


def _complaint_snapshot(complaint) -> dict:
    """The audit snapshot with the reporter's identity and contacts masked (the trail is shown to officials)."""

    data = public_snapshot(complaint)
    if data.get("reporter_name"):
        data["reporter_name"] = "（保密）"
    return data


def _check_handling_department(actor, complaint) -> None:
    """Only the assigned department (or a platform administrator, a task, a test) acts on a complaint."""

    if not getattr(actor, "is_authenticated", False) or is_platform_admin(actor):
        return
    if department_of(actor) != complaint.department:
        raise ValidationError(f"该投诉举报由{complaint.department.name}承办，只有承办部门可以办理")


def _lock_complaint(actor, complaint):
    complaint = Complaint.objects.select_for_update(of=("self",)).select_related("department").get(pk=complaint.pk)
    _check_handling_department(actor, complaint)
    return complaint


@transaction.atomic
def complaint_file(
    *,
    actor,
    entity_name: str,
    content: str,
    kind: str = "complaint",
    channel: str = "web",
    department=None,
    entity_uscc: str = "",
    reporter_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    whistleblower: bool = False,
    external_no: str = "",
    attachments=(),
    api_client=None,
):
    """登记 a complaint or report. Returns ``(complaint, query_code)``; only the code's hash is kept.

    The department is the one given (admin entry, 12345 dispatch), else the entity's registration
    authority when the USCC is in the roster, else ``complaint_default_department()``. The deadline
    counts the channel's working days from the filing date (DOMAIN §6 calendar, provisional past its data).
    ``api_client``: the hotline system filing its work order through the API (``complaint_file_hotline``)."""

    values = {
        "entity_name": str(entity_name or "").strip(),
        "content": str(content or "").strip(),
        "reporter_name": str(reporter_name or "").strip(),
        "contact_phone": str(contact_phone or "").strip(),
        "contact_email": str(contact_email or "").strip(),
        "external_no": str(external_no or "").strip(),
    }
    errors = {}
    if kind not in ComplaintKind.values:
        errors["kind"] = "类别只能是：" + "、".join(f"{v}（{label}）" for v, label in ComplaintKind.choices)
    if channel not in ComplaintChannel.values:
        errors["channel"] = "渠道只能是：" + "、".join(f"{v}（{label}）" for v, label in ComplaintChannel.choices)
    elif channel in HOTLINE_CHANNELS and not values["external_no"]:
        errors["external_no"] = f"{ComplaintChannel(channel).label}转来的投诉举报须填写来源工单号"
    if api_client is not None and channel not in HOTLINE_CHANNELS:
        errors["channel"] = "接口客户端报送的工单渠道只能是 12345 或 12315"
    code = ""
    entity = None
    if str(entity_uscc or "").strip():
        try:
            code = uscc_mod.validate_uscc(entity_uscc)
        except ValidationError:  # the reason itself: exc.messages would read a typed '%' as a format (hardening)
            errors["entity_uscc"] = uscc_mod.problems(uscc_mod.normalize(entity_uscc))
        else:
            entity = MarketEntity.objects.filter(uscc=code).select_related("registration_authority").first()
    if not values["entity_name"] and entity is not None:
        values["entity_name"] = entity.name  # named by USCC only: the roster gives the name
    for name in ("entity_name", "content"):
        if not values[name] and name not in errors:
            errors[name] = f"{_COMPLAINT_LABELS[name]}为必填项" + (
                "（或填写名录库中的统一社会信用代码）" if name == "entity_name" else ""
            )
    for name, limit in _COMPLAINT_LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = f"{_COMPLAINT_LABELS[name]}不能超过{limit}个字符"
    if "\x00" in "".join(values.values()):
        errors.setdefault("content", "不能包含空字符")
    if errors:
        raise ValidationError(errors)
    if department is None:
        authority = entity.registration_authority if entity is not None else None
        department = authority if authority is not None and authority.active else complaint_default_department()
    if department is None:
        raise ValidationError({"department": "尚未设置承办部门，请联系平台管理员配置监管部门"})
    now = timezone.now()
    filed_on = timezone.localdate(now)
    due = deadlines.due(DeadlineKind.COMPLAINT, filed_on, department=department, variant=channel)
    working_days = due.rule.working_days
    number, query_code = new_tracking(Complaint, COMPLAINT_PREFIX)
    complaint = Complaint.objects.create(
        tracking_no=number,
        query_code_hash=query_code_digest(number, query_code),
        kind=kind,
        channel=channel,
        external_no=values["external_no"],
        entity_name=values["entity_name"],
        entity_id=code,
        content=values["content"],
        reporter_name=values["reporter_name"],
        contact_phone=values["contact_phone"],
        contact_email=values["contact_email"],
        whistleblower=bool(whistleblower),
        filed_at=now,
        department=department,
        working_days=working_days,
        due_on=due.date,
        due_provisional=due.provisional,
        api_client=api_client,
    )
    if _user(actor) is not None and getattr(actor, "department_id", None) == department.pk:
        complaint.handlers.add(actor)  # the official who entered the work order (and the complainant) handles it
    for upload in attachments:
        ComplaintAttachment.objects.create(
            complaint=complaint,
            file=upload,
            original_name=str(upload.name or "附件")[:200],
            content_type=str(getattr(upload, "content_type", "") or "")[:64],
            size=upload.size,
        )
    audit.record(
        actor=actor,
        action="complaint.file",
        target=complaint,
        after={**_complaint_snapshot(complaint), "attachments": len(attachments)},
    )
    hotline.status_changed(complaint, hotline.FILED)
    return complaint, query_code


@transaction.atomic
def complaint_file_hotline(*, client, external_order_no: str, channel: str, entity_name: str, content: str, **fields):
    """A 12345/12315 work order pushed by ``client`` (scope complaints:write, checked by the API). Returns
    ``(complaint, query_code, created)``. (client, order number) is the idempotency key: a resend returns
    the complaint first filed (``query_code`` is then "", as only its hash is kept) and files nothing; a
    resend with another object or content is refused, so one number never stands for two complaints."""

    order_no = str(external_order_no or "").strip()
    if channel not in HOTLINE_CHANNELS:
        raise ValidationError({"channel": "接口客户端报送的工单渠道只能是 12345 或 12315"})
    if not order_no:
        raise ValidationError({"external_order_no": "12345/12315 工单须填写工单号 external_order_no"})
    if len(order_no) > _COMPLAINT_LIMITS["external_no"]:
        raise ValidationError({"external_order_no": f"工单号不能超过{_COMPLAINT_LIMITS['external_no']}个字符"})
    hotline.order_lock(client, order_no)
    existing = hotline.existing_order(client, order_no)
    if existing is not None:
        same = (existing.channel, existing.entity_name, existing.content) == (
            channel,
            str(entity_name or "").strip() or existing.entity_name,
            str(content or "").strip(),
        )
        if not same:
            raise hotline.OrderNumberReused(
                {"external_order_no": f"工单号 {order_no} 已登记为 {existing.tracking_no}，与本次报送的内容不同"}
            )
        return existing, "", False
    complaint, code = complaint_file(
        actor=client,
        channel=channel,
        external_no=order_no,
        entity_name=entity_name,
        content=content,
        api_client=client,
        **fields,
    )
    return complaint, code, True


@transaction.atomic
def complaint_assign(*, actor, complaint, department, reason: str):
    """转办: hand the complaint to another department, with the reason; it starts there as 已登记
    (the deadline promised to the reporter stays)."""

    complaint = _lock_complaint(actor, complaint)
    if complaint.state == ComplaintState.CLOSED:
        raise ValidationError("该投诉举报已办结，不能转办")
    if department is None or not department.active:
        raise ValidationError({"department": "请选择接收转办的部门"})
    if department.pk == complaint.department_id:
        raise ValidationError({"department": f"该投诉举报已由{department.name}承办，请选择其他部门"})
    if not str(reason or "").strip():
        raise ValidationError({"reason": "转办须说明理由"})
    before = {"department": complaint.department_id, "state": complaint.state}
    complaint.department, complaint.state, complaint.handled_by = department, ComplaintState.RECEIVED, None
    complaint.save(update_fields=["department", "state", "handled_by"])
    audit.record(
        actor=actor,
        action="complaint.assign",
        target=complaint,
        before=before,
        after={"department": department.pk, "state": complaint.state, "reason": reason.strip()},
    )
    hotline.status_changed(complaint, hotline.ASSIGNED)
    return complaint


@transaction.atomic
def complaint_accept(*, actor, complaint, note: str = ""):
    """受理: 已登记 → 办理中."""

    complaint = _lock_complaint(actor, complaint)
    if complaint.state != ComplaintState.RECEIVED:
        raise ValidationError(f"该投诉举报当前为“{complaint.get_state_display()}”，不能再受理")
    complaint.state, complaint.handled_by = ComplaintState.HANDLING, _user(actor)
    complaint.save(update_fields=["state", "handled_by"])
    if _user(actor) is not None:
        complaint.handlers.add(actor)  # the official who takes it on handles it (and sees the complainant)
    audit.record(
        actor=actor,
        action="complaint.accept",
        target=complaint,
        before={"state": ComplaintState.RECEIVED},
        after={"state": complaint.state, "note": str(note or "").strip()},
    )
    hotline.status_changed(complaint, hotline.ACCEPTED)
    return complaint


def _reporter_data_in(complaint, text: str) -> bool:
    return any(
        v and len(v) >= 2 and v in text
        for v in (complaint.reporter_name, complaint.contact_phone, complaint.contact_email)
    )


def _complaint_credit_record(*, actor, complaint):
    """A verified complaint becomes a 投诉举报 credit record (DOMAIN §3: verified complaints count toward
    the grade). Its text is the outcome, redacted: never the reporter's identity or contacts."""

    verdict = complaint.get_verdict_display()
    text = redact_text(
        complaint.outcome, keep=(complaint.entity_id, complaint.tracking_no), names=(complaint.reporter_name,)
    )
    return credit_record_save(
        actor=actor,
        department=complaint.department,
        source_ref=complaint.tracking_no,
        uscc=complaint.entity_id,
        category="complaint",
        polarity="negative",
        severity=Severity.MINOR,
        title=f"{complaint.get_kind_display()}经核查{verdict}"[:200],
        content=f"经核查，{complaint.get_kind_display()}反映的问题{verdict}。处理结果：{text}",
        decided_on=timezone.localdate(),
        legal_basis=COMPLAINT_LEGAL_BASIS,
    )


@transaction.atomic
def complaint_close(*, actor, complaint, verdict: str, outcome: str):
    """办结 with a verdict and the outcome text told to the reporter. 属实 / 部分属实 about an entity with a
    USCC becomes a credit record (category 投诉举报, 轻微) through the credit service."""

    complaint = _lock_complaint(actor, complaint)
    if complaint.state == ComplaintState.CLOSED:
        raise ValidationError("该投诉举报已办结")
    allowed = [c for c in ComplaintVerdict.choices if c[0] != ComplaintVerdict.CONVERTED]
    if verdict == ComplaintVerdict.CONVERTED:
        raise ValidationError({"verdict": "转立案查处请使用“转立案”"})
    if verdict not in ComplaintVerdict.values:
        raise ValidationError({"verdict": "核查结论只能是：" + "、".join(str(label) for _, label in allowed)})
    outcome = str(outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "请填写办理结果（将告知投诉举报人）"})
    if _reporter_data_in(complaint, outcome):
        raise ValidationError({"outcome": "办理结果可凭查询码查询，不得包含投诉举报人的姓名或联系方式"})
    before = _complaint_snapshot(complaint)
    complaint.state, complaint.verdict, complaint.outcome, complaint.closed_at = (
        ComplaintState.CLOSED,
        verdict,
        outcome,
        timezone.now(),
    )
    complaint.handled_by = _user(actor) or complaint.handled_by
    if verdict in (ComplaintVerdict.VERIFIED, ComplaintVerdict.PARTLY) and not complaint.entity_id:
        # Issue 12 §6: a verified complaint without an entity would silently make no credit record.
        raise ValidationError(
            {
                "verdict": "核查属实（部分属实）的投诉举报须先设置被投诉举报对象的统一社会信用代码（“设置统一社会信用代码”），"
                "否则无法形成信用记录"
            }
        )
    if verdict in (ComplaintVerdict.VERIFIED, ComplaintVerdict.PARTLY) and complaint.entity_id:
        complaint.credit_record = _complaint_credit_record(actor=actor, complaint=complaint)
    complaint.save(update_fields=["state", "verdict", "outcome", "closed_at", "handled_by", "credit_record"])
    audit.record(
        actor=actor, action="complaint.close", target=complaint, before=before, after=_complaint_snapshot(complaint)
    )
    hotline.status_changed(complaint, hotline.CLOSED)
    return complaint


@transaction.atomic
def complaint_convert_to_case(
    *,
    actor,
    complaint,
    handlers,
    title: str,
    party_name: str = "",
    is_major: bool = False,
    standard=None,
    lead=None,
    note: str = "",
    outcome: str = "",
    documents=(),
):
    """转立案: open a case from the complaint (source 投诉举报) and close the complaint as 已转立案查处;
    the reporter is told 已立案调查 (the case itself is disclosed when decided)."""

    complaint = _lock_complaint(actor, complaint)
    if complaint.state == ComplaintState.CLOSED:
        raise ValidationError("该投诉举报已办结，不能再转立案")
    extra = str(outcome or "").strip()
    if extra and _reporter_data_in(complaint, extra):
        raise ValidationError({"outcome": "办理结果可凭查询码查询，不得包含投诉举报人的姓名或联系方式"})
    case = case_open(
        actor=actor,
        department=complaint.department,
        party_name=str(party_name or "").strip() or complaint.entity_name,
        title=title,
        source=CaseSource.COMPLAINT,
        handlers=handlers,
        entity_uscc=complaint.entity_id or "",
        source_complaint=complaint,
        standard=standard,
        is_major=is_major,
        lead=lead,
        note=note or f"由投诉举报 {complaint.tracking_no} 转立案",
        documents=documents,
    )
    before = _complaint_snapshot(complaint)
    complaint.state, complaint.verdict, complaint.closed_at = (
        ComplaintState.CLOSED,
        ComplaintVerdict.CONVERTED,
        timezone.now(),
    )
    complaint.outcome = "经核查，已立案调查。" + (extra if extra else "案件办理结果将依法公示。")
    complaint.handled_by = _user(actor) or complaint.handled_by
    complaint.save(update_fields=["state", "verdict", "outcome", "closed_at", "handled_by"])
    audit.record(
        actor=actor,
        action="complaint.convert",
        target=complaint,
        before=before,
        after={**_complaint_snapshot(complaint), "case": case.number},
    )
    hotline.status_changed(complaint, hotline.CONVERTED)
    return case


@transaction.atomic
def channel_deadline_set(*, actor, channel: str, working_days: int, effective_from: dt.date, note: str = ""):
    """A new version of a channel's handling deadline (issue 6: settable per channel), kept as a
    statutory deadline of kind COMPLAINT with the channel as its variant (issue 12 §2). Versions are
    never edited: complaints already filed keep the deadline they got. Where rules overlap the shorter
    applies (DOMAIN §4), so a channel's rule can shorten the general complaint deadline, never lengthen it."""

    errors = {}
    if channel not in ComplaintChannel.values:
        errors["channel"] = "请选择渠道"
    try:
        working_days = int(working_days)
    except (TypeError, ValueError):
        working_days = 0
    if not 1 <= working_days <= COMPLAINT_DEADLINE_MAX_WORKING_DAYS:
        errors["working_days"] = f"办理时限应为1至{COMPLAINT_DEADLINE_MAX_WORKING_DAYS}个工作日"
    if not isinstance(effective_from, dt.date):
        errors["effective_from"] = "请填写生效日期"
    elif effective_from < timezone.localdate():
        errors["effective_from"] = "生效日期不能早于今天（已登记的投诉举报按登记时的时限办理）"
    elif (
        not errors
        and StatutoryDeadline.objects.filter(
            kind=DeadlineKind.COMPLAINT, variant=channel, department=None, region_code="", effective_from=effective_from
        ).exists()
    ):
        errors["effective_from"] = f"{ComplaintChannel(channel).label}在{effective_from}已有一个版本"
    if not errors:
        general = deadlines.working_days(DeadlineKind.COMPLAINT, on=effective_from)
        if working_days > general:
            errors["working_days"] = (
                f"投诉举报的通用办理时限为{general}个工作日；规则重叠时适用较短的时限，渠道时限只能等于或短于它"
            )
    if len(str(note or "")) > 200:
        errors["note"] = "依据不能超过200个字符"
    if errors:
        raise ValidationError(errors)
    label = ComplaintChannel(channel).label
    before = channel_working_days(channel, effective_from)
    note = str(note or "").strip()
    row = statutory_deadline_save(
        actor=actor,
        kind=DeadlineKind.COMPLAINT,
        variant=channel,
        working_days=working_days,
        effective_from=effective_from,
        citation=note or f"{COMPLAINT_LEGAL_BASIS}：{label}渠道办理时限（平台管理员设定）",
        note=f"{label}渠道",
    )
    audit.record(
        actor=actor,
        action="channel_deadline.set",
        target=row,
        before={"working_days": before},
        after=audit.snapshot(row),
    )
    return row


# --- who sees the complainant; the complaint's entity and handlers (issue 12 §6) ---


def sees_complainant(user, complaint) -> bool:
    """May ``user`` see who complained and how to reach them?"""
    if complaint is None or not getattr(user, "is_authenticated", False):
        return False
    if is_department_head(user, complaint.department):
        return True
    if getattr(user, "department_id", None) != complaint.department_id:
        return False  # a handler moved to another department, or the complaint was handed on (转办)
    return complaint.handlers.filter(pk=user.pk).exists()


@transaction.atomic
def complaint_entity_set(*, actor, complaint, entity_uscc: str, reason: str = ""):
    """Set or correct the USCC of the complaint's entity (before it is closed); the name follows the
    roster when the code is in it and the complaint named no one."""
    complaint = _lock_complaint(actor, complaint)
    if complaint.state == ComplaintState.CLOSED:
        raise ValidationError("该投诉举报已办结，不能再变更被投诉举报对象")
    try:
        code = uscc_mod.validate_uscc(entity_uscc)
    except ValidationError:  # the reason itself (a typed '%' would read as a format in exc.messages)
        raise ValidationError({"entity_uscc": uscc_mod.problems(uscc_mod.normalize(entity_uscc or ""))}) from None
    if code == complaint.entity_id:
        raise ValidationError({"entity_uscc": f"被投诉举报对象的统一社会信用代码已是{code}"})
    before = {"entity": complaint.entity_id, "entity_name": complaint.entity_name}
    entity = MarketEntity.objects.filter(uscc=code).only("name").first()
    complaint.entity_id = code
    fields = ["entity"]
    if entity is not None and not complaint.entity_name:
        complaint.entity_name = entity.name
        fields.append("entity_name")
    complaint.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="complaint.entity_set",
        target=complaint,
        before=before,
        after={
            "entity": code,
            "entity_name": complaint.entity_name,
            "in_roster": entity is not None,
            "reason": str(reason or "").strip(),
        },
    )
    return complaint


@transaction.atomic
def complaint_handlers_set(*, actor, complaint, handlers, note: str = ""):
    """分办: the 部门负责人 names the officials of the department who handle the complaint."""
    complaint = _lock_complaint(actor, complaint)
    if getattr(actor, "is_authenticated", False) and not is_department_head(actor, complaint.department):
        raise ValidationError(f"只有{complaint.department.name}的部门负责人可以指定投诉举报的承办人员")
    handlers = list(handlers)
    outsiders = [u for u in handlers if getattr(u, "department_id", None) != complaint.department_id]
    if not handlers or outsiders:
        raise ValidationError({"handlers": "请选择本部门的工作人员作为承办人员"})
    before = sorted(complaint.handlers.values_list("username", flat=True))
    complaint.handlers.set(handlers)
    audit.record(
        actor=actor,
        action="complaint.handlers",
        target=complaint,
        before={"handlers": before},
        after={"handlers": sorted(u.username for u in handlers), "note": str(note or "").strip()},
    )
    return complaint

"""Complaints (issue 12 §6): who sees the complainant, and giving a complaint filed by name its entity.

- The complainant's identity, contacts and attachments are seen by the complaint's handlers (the
  officials who entered or accepted it, or whom the 部门负责人 assigned) and by the 部门负责人 of the
  handling department, not by every official of it (法制审核人员 included). DOMAIN §5.
- ``complaint_entity_set``: an official of the handling department sets or corrects the USCC of an open
  complaint (filed by name only, or with a wrong code), audited, so that a verified one can become the
  entity's credit record when it is closed.
- ``complaint_handlers_set``: the 部门负责人 assigns the complaint's handlers.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit
from core import uscc as uscc_mod
from enforcement.case_rules import is_department_head
from enforcement.choices import ComplaintState
from enforcement.services import _lock_complaint
from supervision.models import MarketEntity


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
    audit.record(actor=actor, action="complaint.entity_set", target=complaint, before=before,
                 after={"entity": code, "entity_name": complaint.entity_name, "in_roster": entity is not None, "reason": str(reason or "").strip()})
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
    audit.record(actor=actor, action="complaint.handlers", target=complaint, before={"handlers": before},
                 after={"handlers": sorted(u.username for u in handlers), "note": str(note or "").strip()})
    return complaint

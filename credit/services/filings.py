"""What every public filing of credit (commitment, repair, objection, list exit) shares: required
fields, the deciding department, and audit snapshots without the filer's contact details.
Tracking numbers and query codes are ``core.filings``."""

from django.core.exceptions import ValidationError

from core import audit
from core.scoping import department_of, is_platform_admin

# --- public filings (tracking number + query code: core.filings) ----------------------------


def check_deciding_department(actor, department) -> None:
    """谁认定、谁修复: only the deciding department (or a platform administrator) decides."""
    if not getattr(actor, "is_authenticated", False) or is_platform_admin(actor):
        return  # tasks, tests and platform administrators
    if department_of(actor) != department:
        raise ValidationError(f"只有{department.name}可以作出决定（谁认定、谁修复）")


def require_fields(errors: dict, **values) -> None:
    labels = {
        "applicant_name": "申请人",
        "contact_phone": "联系电话",
        "reason": "理由",
        "content": "承诺内容",
        "signatory": "承诺人",
    }
    for name, value in values.items():
        if not str(value or "").strip():
            errors[name] = f"{labels.get(name, name)}为必填项"


def public_snapshot(obj) -> dict:
    """An audit snapshot without the confidential contact details (the trail is shown to officials)."""
    data = audit.snapshot(obj)
    for name in ("contact_phone", "contact_email", "query_code_hash"):
        if name in data:
            data[name] = "（保密）" if data[name] else ""
    return data

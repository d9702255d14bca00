"""Demo: list exit applications (issue 12 §4), one at each state: 待决定, 已准予移出, 不予移出.

Filed through the public service on three active 经营异常名录 entries (the first three by USCC), and
decided by the listing department through the same services an official's action calls. Keyed by
the demo applicant's name, so a rerun adds nothing.
"""

from credit.choices import ExitState, ListType
from credit.models import ListEntry, ListExitApplication
from credit.services import list_exits
from demo.credit_plan import ACTOR

APPLICANT = "演示申请人（企业经办人）"
PHONE = "0371-60000000"
REASONS = {
    ExitState.SUBMITTED: "本企业已于近日补报2025年度报告并通过国家企业信用信息公示系统公示，申请移出经营异常名录。",
    ExitState.APPROVED: "本企业已恢复在登记住所经营，可通过登记的住所联系，附租赁合同和现场照片，申请移出经营异常名录。",
    ExitState.REFUSED: "本企业已按要求公示有关信息，申请移出经营异常名录。",
}
DECISIONS = {
    ExitState.APPROVED: "经实地核查，企业可通过登记的住所联系，准予移出。",
    ExitState.REFUSED: "经核查，企业公示的2025年度资产状况信息仍与实际不符，未履行更正义务，不予移出。",
}


def seed_list_exits(*, entities: list[dict]) -> int:
    """File and decide the three demo exit applications; returns how many were added."""
    if ListExitApplication.objects.filter(applicant_name=APPLICANT).exists():
        return 0
    codes = [e["uscc"] for e in entities]
    entries = list(
        ListEntry.objects.filter(entity_id__in=codes, list_type=ListType.ABNORMAL, removed_on__isnull=True).order_by(
            "entity_id"
        )[:3]
    )
    added = 0
    for entry, state in zip(entries, (ExitState.SUBMITTED, ExitState.APPROVED, ExitState.REFUSED), strict=False):
        application, _code = list_exits.list_exit_apply(
            actor=ACTOR,
            entry=entry,
            applicant_name=APPLICANT,
            contact_phone=PHONE,
            reason=REASONS[state],
            channel="web",
        )
        if state == ExitState.APPROVED:
            list_exits.list_exit_approve(actor=ACTOR, application=application, reason=DECISIONS[state])
        elif state == ExitState.REFUSED:
            list_exits.list_exit_refuse(actor=ACTOR, application=application, reason=DECISIONS[state])
        added += 1
    return added

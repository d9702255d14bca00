"""督办 rules (issue 17 §4): which items may be pressed and by whom, and the lists of both sides.

An item is ``(kind, object_id)``: a kind of core.deadline_items (objections, list exits, complaints,
correction orders, result publications, penalty disclosures) or ``warning`` (an open risk warning).
A deadline item may be pressed while it is open and overdue or *at risk*: due within
``AT_RISK_WORKING_DAYS`` working days. Three working days is the default answer period of a 督办, so
an item pressed then can still be done before its deadline; the 待办 panels' "3个工作日内" group is the
same window (core.todo).

Who may press is ``supervision.selectors.may_press``: a platform administrator, or an official of a
department above the item's department, never the department itself.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core import deadline_items
from core.deadline_items import Status
from core.scoping import is_platform_admin
from core.workdays import add_working_days
from credit.choices import WarningState
from credit.models import RiskWarning
from oversight.models import Directive, DirectiveState
from supervision.selectors import department_subtree_ids, may_press

WARNING_KIND = "warning"
AT_RISK_WORKING_DAYS = 3
DEFAULT_ANSWER_WORKING_DAYS = 3
MAX_ANSWER_WORKING_DAYS = 30  # a 督办 presses: an answer period longer than a working month is no pressure
LIVE_STATES = (DirectiveState.OPEN, DirectiveState.ANSWERED, DirectiveState.RETURNED)
AWAITING_ANSWER = (DirectiveState.OPEN, DirectiveState.RETURNED)
LIST_LIMIT = 200  # issuable items listed per kind on the 可督办事项 page, the most urgent first


@dataclass(frozen=True)
class Item:
    """An item a 督办 points at, as the pages show it."""

    kind: str
    object_id: int
    department_id: int
    department: str
    label: str
    due: dt.date | None
    issuable: bool
    url: str

    @property
    def kind_label(self) -> str:
        return kind_labels().get(self.kind, self.kind)

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


def kind_labels() -> dict:
    return {**{s.kind: s.label for s in deadline_items.specs()}, WARNING_KIND: "风险预警"}


def at_risk_limit(today: dt.date) -> dt.date:
    return add_working_days(today, AT_RISK_WORKING_DAYS).date


def issuable_q(spec, today: dt.date) -> Q:
    """On ``spec.annotated()`` rows: open today and due by the at-risk limit (overdue included)."""
    return spec.status_q(Status.OPEN, None, today) & Q(dl_due__isnull=False, dl_due__lte=at_risk_limit(today))


def _change_url(model, pk) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


def item_url(kind: str, object_id: int) -> str:
    model = RiskWarning if kind == WARNING_KIND else deadline_items.spec(kind).model
    return _change_url(model, object_id)


def find_item(kind: str, object_id, today: dt.date | None = None) -> Item | None:
    """The item, whether it may be pressed today or not; None when there is no such item."""
    today = today or timezone.localdate()
    try:
        object_id = int(object_id)
    except (TypeError, ValueError):
        return None
    if kind == WARNING_KIND:
        warning = RiskWarning.objects.select_related("department").filter(pk=object_id).first()
        if warning is None:
            return None
        return Item(
            kind,
            object_id,
            warning.department_id,
            str(warning.department),
            warning.message,
            None,
            warning.state == WarningState.OPEN,
            _change_url(RiskWarning, object_id),
        )
    if kind not in kind_labels():
        return None
    spec = deadline_items.spec(kind)
    row = (
        spec.annotated(spec.model._default_manager.filter(pk=object_id))
        .select_related(spec.department)
        .annotate(issuable=Exists(spec.annotated().filter(issuable_q(spec, today), pk=OuterRef("pk"))))
        .first()
    )
    if row is None:
        return None
    department = getattr(row, spec.department)
    return Item(
        kind,
        object_id,
        department.pk,
        str(department),
        str(row),
        row.dl_due,
        row.issuable,
        _change_url(spec.model, object_id),
    )


def issuable_item(kind: str, object_id) -> Item:
    """The item, if it may be pressed now; else a clear refusal."""
    item = find_item(kind, object_id)
    if item is None:
        raise ValidationError({"object_id": "找不到该督办事项"})
    if not item.issuable:
        if kind == WARNING_KIND:
            raise ValidationError({"object_id": "该预警已处置，无需督办"})
        raise ValidationError({"object_id": f"只能督办已逾期或{AT_RISK_WORKING_DAYS}个工作日内到期且尚未办结的事项"})
    return item


def pressable_department_ids(user) -> list[int] | None:
    """The departments ``user`` may press (None: all, for a platform administrator)."""
    if is_platform_admin(user):
        return None
    own = getattr(user, "department_id", None)
    return [d for d in department_subtree_ids(own) if d != own]


def pressable_items(user, kind: str | None = None, today: dt.date | None = None) -> list[Item]:
    """Items ``user`` may press now, overdue first then by due day (one query per kind), with
    those already pressed left out (they are on the 督办 list)."""
    today = today or timezone.localdate()
    departments = pressable_department_ids(user)
    if departments == []:
        return []
    live = Directive.objects.filter(state__in=LIVE_STATES, object_id=OuterRef("pk"))
    items = []
    for spec in deadline_items.specs():
        if kind and spec.kind != kind:
            continue
        qs = spec.annotated().filter(issuable_q(spec, today)).select_related(spec.department)
        if departments is not None:
            qs = qs.filter(**{f"{spec.department}_id__in": departments})
        qs = qs.exclude(Exists(live.filter(kind=spec.kind))).order_by("dl_due", "pk")[:LIST_LIMIT]
        for row in qs:
            department = getattr(row, spec.department)
            items.append(
                Item(
                    spec.kind,
                    row.pk,
                    department.pk,
                    str(department),
                    str(row),
                    row.dl_due,
                    True,
                    _change_url(spec.model, row.pk),
                )
            )
    if kind in (None, WARNING_KIND):
        warnings = RiskWarning.objects.filter(state=WarningState.OPEN).select_related("department")
        if departments is not None:
            warnings = warnings.filter(department_id__in=departments)
        warnings = warnings.exclude(Exists(live.filter(kind=WARNING_KIND))).order_by("created_at", "pk")[:LIST_LIMIT]
        items.extend(
            Item(
                WARNING_KIND,
                w.pk,
                w.department_id,
                str(w.department),
                w.message,
                None,
                True,
                _change_url(RiskWarning, w.pk),
            )
            for w in warnings
        )
    return sorted(items, key=lambda i: (i.due is None, i.due or today, i.kind, i.object_id))


# --- the two sides' lists ------------------------------------------------------------------------


def directives_visible_to(user) -> QuerySet:
    """督办 an official sees: those pressing their department, and those their department issued (a
    platform administrator: all)."""
    qs = Directive.objects.select_related("department", "issuing_department", "issued_by")
    if is_platform_admin(user):
        return qs
    own = getattr(user, "department_id", None)
    if own is None:
        return qs.none()
    return qs.filter(Q(department_id=own) | Q(issuing_department_id=own) | Q(issued_by_id=user.pk))


def directive_deadline_q(lookup: str, day) -> Q:
    """督办 still awaiting an answer whose answer deadline is ``lookup`` ``day`` (the 期限 filter and
    the 待办 panels count with it)."""
    return Q(state__in=AWAITING_ANSWER, **{f"answer_due_on__{lookup}": day})


def inbox_q(user) -> Q:
    """督办 pressing ``user``'s department (its inbox)."""
    return Q(department_id=getattr(user, "department_id", None))


def issued_q(user) -> Q:
    """督办 issued by ``user``'s department, or by ``user`` (a platform administrator without one)."""
    own = getattr(user, "department_id", None)
    return Q(issuing_department_id=own) if own is not None else Q(issued_by_id=user.pk)


def review_q(user) -> Q:
    """Answers waiting for ``user``'s review: 督办 they issued, now answered."""
    return Q(issued_by_id=user.pk, state=DirectiveState.ANSWERED)


def may_answer(user, directive: Directive) -> bool:
    """The responsible department answers (not its superiors on its behalf)."""
    return getattr(user, "department_id", None) == directive.department_id


def may_review(user, directive: Directive) -> bool:
    """The issuer side closes or sends back: the issuer, their department, or a platform administrator."""
    if is_platform_admin(user) or directive.issued_by_id == getattr(user, "pk", None):
        return True
    own = getattr(user, "department_id", None)
    return own is not None and own == directive.issuing_department_id


def directive_entry_link(request, spec, obj) -> list[tuple[str, str]]:
    """督办 on a deadline item's admin page, for those who may press it while it may be pressed (a
    parent department's officials do not see another department's item pages: they press from
    可督办事项; a platform administrator sees both)."""
    user = request.user
    department_id = getattr(obj, f"{spec.department}_id", None)
    if not user.has_perm("oversight.add_directive") or not may_press(user, department_id):
        return []
    item = find_item(spec.kind, obj.pk)
    if item is None or not item.issuable:
        return []
    if Directive.objects.filter(kind=spec.kind, object_id=obj.pk, state__in=LIVE_STATES).exists():
        return []
    return [("督办", f"{reverse('admin:oversight_directive_issue')}?kind={spec.kind}&object_id={obj.pk}")]

"""Reads that carry a rule: what is public, what counts as active, what a department may see.

Every public page, the public API and every public export use these selectors, so none of them can
show more than the others. Risk classes are never read here: they are internal.
"""

import datetime as dt

from django.db.models import Count, DateField, Exists, Func, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.scoping import department_of, is_platform_admin
from credit.choices import (
    OPEN_OBJECTION_STATES,
    PUBLIC_ACT_CATEGORIES,
    CommitmentState,
    ExitState,
    ListType,
    ObjectionState,
    Polarity,
    RecordCategory,
    RecordState,
    RemovalReason,
    WarningDisposition,
    WarningState,
)
from credit.evaluation import lookback_start, model_in_force
from credit.models import (
    CreditCheck,
    CreditCommitment,
    CreditRecord,
    EntityCredit,
    EvaluationModel,
    GradeBand,
    GradeHistory,
    ListEntry,
    Objection,
    RiskWarning,
)
from supervision.selectors import department_subtree_ids

# Lists shown on public pages. All four are published (DOMAIN §3 names none of them internal).
PUBLIC_LIST_TYPES = (ListType.ABNORMAL, ListType.SERIOUS, ListType.KEY_ATTENTION, ListType.RED)
# Record fields that a public page, the public API or a public export may show.
PUBLIC_RECORD_FIELDS = (
    "id",
    "entity",
    "department",
    "source_ref",
    "category",
    "polarity",
    "severity",
    "title",
    "content",
    "decided_on",
    "legal_basis",
    "amount",
    "publicity_ends_on",
)


def public_records(today: dt.date | None = None) -> QuerySet:
    """Records the public may see now: active, published under its rule (轻微 is not by default),
    window open, neither repaired nor revoked (DOMAIN §3). The one rule for every public view."""
    today = today or timezone.localdate()
    return CreditRecord.objects.filter(
        state=RecordState.ACTIVE, published=True, decided_on__lte=today, publicity_ends_on__gte=today
    ).select_related("department")


def public_acts(today: dt.date | None = None) -> QuerySet:
    """/acts/ (issue 12 §2): 行政许可 and the other administrative acts the public may see now, by
    the one rule of ``public_records``, newest decision first."""

    return (
        public_records(today)
        .filter(category__in=[c.value for c in PUBLIC_ACT_CATEGORIES])
        .order_by("-decided_on", "-id")
    )


def shareable_records() -> QuerySet:
    """Records other departments' systems may read (credit:read): public now or aged out, never
    repaired or revoked ones, never unpublished 轻微 ones."""
    return CreditRecord.objects.filter(
        state__in=[RecordState.ACTIVE, RecordState.EXPIRED], published=True
    ).select_related("department")


def active_list_entries(today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return ListEntry.objects.filter(removed_on__isnull=True, listed_on__lte=today).select_related("department")


def public_list_entries(list_type: str | None = None, today: dt.date | None = None) -> QuerySet:
    qs = active_list_entries(today).filter(list_type__in=PUBLIC_LIST_TYPES)
    return qs.filter(list_type=list_type) if list_type else qs


# Removals not shown in an entity's list history: an entry revoked as wrong was never a fact about the
# entity, and one whose basis was repaired or revoked is no longer published (市场监督管理信用修复管理办法:
# repaired information stops being publicised).
HIDDEN_REMOVAL_REASONS = (RemovalReason.DECISION_REVOKED, RemovalReason.BASIS_WITHDRAWN)


def entity_list_file(code: str, today: dt.date | None = None) -> QuerySet:
    """An entity's public list entries in one query: those in force (as ``public_list_entries``) and
    its past ones with when and why they ended, as the 国家企业信用信息公示系统 shows 列入/移出 (issue 18
    §1.4). Split them by ``removed_on``."""
    today = today or timezone.localdate()
    in_force = Q(removed_on__isnull=True, listed_on__lte=today)
    past = Q(removed_on__isnull=False) & ~Q(removal_reason__in=HIDDEN_REMOVAL_REASONS)
    return (
        ListEntry.objects.filter(entity_id=code, list_type__in=PUBLIC_LIST_TYPES)
        .filter(in_force | past)
        .select_related("department")
    )


def entity_credit(code: str) -> EntityCredit | None:
    """The current evaluation of an entity, with its model's bands (for label and colour)."""
    return (
        EntityCredit.objects.select_related("model")
        .prefetch_related(Prefetch("model__bands", queryset=GradeBand.objects.all()))
        .filter(entity_id=code)
        .first()
    )


def grade_badge(credit: EntityCredit | None) -> dict | None:
    """``{"code", "label", "colour", "score"}`` as the public may see it (no risk class)."""
    if credit is None:
        return None
    for band in credit.model.bands.all():
        if band.grade == credit.grade:
            return {"code": credit.grade, "label": band.label, "colour": band.colour, "score": credit.score}
    return {"code": credit.grade, "label": credit.get_grade_display(), "colour": "", "score": credit.score}


def grade_history(code: str) -> QuerySet:
    return GradeHistory.objects.filter(entity_id=code).select_related("model").order_by("changed_at", "id")


def current_model(today: dt.date | None = None) -> EvaluationModel:

    return model_in_force(today or timezone.localdate())


def checks_visible_to(user) -> QuerySet:
    """Check log rows an official may see: checks by their department's systems, and checks of
    entities their department registered (an entity's officials see who checked it)."""

    qs = CreditCheck.objects.select_related("client", "department")
    if is_platform_admin(user):
        return qs
    dept = department_of(user)
    if dept is None:
        return qs.none()
    return qs.filter(Q(department=dept) | Q(entity__registration_authority=dept))


def records_under_objection(record_ids) -> set:
    """Records with an objection being handled: public pages mark them 异议处理中 (DOMAIN §3)."""

    return set(
        Objection.objects.filter(record_id__in=list(record_ids), state__in=OPEN_OBJECTION_STATES).values_list(
            "record_id", flat=True
        )
    )


def entries_under_objection(entry_ids) -> set:

    return set(
        Objection.objects.filter(list_entry_id__in=list(entry_ids), state__in=OPEN_OBJECTION_STATES).values_list(
            "list_entry_id", flat=True
        )
    )


# Commitment fields a public page, the public API or a report may show (never the contact phone).
PUBLIC_COMMITMENT_FIELDS = (
    "id",
    "tracking_no",
    "entity",
    "commitment_type",
    "department",
    "content",
    "matter",
    "made_on",
    "due_on",
    "state",
    "resolved_on",
)


def public_commitments(code: str | None = None) -> QuerySet:

    qs = CreditCommitment.objects.only(*PUBLIC_COMMITMENT_FIELDS).select_related("department")
    return qs.filter(entity_id=code) if code else qs


def verified_complaints(today: dt.date | None = None) -> QuerySet:
    """Verified complaints (投诉举报 records from 属实 / 部分属实) of the last 12 months, the same set
    rule 3 of the evaluation counts (credit.evaluation: ``recent`` complaints; window in
    ``lookback_start``). Their number per entity is public (消费投诉公示, seed 004 §15 ff.) whatever
    each record's own publicity; the records themselves, and anything about the complainant, are not."""

    today = today or timezone.localdate()
    return CreditRecord.objects.filter(
        category=RecordCategory.COMPLAINT,
        polarity=Polarity.NEGATIVE,
        state__in=[RecordState.ACTIVE, RecordState.EXPIRED],
        decided_on__gte=lookback_start(today),
        decided_on__lte=today,
    )


def verified_complaint_count(code: str, today: dt.date | None = None) -> int:
    """The public count of an entity's verified complaints in the last 12 months (a number only)."""
    return verified_complaints(today).filter(entity_id=code).count()


def objection_deadline_q(lookup: str, day) -> Q:
    """Open objections whose current deadline (受理期限 until accepted, then 办结期限) is ``lookup`` ``day``
    (the admin's 期限 filter and the 待办 panel count with the same rule)."""
    return Q(state=ObjectionState.SUBMITTED, **{f"accept_due_on__{lookup}": day}) | Q(
        state=ObjectionState.ACCEPTED, **{f"decide_due_on__{lookup}": day}
    )


def commitment_overdue_q(today) -> Q:
    """Commitments past their due date and still 履约中 (the risk scan warns of the same)."""
    return Q(state=CommitmentState.IN_PROGRESS, due_on__lt=today)


def exit_deadline_q(lookup: str, day) -> Q:
    """Open list-exit applications whose decision deadline is ``lookup`` ``day`` (the admin's 期限 filter;
    the scan rules use the same rule)."""
    return Q(state=ExitState.SUBMITTED, **{f"decide_due_on__{lookup}": day})


# --- risk warnings (issue 17 §5) ----------------------------------------------------------------

# A warning is "right" when its entity gets a confirmed negative finding within this many months
# after the warning's day (issue 17 §5: 6 months).
FINDING_WINDOW_MONTHS = 6


class _PlusMonths(Func):
    """``day + n months`` as a date (PostgreSQL's calendar arithmetic: 08-31 + 6 months = 02-28)."""

    output_field = DateField()

    def __init__(self, expression, months: int):
        super().__init__(expression)
        self.template = f"((%(expressions)s) + interval '{int(months)} months')::date"


def warnings_visible_to(user) -> QuerySet:
    """Warnings an official may read: their department's subtree (a parent department oversees, and
    presses with a 督办, its subordinates' warnings); a platform administrator all. Only the warning's
    own department disposes of it (credit.services.warnings.may_dispose)."""
    if is_platform_admin(user):
        return RiskWarning.objects.all()
    dept = department_of(user)
    if dept is None:
        return RiskWarning.objects.none()
    return RiskWarning.objects.filter(department_id__in=department_subtree_ids(dept.pk))


def warnings_raised(start: dt.date, end: dt.date, queryset: QuerySet | None = None) -> QuerySet:
    """Warnings raised by the scan on the local days ``start``–``end``. A warning handed to another
    department (``transferred_from``) is the same warning, not a new one, so only originals count."""
    queryset = RiskWarning.objects.all() if queryset is None else queryset
    # Local midnights as bounds (not ``created_at__date``), so the index on created_at serves the range.
    tz = timezone.get_default_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return queryset.filter(transferred_from__isnull=True, created_at__gte=since, created_at__lt=until)


def with_later_finding(queryset: QuerySet) -> QuerySet:
    """Annotate ``later_finding``: the warned entity got a confirmed negative finding (a negative
    credit record, not revoked) decided after the warning's day and at most 6 months after it."""
    day = TruncDate("created_at", tzinfo=timezone.get_default_timezone())
    return queryset.annotate(warned_on=day).annotate(
        later_finding=Exists(
            CreditRecord.objects.filter(
                entity_id=OuterRef("entity_id"),
                polarity=Polarity.NEGATIVE,
                decided_on__gt=OuterRef("warned_on"),
                decided_on__lte=_PlusMonths(OuterRef("warned_on"), FINDING_WINDOW_MONTHS),
            ).exclude(state=RecordState.REVOKED)
        )
    )


def rule_effectiveness(start: dt.date, end: dt.date, queryset: QuerySet | None = None) -> dict[str, dict]:
    """Per warning rule over ``start``–``end``: warnings raised, still open, per disposition, warned
    entities and entities with a later finding. One grouped query (``queryset`` scopes it)."""
    dispositions = {f"d_{code}": Count("id", filter=Q(disposition=code)) for code in WarningDisposition.values}
    rows = (
        with_later_finding(warnings_raised(start, end, queryset))
        .order_by()
        .values("rule_code")
        .annotate(
            raised=Count("id"),
            open=Count("id", filter=Q(state=WarningState.OPEN)),
            entities=Count("entity_id", distinct=True),
            hit_entities=Count("entity_id", distinct=True, filter=Q(later_finding=True)),
            **dispositions,
        )
    )
    return {row.pop("rule_code"): row for row in rows}

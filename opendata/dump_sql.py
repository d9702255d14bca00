"""The SELECT of each open-data dataset, built on the public selectors the public pages read.

Each builder returns a queryset of ``values_list`` over the selector, one expression per column of
the data dictionary (``opendata.dictionary``), in its order. Nothing here is evaluated in Python:
``opendata.dumps`` turns the queryset's SQL into ``COPY (…) TO STDOUT``. Because the rows come from
the same selector as the page, a file cannot hold a row the page would not show; because only the
listed columns are selected, it cannot hold a column the page would not show either (personal data
such as ID numbers and phone numbers is never in a selected column).
"""

import datetime as dt
import json as json_lib

from django.db.models import Case, CharField, F, Func, TextField, Value, When
from django.db.models.functions import Cast
from django.db.models.sql.datastructures import Join
from django.utils import translation

from credit import selectors as credit_selectors
from credit.choices import ListGround, ListType, MeasureKind, PenaltyType, RecordCategory
from credit.models import GradeBand
from enforcement import selectors as enforcement_selectors
from inspections import selectors as inspection_selectors
from inspections.choices import ResultCategory
from opendata import rulebook
from opendata.dictionary import BY_CODE
from supervision import selectors as supervision_selectors
from supervision.choices import EntityStatus, EntityType, Frequency, InspectionMethod, ObjectType, SupervisionLevel
from supervision.models import InspectionChecklist, MarketEntity, SupervisionItemVersion

SEPARATOR = "、"


def _labels(choices) -> list[tuple[str, str]]:
    with translation.override("zh-hans"):
        return [(str(code), str(label)) for code, label in choices]


def label(field: str, choices) -> Case:
    """The Chinese label of a choice column, in SQL (no row comes to Python)."""
    whens = [When(**{field: code}, then=Value(text)) for code, text in _labels(choices)]
    return Case(*whens, default=Value(""), output_field=CharField())


class LabelList(Func):
    """The labels of an array (or JSON array) of choice codes, in order, joined by 、."""

    output_field = TextField()

    def __init__(self, field: str, choices, *, json: bool = False):
        super().__init__(F(field))
        self.labels = dict(_labels(choices))
        self.json = json

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        elements = f"jsonb_array_elements_text({sql})" if self.json else f"unnest({sql})"
        # A constant jsonb map (parsed once per query): a code without a label stays as it is.
        return (
            # ``elements`` is the compiled column; the map and the separator are bound parameters.
            f"array_to_string(ARRAY(SELECT coalesce(%s::jsonb ->> x.v, x.v) FROM {elements} AS x(v)), %s)",  # noqa: S608
            [json_lib.dumps(self.labels, ensure_ascii=False), *params, SEPARATOR],
        )


class JsonArrayText(Func):
    """A JSON array of strings as ``a,b`` (CSV readers get plain text, not JSON)."""

    output_field = TextField()
    template = "array_to_string(ARRAY(SELECT jsonb_array_elements_text(%(expressions)s)), ',')"


def money(field: str) -> Cast:
    # API.md: money is a decimal string; text keeps it exact in JSON too.
    return Cast(field, TextField())


def entity_name(path: str = "entity") -> F:
    # Rows are keyed by USCC without a join constraint (credit.models.entity_key): ``select`` turns the
    # join to the roster into a LEFT JOIN, so a row whose entity is not in the roster yet is kept (as on
    # the pages), and PostgreSQL can hash-join it in parallel (a subquery per row ran in one process).
    return F(f"{path}__name")


def department(prefix: str = "department") -> dict:
    return {"department_name": F(f"{prefix}__name"), "department_uscc": F(f"{prefix}__uscc")}


def _grade_band(attr: str) -> Case:
    """The label or colour of each entity's grade in its own evaluation model (bands are data)."""
    bands = GradeBand.objects.values_list("model_id", "grade", attr)
    whens = [When(credit__model_id=m, credit__grade=g, then=Value(v)) for m, g, v in bands]
    return Case(*whens, default=Value(None), output_field=CharField())


def entities(today: dt.date):
    return {
        "qs": supervision_selectors.public_entities().order_by("uscc"),
        "columns": {
            "uscc": F("uscc"),
            "name": F("name"),
            "entity_type": F("entity_type"),
            "entity_type_label": label("entity_type", EntityType.choices),
            "status": F("status"),
            "status_label": label("status", EntityStatus.choices),
            "legal_representative": F("legal_representative"),
            "registered_address": F("registered_address"),
            "region_code": F("region_code"),
            "industry_code": F("industry_code"),
            "registered_capital": money("registered_capital"),
            "established_on": F("established_on"),
            "grade": F("credit__grade"),
            "grade_label": _grade_band("label"),
            "grade_colour": _grade_band("colour"),
            "score": F("credit__score"),
            "grade_changed_at": F("credit__changed_at"),
            "grade_model_version": F("credit__model__version"),
        },
    }


def penalties(today: dt.date):
    return {
        # public_penalties reads today itself (its publicity_ends_on rule): the dump runs on that day.
        "qs": enforcement_selectors.public_penalties().order_by("-decided_on", "-id"),
        "columns": {
            "id": F("id"),
            "number": F("number"),
            "uscc": F("entity_id"),
            "party_name": F("party_name"),
            "legal_representative": F("legal_representative"),
            "violation_type": F("violation_type"),
            "facts": F("facts"),
            "legal_basis": F("legal_basis"),
            "penalty_types": F("penalty_types"),
            "penalty_types_label": LabelList("penalty_types", PenaltyType.choices),
            "penalty_content": F("penalty_content"),
            "fine_amount": money("fine_amount"),
            "confiscation_amount": money("confiscation_amount"),
            "decided_on": F("decided_on"),
            "publicity_ends_on": F("publicity_ends_on"),
            "period_basis": F("period_basis"),
            "published_at": F("published_at"),
            "featured": F("featured"),
            **department(),
        },
    }


def lists(today: dt.date):
    return {
        "qs": credit_selectors.public_list_entries(today=today).order_by("list_type", "-listed_on", "-id"),
        "columns": {
            "id": F("id"),
            "list_type": F("list_type"),
            "list_type_label": label("list_type", ListType.choices),
            "uscc": F("entity_id"),
            "entity_name": entity_name(),
            "ground": F("ground"),
            "ground_label": label("ground", ListGround.choices),
            "legal_basis": F("legal_basis"),
            "decision_no": F("decision_no"),
            "decided_on": F("decided_on"),
            "listed_on": F("listed_on"),
            **department(),
        },
    }


def acts(today: dt.date):
    return {
        "qs": credit_selectors.public_acts(today),
        "columns": {
            "id": F("id"),
            "source_ref": F("source_ref"),
            "category": F("category"),
            "category_label": label("category", RecordCategory.choices),
            "uscc": F("entity_id"),
            "entity_name": entity_name(),
            "title": F("title"),
            "content": F("content"),
            "legal_basis": F("legal_basis"),
            "amount": money("amount"),
            "decided_on": F("decided_on"),
            "publicity_ends_on": F("publicity_ends_on"),
            **department(),
        },
    }


def inspection_results(today: dt.date):
    return {
        "qs": inspection_selectors.public_results().order_by("-published_at", "-id"),
        "columns": {
            "id": F("id"),
            "plan_id": F("task__plan_id"),
            "plan_name": F("task__plan__name"),
            "uscc": F("task__entity_id"),
            "entity_name": entity_name("task__entity"),
            "categories": F("categories"),
            "categories_label": LabelList("categories", ResultCategory.choices),
            "findings": F("findings"),
            "inspected_on": F("inspected_on"),
            "out_of_window_reason": F("out_of_window_reason"),
            "published_at": F("published_at"),
            **department(),
        },
    }


def rules_items(today: dt.date):
    return {
        "qs": SupervisionItemVersion.objects.filter(item_id__in=rulebook.public_items(today).values("pk")).order_by(
            "item__catalogue_code", "version"
        ),
        "columns": {
            "catalogue_code": F("item__catalogue_code"),
            "name": F("item__name"),
            "parent_catalogue_code": F("item__parent__catalogue_code"),
            "version": F("version"),
            "effective_from": F("effective_from"),
            "effective_to": F("effective_to"),
            "object_type": F("object_type"),
            "object_type_label": label("object_type", ObjectType.choices),
            "method": F("method"),
            "method_label": label("method", InspectionMethod.choices),
            "legal_basis": F("legal_basis"),
            "supervision_level": F("supervision_level"),
            "supervision_level_label": label("supervision_level", SupervisionLevel.choices),
            "procedure": F("procedure"),
            "standard": F("standard"),
            "responsible_unit": F("responsible_unit"),
            "is_random": F("is_random"),
            "is_key": F("is_key"),
            "default_ratio": money("default_ratio"),
            "frequency": F("frequency"),
            "frequency_label": label("frequency", Frequency.choices),
            **department("item__department"),
        },
    }


def rules_checklists(today: dt.date):
    return {
        "qs": InspectionChecklist.objects.filter(item_id__in=rulebook.public_items(today).values("pk")).order_by(
            "code", "id"
        ),
        "columns": {
            "code": F("code"),
            "name": F("name"),
            "item_catalogue_code": F("item__catalogue_code"),
            "item_name": F("item__name"),
            "content": F("content"),
            "method": F("method"),
            "method_label": label("method", InspectionMethod.choices),
            **department(),
        },
    }


def rules_benchmarks(today: dt.date):
    return {
        "qs": rulebook.public_benchmarks(today),
        "columns": {
            "code": F("code"),
            "violation_type": F("violation_type"),
            "violation_basis": F("violation_basis"),
            "penalty_basis": F("penalty_basis"),
            **{k: money(k) for k in ("lighter_min", "lighter_max", "general_min", "general_max")},
            **{k: money(k) for k in ("heavier_min", "heavier_max")},
            "heavy_penalty_types": F("heavy_penalty_types"),
            "heavy_penalty_types_label": LabelList("heavy_penalty_types", PenaltyType.choices),
            "effective_from": F("effective_from"),
            "effective_to": F("effective_to"),
            **department(),
        },
    }


def rules_measures(today: dt.date):
    return {
        "qs": rulebook.public_measures(),
        "columns": {
            "code": F("code"),
            "name": F("name"),
            "kind": F("kind"),
            "kind_label": label("kind", MeasureKind.choices),
            "list_types": JsonArrayText("list_types"),
            "list_types_label": LabelList("list_types", ListType.choices, json=True),
            "legal_basis": F("legal_basis"),
            "implementing_department": F("implementing_department"),
        },
    }


BUILDERS = {
    "entities": entities,
    "penalties": penalties,
    "lists": lists,
    "acts": acts,
    "inspection_results": inspection_results,
    "rules_items": rules_items,
    "rules_checklists": rules_checklists,
    "rules_benchmarks": rules_benchmarks,
    "rules_measures": rules_measures,
}


def select(code: str, today: dt.date):
    """The queryset of dataset ``code``: ``values_list`` in the dictionary's column order."""
    built = BUILDERS[code](today)
    columns = BY_CODE[code].columns
    missing = set(columns) ^ set(built["columns"])
    if missing:
        raise LookupError(f"dataset {code}: columns differ from the dictionary: {sorted(missing)}")
    qs = built["qs"].values_list(*(built["columns"][c] for c in columns))
    # The roster join (entity_name) as a LEFT JOIN: Django makes a non-null foreign key an INNER JOIN,
    # which would drop a row whose entity is not in the roster (entity_key has no database constraint).
    for alias, join in list(qs.query.alias_map.items()):
        if isinstance(join, Join) and join.table_name == MarketEntity._meta.db_table:
            qs.query.alias_map[alias] = join.promote()
    return qs

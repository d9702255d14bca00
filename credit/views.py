"""Public credit pages (no login): an entity's credit section, the public lists, how grades work and
credit reports. The public filings (commitments, repair, objections, tracking) are in ``views_filings``.

Everything here reads through ``credit.selectors`` (what is public is decided there, once). The
risk class is internal (SAMR 国市监信发〔2022〕6号): it is never loaded into a template context,
so no template can show it by mistake.
"""

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, Exists, OuterRef, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from core import pagecache
from core import uscc as uscc_lib
from core.api.throttling import form_throttled
from core.http import PublicHttp404
from core.search import to_tsquery_text
from credit import report_pdf, reports, selectors
from credit.choices import (
    GRADE_ORDER,
    OPEN_OBJECTION_STATES,
    OTHER_ACT_CATEGORIES,
    Colour,
    Grade,
    ListType,
    Polarity,
    RecordCategory,
)
from credit.display_text import data_text, reason_text
from credit.evaluation import BASE_SCORE, COMPLAINT_THRESHOLD, DEFAULT_WEIGHTS, lookback_start
from credit.models import EntityCredit, Objection, SelfDeclaration
from credit.services import list_exits, publicity_rule_in_force
from credit.views_reports import report_verify, report_verify_entry  # noqa: F401  (urls.py names them here)
from supervision.models import MarketEntity
from supervision.selectors import USCC_PREFIX, public_entity_detail, unicode_name

PAGE_SIZE = 20
HISTORY_POINTS = 120  # the chart shows the latest changes; older ones stay in the database

# Screen colours of the grade colour codes (the codes themselves are data in the evaluation model).
COLOUR_HEX = {Colour.GREEN: "#2e7d32", Colour.YELLOW: "#f0b400", Colour.RED: "#c62828", Colour.BLACK: "#1f1f1f"}

# The default rules of DOMAIN §3, in the order they are applied; labels come from the model in force.
GRADE_RULES = {
    Grade.SERIOUSLY_DISHONEST: gettext_lazy("列入严重违法失信名单，或有公示期内的严重失信信息。"),
    Grade.DISHONEST: gettext_lazy("列入经营异常名录，或有公示期内的一般失信信息，或近12个月内违反信用承诺。"),
    Grade.WARNING: format_lazy(
        gettext_lazy("有公示中的轻微失信信息，或列入重点关注对象名单，或近12个月经核实的投诉举报达到{n}件。"),
        n=COMPLAINT_THRESHOLD,
    ),
    Grade.GOOD: gettext_lazy("不属于以上任何一种情形。"),
}

LIST_DESCRIPTIONS = {
    ListType.ABNORMAL: gettext_lazy(
        "未按期报送年度报告、未按责令期限公示有关信息、公示信息弄虚作假，或通过登记的住所（经营场所）无法联系的市场主体。"
    ),
    ListType.SERIOUS: gettext_lazy("实施严重违法行为且受到较重行政处罚的市场主体，列入前已事先告知并听取陈述、申辩。"),
    ListType.KEY_ATTENTION: gettext_lazy("存在失信行为但尚未达到严重失信认定标准、需加强监管的市场主体。"),
    ListType.RED: gettext_lazy("信用状况良好、符合守信激励条件的市场主体，可享受绿色通道、容缺受理等便利。"),
}

# How an entity leaves each negative list (DOMAIN §3), in plain words for the entity itself.
LIST_EXIT_HINTS = {
    ListType.ABNORMAL: gettext_lazy(
        "履行相关义务（如补报年度报告、公示有关信息、更正虚假信息或恢复可联系状态）后，可在线提交证明材料申请移出，作出决定的部门应在5个工作日内作出决定。"
    ),
    ListType.SERIOUS: gettext_lazy(
        "列入满1年、已履行相关义务且未再发生违法行为的，可申请提前移出；否则列入满3年后移出。"
    ),
    ListType.KEY_ATTENTION: gettext_lazy(
        "纠正失信行为、履行相关义务后，由作出决定的部门依职权移出；对列入有异议的，可以提出异议。"
    ),
}

# The grade each negative list holds an entity at while the entry is active (DOMAIN §3 rules 1–3).
LIST_HOLDS = {
    ListType.SERIOUS: Grade.SERIOUSLY_DISHONEST,
    ListType.ABNORMAL: Grade.DISHONEST,
    ListType.KEY_ATTENTION: Grade.WARNING,
}

WEIGHT_LABELS = {
    "serious_record": gettext_lazy("每条严重失信信息"),
    "general_record": gettext_lazy("每条一般失信信息"),
    "minor_record": gettext_lazy("每条轻微失信信息"),
    "serious_list": gettext_lazy("列入严重违法失信名单"),
    "abnormal_list": gettext_lazy("列入经营异常名录"),
    "key_attention_list": gettext_lazy("列入重点关注对象名单"),
    "broken_commitment": gettext_lazy("每次违反信用承诺（12个月内）"),
    "verified_complaint": gettext_lazy("每件经核实的投诉举报（12个月内）"),
    "positive_record": gettext_lazy("每条正面信息"),
    "positive_cap": gettext_lazy("正面信息加分上限"),
    "red_list": gettext_lazy("列入守信激励对象名单"),
}
BONUS_WEIGHTS = ("positive_record", "positive_cap", "red_list")


def _months(n: int) -> str:
    if n and n % 12 == 0:
        return ngettext("%(n)s年", "%(n)s年", n // 12) % {"n": n // 12}
    return ngettext("%(n)s个月", "%(n)s个月", n) % {"n": n}


def _band_view(band) -> dict:
    return {
        "code": band.grade,
        "label": data_text(band.label),
        "colour": band.colour,
        "colour_label": Colour(band.colour).label if band.colour in Colour.values else "",
        "hex": COLOUR_HEX.get(band.colour, "#616e7c"),
        "score_min": band.score_min,
        "score_max": band.score_max,
        "description": data_text(band.description),
    }


def _public_entity(request, uscc: str):
    """The entity as the public sees it, or the response that replaces the page (as supervision's
    entity page: canonical redirect, 400 naming the fault, 404 in Chinese)."""
    code = uscc_lib.normalize(uscc)
    if code and code != uscc:  # blank after normalising (" ", "\u3000"): no canonical URL, a 400 below
        return None, redirect("entity-detail", uscc=code)
    reason = uscc_lib.problems(code)
    if reason and not uscc_lib.is_verified_exception(code):
        return None, render(
            request, "public/error.html", {"title": _("统一社会信用代码有误"), "message": reason}, status=400
        )
    entity = public_entity_detail().filter(uscc=code).first()
    if entity is None:
        raise PublicHttp404(_("未找到统一社会信用代码为 %(code)s 的市场主体") % {"code": code})
    return entity, None


def _credit_row(code: str) -> EntityCredit | None:
    return (
        EntityCredit.objects.filter(entity_id=code)
        .only("grade", "score", "reasons", "improves_on", "changed_at", "model")
        .select_related("model")
        .first()
    )


def _history_rows(code: str) -> list:
    latest = selectors.grade_history(code).order_by("-changed_at", "-id").only("grade", "score", "changed_at", "model")
    rows = list(latest[:HISTORY_POINTS])
    rows.reverse()
    return rows


def _credit_view(credit: EntityCredit | None) -> dict | None:
    """The public part of an entity's current evaluation, as plain data (never the row itself).
    The model's bands must be prefetched (entity_detail loads them once for grade and history)."""
    if credit is None:
        return None
    badge = selectors.grade_badge(credit)
    bands = {b.grade: _band_view(b) for b in credit.model.bands.all()}
    reasons = []
    for reason in credit.reasons or []:
        reason = reason if isinstance(reason, dict) else {"text": str(reason)}
        band = bands.get(reason.get("level"))
        reasons.append(
            {
                "text": reason_text(reason.get("text", "")),
                "label": band["label"] if band else "",
                "colour": band["colour"] if band else "",
            }
        )
    return {
        "grade": credit.grade,
        "label": data_text(badge["label"]),
        "colour": badge["colour"],
        "colour_label": Colour(badge["colour"]).label if badge["colour"] in Colour.values else "",
        "score": badge["score"],
        "reasons": reasons,
        "improves_on": credit.improves_on,
        "changed_at": credit.changed_at,
        "model_version": credit.model.version,
        "bands": sorted(bands.values(), key=lambda b: b["score_min"]),
    }


def _history_view(rows: list, credit: dict | None, today) -> dict:
    """Points for the grade-history chart: each change, then today at the current score."""
    points = []
    for row in rows:
        band = next((b for b in row.model.bands.all() if b.grade == row.grade), None)
        label = data_text(band.label) if band else Grade(row.grade).label
        points.append(
            {
                "date": timezone.localtime(row.changed_at).date().isoformat(),
                "score": row.score,
                "label": label,
                "hex": COLOUR_HEX.get(band.colour if band else "", "#616e7c"),
            }
        )
    if points and credit and points[-1]["date"] < today.isoformat():
        points.append({**points[-1], "date": today.isoformat(), "score": credit["score"], "now": True})
    bands = (
        [{"label": b["label"], "min": b["score_min"], "max": b["score_max"], "hex": b["hex"]} for b in credit["bands"]]
        if credit
        else []
    )
    return {"points": points, "bands": bands}


def _change_hint(credit: dict | None, entries: list, rule) -> dict:
    """What would change the grade, in plain words (DOMAIN §3)."""
    if credit is None:
        return {}
    holding = [e for e in entries if LIST_HOLDS.get(e.list_type) == credit["grade"]]
    hint = {"improves_on": credit["improves_on"], "lists": [], "complaints": False}
    if credit["grade"] != Grade.GOOD and credit["improves_on"] is None:
        hint["lists"] = [
            {"name": e.get_list_type_display(), "how": LIST_EXIT_HINTS[e.list_type], "entry": e} for e in holding
        ]
        hint["complaints"] = credit["grade"] == Grade.WARNING and not holding
    hint["repair"] = {"general_min": _months(rule.general_min_months), "serious_min": _months(rule.serious_min_months)}
    return hint


def entity_page_sections(entity) -> list[dict]:
    """Sections other apps add to the entity page, after the credit sections. Credit imports none
    of them (DESIGN.md): an app's config defines ``entity_page_sections(entity)`` returning
    ``[{"template": ..., "context": {...}}]``, and the template includes each with its context."""
    sections = []
    for config in apps.get_app_configs():
        hook = getattr(config, "entity_page_sections", None)
        if callable(hook):
            sections.extend(hook(entity))
    return sections


@pagecache.cached("entity", entity_arg="uscc")  # issue 16 §1
def entity_detail(request, uscc: str):
    """An entity's page with its credit section: grade, reasons, public records, lists, history."""
    entity, response = _public_entity(request, uscc)
    if response is not None:
        return response
    today = timezone.localdate()
    code = entity.uscc
    credit_row = _credit_row(code)
    history_rows = _history_rows(code) if credit_row else []
    # One query for the bands of the current model and of every model in the history.
    prefetch_related_objects([credit_row.model, *(r.model for r in history_rows)] if credit_row else [], "bands")
    credit = _credit_view(credit_row)
    # 异议处理中 (DOMAIN §3): shown from the moment an objection is filed until it is decided. The
    # same rule as selectors.records_under_objection / entries_under_objection, as a column of the
    # one query, so the marker costs no query of its own.
    open_objections = Objection.objects.filter(state__in=OPEN_OBJECTION_STATES)
    records = list(
        selectors.public_records(today)
        .filter(entity_id=code)
        .only(*selectors.PUBLIC_RECORD_FIELDS, "department__name")
        .annotate(under_objection=Exists(open_objections.filter(record_id=OuterRef("pk"))))
    )
    by_category = []
    for value, label in RecordCategory.choices:
        items = [r for r in records if r.category == value]
        if items and value not in OTHER_ACT_CATEGORIES:  # those have their own section, 其他行政行为 (issue 12 §2)
            by_category.append({"label": label, "records": items})
    other_acts = [r for r in records if r.category in OTHER_ACT_CATEGORIES]
    list_file = list(
        selectors.entity_list_file(code, today)
        .annotate(under_objection=Exists(open_objections.filter(list_entry_id=OuterRef("pk"))))
        .order_by("listed_on", "id")
    )
    entries = [e for e in list_file if e.removed_on is None]
    # 列入/移出 history (issue 18 §1.4), newest removal first.
    list_history = sorted((e for e in list_file if e.removed_on), key=lambda e: (e.removed_on, e.pk), reverse=True)
    for r in records:
        r.repairable = r.polarity == Polarity.NEGATIVE  # only negative facts are repaired (DOMAIN §3)
    commitments = list(
        selectors.public_commitments(code)
        .only(*selectors.PUBLIC_COMMITMENT_FIELDS, "result_record")
        .order_by("-made_on", "-id")
    )
    # Issue 12 §7: a section shows every public fact of its kind, whatever system it came from. Lists
    # and commitments that other departments' systems pushed exist here only as records.
    own_results = {c.result_record_id for c in commitments}
    pushed_list_records = [r for r in records if r.category in (RecordCategory.ABNORMAL, RecordCategory.SERIOUS)]
    pushed_commitments = [r for r in records if r.category == RecordCategory.COMMITMENT and r.pk not in own_results]
    rule = publicity_rule_in_force(today)
    context = {
        "entity": entity,
        "credit": credit,
        "record_groups": by_category,
        "other_acts": other_acts,
        "record_count": len(records),
        "list_entries": entries,
        "list_history": list_history,
        "pushed_list_records": pushed_list_records,
        "commitments": commitments,
        "pushed_commitments": pushed_commitments,
        "change": _change_hint(credit, entries, rule),
        # 消费投诉公示 (seed 004 §15 ff.): a number only, never a complaint or its complainant.
        "verified_complaints": {
            "count": selectors.verified_complaint_count(code, today),
            "since": lookback_start(today),
        },
        "history": _history_view(history_rows, credit, today) if credit else {"points": []},
        "today": today,
        "extra_sections": entity_page_sections(entity),
        # 信用信息注册 (issue 14 §3): the entity's own word, shown apart and never graded.
        "declarations": list(
            SelfDeclaration.objects.published()
            .filter(entity_id=code)
            .only("kind", "title", "issuer", "standard_no", "issued_on", "valid_until", "description")
            .order_by("-issued_on", "-id")
        ),
    }
    return render(request, "credit/entity_detail.html", context)


@pagecache.cached("lists")
def list_index(request):
    """The public lists, with how many entities each holds now."""
    counts = dict(selectors.public_list_entries().order_by().values_list("list_type").annotate(n=Count("id")))
    lists = [
        {"code": t.value, "label": t.label, "description": LIST_DESCRIPTIONS[t], "count": counts.get(t.value, 0)}
        for t in selectors.PUBLIC_LIST_TYPES
    ]
    return render(request, "credit/list_index.html", {"lists": lists})


def _search_entries(entries, query: str):
    """Entries whose entity has this USCC (or prefix), else whose name contains the query: the
    rules of the public entity search, applied on the join so a broad name never lists codes."""
    code = uscc_lib.normalize(query)
    if USCC_PREFIX.match(code):
        by_code = entries.filter(entity_id=code) if len(code) == 18 else entries.filter(entity__uscc__startswith=code)
        if by_code.exists():
            return by_code
    name = unicode_name(query)
    tsq = to_tsquery_text(name)
    if not tsq:
        return entries.none()
    # core.search.name_matches builds this on the entity's own table; here the entity is the
    # joined table (select_related names it by its table), so the same index predicate is spelt out.
    table = MarketEntity._meta.db_table
    indexed = RawSQL(f'cjk_tsvector("{table}"."name") @@ %s::tsquery', [tsq], output_field=BooleanField())  # noqa: S611
    return entries.filter(entity__name__contains=name).filter(indexed)


@pagecache.cached("lists")
def list_detail(request, list_type: str):
    """One public list: search by name or USCC, 20 a page, newest listings first."""
    if list_type not in selectors.PUBLIC_LIST_TYPES:
        raise PublicHttp404(_("未找到该名单"))
    kind = ListType(list_type)
    q = request.GET.get("q", "").strip()[:100]
    entries = (
        selectors.public_list_entries(list_type)
        .select_related("entity")
        .only(
            "list_type",
            "ground",
            "legal_basis",
            "decision_no",
            "decided_on",
            "listed_on",
            "entity__uscc",
            "entity__name",
            "department__name",
        )
        .order_by("-listed_on", "-id")
    )
    if q:
        entries = _search_entries(entries, q)
    page = Paginator(entries, PAGE_SIZE, allow_empty_first_page=True).get_page(request.GET.get("page"))
    context = {
        "list_type": kind.value,
        "list_label": kind.label,
        "description": LIST_DESCRIPTIONS[kind],
        "q": q,
        "page": page,
        "exit_rule": list_exits.EXIT_RULES.get(kind, ""),
    }  # leaving the list is a procedure (issue 12 §4)
    return render(request, "credit/list_detail.html", context)


def grades(request):
    """How grades are given and how records age out, from the model and the rule in force."""
    today = timezone.localdate()
    model = selectors.current_model(today)
    bands = {b.grade: _band_view(b) for b in model.bands.all()}
    ordered = [bands[g.value] | {"rule": GRADE_RULES[g]} for g in GRADE_ORDER if g.value in bands]
    rule = publicity_rule_in_force(today)
    weights = {**DEFAULT_WEIGHTS, **(model.weights or {})}
    context = {
        "model": {"version": model.version, "effective_from": model.effective_from, "note": model.note},
        "warning_label": bands.get(Grade.WARNING.value, {}).get("label", Grade.WARNING.label),
        "rules": ordered,
        "bands_by_score": sorted(ordered, key=lambda b: -b["score_max"]),
        "base_score": BASE_SCORE,
        "deductions": [
            {"label": WEIGHT_LABELS[k], "points": weights[k]} for k in WEIGHT_LABELS if k not in BONUS_WEIGHTS
        ],
        "bonuses": [{"label": WEIGHT_LABELS[k], "points": weights[k]} for k in BONUS_WEIGHTS],
        "publicity": {
            "version": rule.version,
            "effective_from": rule.effective_from,
            "legal_basis": rule.legal_basis,
            "minor_published": rule.minor_published,
            "minor_max": _months(rule.minor_max_months),
            "general_min": _months(rule.general_min_months),
            "general_max": _months(rule.general_max_months),
            "serious_min": _months(rule.serious_min_months),
            "serious_max": _months(rule.serious_max_months),
            "other": _months(rule.other_months),
        },
    }
    return render(request, "credit/grades.html", context)


# --- credit reports (issue 4 §4, issue 18 §1.1) -------------------------------------------------------
# The verification pages are in ``views_reports``; their names stay importable from here (urls.py).


def report_download_name(report) -> str:
    if report.language == "en":
        return f"credit_report_{report.entity_id}_{report.serial}.pdf"
    return f"信用报告_{report.entity_id}_{report.serial}.pdf"


def pdf_response(report, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=report_download_name(report)
    )
    response["Cache-Control"] = "no-store"
    response["X-Report-Serial"] = report.serial
    response["Content-Language"] = "en" if report.language == "en" else "zh-Hans"
    return response


def report_language(request) -> str | None:
    """``?lang=en`` or ``?lang=zh-hans`` (issue 18 §2); none: the page's language. None when invalid."""
    wanted = request.GET.get("lang")
    if wanted is None:
        return "en" if translation.get_language() == "en" else "zh-hans"
    wanted = wanted.strip().lower()
    return wanted if wanted in report_pdf.LANGUAGES else None


@require_http_methods(["GET"])
def credit_report_download(request, uscc: str):
    """Issue a credit report for an entity now and download it (the serial is printed in it)."""
    code = uscc_lib.normalize(uscc)
    if code and code != uscc:  # blank after normalising (" ", "\u3000"): no canonical URL, a 400 below
        target = reverse("credit-report-pdf", args=[code])
        return redirect(f"{target}?{request.GET.urlencode()}" if request.GET else target)
    language = report_language(request)
    if language is None:
        message = _("报告语言参数 lang 只能是 zh-hans（中文）或 en（英文）。")
        return render(request, "public/error.html", {"title": _("参数有误"), "message": message}, status=400)
    entity, response = _public_entity(request, code)
    if response is not None:
        return response
    if (limited := form_throttled(request)) is not None:
        return limited
    report, pdf = reports.report_issue(entity=entity, requested_via="web", language=language)
    return pdf_response(report, pdf)

"""双随机、一公开 in the admin, in Chinese and scoped to the official's department.

Officials see the plans their department leads or takes part in, and the draws and tasks of those
plans; they change only drafts their department leads. Results and correction orders belong to the
department that entered them. Every write goes through ``inspections.services`` (STYLE.md rule 7):
``save_model`` and the actions call a service, and a refusal is shown as a form error or a message.
Draws, selections, tasks and teams are read-only: they are the record of a verifiable draw.
"""

import os

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Count, Exists, OuterRef, Subquery, Value, When
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from core.workdays import add_working_days
from credit.admin import (
    ReadOnlyAdmin,
    RemedyActionsMixin,
    ScopedAdmin,
    ServiceFormAdmin,
    ViewOnceSavedMixin,
    _coloured,
    _file_response,
    adopt,
    intermediate_action,
    show_refusal,
)
from inspections import commitments, services
from inspections.admin_commitments import commitment_summary
from inspections.admin_draw import reveal_action, scope_summary
from inspections.admin_scope import auditor, plans_led_by, plans_visible_to, platform_admin
from inspections.admin_tasks import OverdueTaskFilter
from inspections.choices import CorrectionState, PlanState, ResultState, TaskState
from inspections.forms import CommitForm, CorrectedForm, InspectionPlanForm, ResultEntryForm
from inspections.models import (
    CorrectionOrder,
    Draw,
    DrawSelection,
    InspectionPlan,
    InspectionResult,
    InspectionTask,
    PlanItem,
    TeamMember,
)
from supervision.choices import EntityStatus, EntityType
from supervision.models import MarketEntity
from supervision.selectors import department_of

PUBLISH_DUE_SOON_WORKING_DAYS = 3  # results due for publication within 3 working days are flagged
MAX_LISTED_UNSTAFFED = 20


# --- scoping ----------------------------------------------------------------------------------------


def entity_name_of(ref: str):
    """The roster name of the USCC in ``ref``, without a join that would drop codes not in the roster."""
    return Subquery(MarketEntity.objects.filter(uscc=OuterRef(ref)).values("name")[:1])


class EntityColumns:
    """The USCC and the roster name (annotated as ``entity_name``) of a row's entity."""

    @admin.display(description=_("统一社会信用代码"))
    def uscc_display(self, obj):
        return obj.entity_id if hasattr(obj, "entity_id") else obj.task.entity_id

    @admin.display(description=_("主体名称"))
    def entity_name_display(self, obj):
        return getattr(obj, "entity_name", None) or _("（名录库中暂无）")


def _admin_link(model_name: str, pk, text) -> str:
    if pk is None:
        return "-"
    return format_html('<a href="{}">{}</a>', reverse(f"admin:inspections_{model_name}_change", args=[pk]), text)


def _strata(strata) -> str:
    """``A：812户，抽 9`` per stratum (internal: strata are risk classes)."""
    rows = [(s["stratum"], s["size"], s["ratio"], s["selected"]) for s in strata or []]
    if not rows:
        return "-"
    return format_html_join("；", "{}类 {} 户 × {} → 抽 {} 户", rows)


class ScopedPlanFilter(admin.SimpleListFilter):
    """Filter by plan, offering only the plans the official may see."""

    title = _("抽查计划")
    parameter_name = "plan"
    lookup = "plan_id"

    def lookups(self, request, model_admin):
        plans = plans_visible_to(request).exclude(state=PlanState.DRAFT).order_by("-year", "-id")[:50]
        return [(str(p.pk), str(p)) for p in plans]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{self.lookup: int(value)})
        return queryset


class ScopedDrawFilter(admin.SimpleListFilter):
    title = _("摇号")
    parameter_name = "draw"

    def lookups(self, request, model_admin):
        draws = Draw.objects.filter(plan__in=plans_visible_to(request).values("pk")).select_related("plan").defer("population")[:50]
        return [(str(d.pk), f"#{d.pk} {d.plan.name}{'（已被取代）' if d.superseded else ''}") for d in draws]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(draw_id=int(value)) if value and value.isdigit() else queryset


# --- plans ------------------------------------------------------------------------------------------


class DrawInline(admin.TabularInline):
    """Every draw of the plan, redraws included: the old one stays visible with its reason."""

    model = Draw
    extra = 0
    can_delete = False
    verbose_name_plural = _("摇号记录（含被重新摇号取代的记录）")
    fields = ("draw_link", "seed", "population_sha256", "population_size", "strata_display", "drawn_at", "drawn_by", "reason", "superseded")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("population").select_related("drawn_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("摇号"))
    def draw_link(self, obj):
        return _admin_link("draw", obj.pk, f"#{obj.pk}")

    @admin.display(description=_("各层数量"))
    def strata_display(self, obj):
        return _strata(obj.strata)


@admin.register(InspectionPlan)
class InspectionPlanAdmin(RemedyActionsMixin, ServiceFormAdmin):
    """Drafts are edited through ``plan_save``/``plan_item_add``; 审批 and 摇号 are actions."""

    form = InspectionPlanForm
    list_display = (
        "name",
        "year",
        "lead_department",
        "departments_display",
        "state",
        "starts_on",
        "ends_on",
        "item_count",
        "current_draw",
        "unstaffed_display",
    )
    list_filter = ("state", "year", "is_public_info_check")
    search_fields = ("name",)
    filter_horizontal = ("departments",)
    list_select_related = ("lead_department",)
    inlines = [DrawInline]
    actions = ["approve", "commit", "reveal", "verify"]
    list_per_page = 50

    def get_queryset(self, request):
        current = Draw.objects.filter(plan=OuterRef("pk"), superseded=False).order_by("-drawn_at", "-id").values("pk")[:1]
        unstaffed = (
            InspectionTask.objects.filter(plan=OuterRef("pk"), state=TaskState.UNSTAFFED, draw__superseded=False)
            .values("plan")
            .annotate(n=Count("pk"))
            .values("n")
        )
        items = PlanItem.objects.filter(plan=OuterRef("pk")).values("plan").annotate(n=Count("pk")).values("n")
        return (
            plans_visible_to(request)
            .select_related("lead_department", "approved_by")
            .prefetch_related("departments")
            .annotate(current_draw_id=Subquery(current), unstaffed_count=Subquery(unstaffed), item_count_value=Subquery(items))
        )

    def owns(self, request, obj) -> bool:
        if obj is None or platform_admin(request):
            return True
        dept = department_of(request.user)
        return dept is not None and obj.lead_department_id == dept.pk

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._shown_to_auditor = auditor(request)
        return obj

    def get_inlines(self, request, obj):
        # Draws exist only once approved; a draft's form then posts no read-only formset.
        return self.inlines if obj is not None and obj.state != PlanState.DRAFT else []

    def has_change_permission(self, request, obj=None):
        # Only a draft, and only by the lead department: an approved plan is published as approved.
        return super().has_change_permission(request, obj) and (obj is None or (self.owns(request, obj) and obj.state == PlanState.DRAFT))

    def has_delete_permission(self, request, obj=None):
        return False

    # form

    def get_fieldsets(self, request, obj=None):
        editing = obj is None or self.has_change_permission(request, obj)
        scope = (
            ("scope_region", "scope_industry", "scope_entity_types", "scope_statuses")
            if editing
            else ("scope_region", "scope_industry", "entity_types_display", "statuses_display")
        )
        fieldsets = []
        if obj is not None and obj.state != PlanState.DRAFT:
            fieldsets.append((_("摇号与检查任务"), {"fields": ("commitments_display", "current_draw", "unstaffed_tasks")}))
        fieldsets += [
            (None, {"fields": ("name", "year", "lead_department", "departments" if editing else "departments_display", "description")}),
            (_("抽查范围"), {"fields": (*scope, "scope_display") if obj is not None else scope}),
            (_("各风险分类抽查比例（默认：A类1%、B类3%、C类10%、D类30%）"), {"fields": (("ratio_a", "ratio_b", "ratio_c", "ratio_d"), "is_public_info_check")}),
            (_("检查组与时间"), {"fields": ("min_team_size", ("starts_on", "ends_on"))}),
        ]
        fieldsets.append((_("抽查事项"), {"fields": ("items_table", "add_items") if editing else ("items_table",)}))
        if obj is not None:
            fieldsets.append((_("状态"), {"fields": ("state", "created_by", "approved_by", "approved_at", "created_at")}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ("items_table",)
        return (
            (*readonly, "state", "approved_by", "approved_at", "created_by", "created_at", "commitments_display", "current_draw", "unstaffed_tasks",
             "scope_display")
            if obj is not None else readonly
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("year", timezone.localdate().year)
        initial.setdefault("lead_department", getattr(department_of(request.user), "pk", None))
        return initial

    def save_model(self, request, obj, form, change):
        try:
            saved = form.save_through_service()
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)

    def save_related(self, request, form, formsets, change):
        """Departments and items were saved by the services in ``save_model``; the inlines are read-only."""

    # display

    @admin.display(description=_("参与部门"))
    def departments_display(self, obj):
        names = [d.short_name or d.name for d in obj.departments.all()]
        return "、".join(names) or "-"

    @admin.display(description=_("已加入的抽查事项（按计划开始日期生效的版本）"))
    def items_table(self, obj):
        items = (
            []
            if obj is None or obj.pk is None
            else list(obj.items.select_related("item_version__item", "department").order_by("department__code", "item_version__item__catalogue_code"))
        )
        if not items:
            return _("（尚无抽查事项）")
        rows = []
        for i in items:
            v = i.item_version
            rows.append(
                (
                    str(v.item),
                    f"第 {v.version} 版（{v.effective_from} 起{f'，至 {v.effective_to}' if v.effective_to else ''}）",
                    i.department.short_name or i.department.name,
                    v.get_method_display(),
                    "是" if v.is_key else "否",
                    v.legal_basis,
                )
            )
        return format_html(
            "<table><thead><tr><th>监管事项</th><th>版本</th><th>实施部门</th><th>监管方式</th><th>重点监管（全覆盖）</th><th>设定依据</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description=_("范围内主体数"))
    def scope_display(self, obj):
        # Per-class counts for a 监督人员 only (issue 12 §5); get_object notes who is asking.
        return scope_summary(obj, per_class=getattr(obj, "_shown_to_auditor", False))

    @admin.display(description=_("抽查事项数"))
    def item_count(self, obj):
        return getattr(obj, "item_count_value", None) or 0

    @admin.display(description=_("摇号承诺（hmac-sha256-v2）"))
    def commitments_display(self, obj):
        rows = list(obj.commitments.defer("seed_share", "population").order_by("-committed_at", "-id")[:5])
        if not rows:
            return _("（无：hmac-sha256-v1 计划，或尚未公布承诺）")
        return format_html_join("", "{}", ((commitment_summary(c, show_share=False),) for c in rows))

    @admin.display(description=_("当前摇号"))
    def current_draw(self, obj):
        pk = getattr(obj, "current_draw_id", None)
        if pk is None:
            return _("（尚未摇号）")
        return _admin_link("draw", pk, f"摇号 #{pk}")

    @admin.display(description=_("未配齐人员任务"))
    def unstaffed_display(self, obj):
        n = getattr(obj, "unstaffed_count", None) or 0
        if not n:
            return "0"
        url = reverse("admin:inspections_inspectiontask_changelist") + f"?plan={obj.pk}&state__exact={TaskState.UNSTAFFED}"
        return format_html('<a href="{}" style="color:#ba2121;font-weight:bold">{} 个</a>', url, n)

    @admin.display(description=_("未配齐检查人员的主体（未被丢弃，须处理）"))
    def unstaffed_tasks(self, obj):
        tasks = list(
            InspectionTask.objects.filter(plan=obj, state=TaskState.UNSTAFFED, draw__superseded=False)
            .annotate(entity_name=entity_name_of("entity_id"))
            .order_by("entity")[: MAX_LISTED_UNSTAFFED + 1]
        )
        if not tasks:
            return _("无：全部任务已配齐检查人员")
        lines = [(_admin_link("inspectiontask", t.pk, f"{t.entity_id} {t.entity_name or ''}"), t.unstaffed_reason) for t in tasks[:MAX_LISTED_UNSTAFFED]]
        html = format_html('<ul style="margin:0;padding-left:1.2em;color:#ba2121">{}</ul>', format_html_join("", "<li><strong>{}</strong>：{}</li>", lines))
        if len(tasks) > MAX_LISTED_UNSTAFFED:
            html = format_html('{}<a href="{}">查看全部</a>', html, self.unstaffed_display(obj))
        return html

    @admin.display(description=_("范围：主体类型"))
    def entity_types_display(self, obj):
        labels = dict(EntityType.choices)
        return "、".join(str(labels.get(c, c)) for c in obj.scope_entity_types) or _("全部类型")

    @admin.display(description=_("范围：登记状态"))
    def statuses_display(self, obj):
        labels = dict(EntityStatus.choices)
        return "、".join(str(labels.get(c, c)) for c in obj.scope_statuses) or _("仅存续（在营）")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                n = InspectionTask.objects.filter(plan=obj, state=TaskState.UNSTAFFED, draw__superseded=False).count()
                if n:
                    messages.warning(request, _("本计划有 %(n)s 个抽中主体未能配齐检查人员，见“摇号与检查任务”中的原因。") % {"n": n})
        return super().change_view(request, object_id, form_url, extra_context)

    # actions

    def object_actions(self, request, obj):
        if obj.state == PlanState.DRAFT:
            return [("approve", _("审批并公布摇号承诺"))]
        if obj.state not in (PlanState.APPROVED, PlanState.DRAWN):
            return [("verify", _("校验摇号"))]
        # hmac-sha256-v2 (issue 11 §4): the platform never draws its own seed from the admin.
        pending = commitments.open_commitment(obj) is not None
        drawn = obj.state == PlanState.DRAWN
        actions = [("reveal", _("录入公开随机数并摇号"))] if pending else []
        actions.append(("commit", _("重新摇号（公布新的摇号承诺）") if drawn or pending else _("公布摇号承诺")))
        return [*actions, ("verify", _("校验摇号"))] if drawn else actions

    def _led(self, request, queryset):
        """The plans of ``queryset`` this official may act on; says which ones were left out."""
        if not queryset.exists():
            messages.error(request, _("所选计划不在您可以处理的范围内（只能处理本部门牵头或参与的计划），未作任何处理。"))
            return queryset
        led = plans_led_by(request, queryset)
        others = [str(p) for p in queryset.exclude(pk__in=led.values("pk"))]
        if others:
            messages.error(request, _("只有牵头部门可以审批和摇号，未处理：%(plans)s") % {"plans": "、".join(others)})
        return led

    def _committed(self, request, commitment):
        messages.info(
            request,
            _("%(plan)s：已公布摇号承诺 #%(id)s：名录 %(size)s 户，名录文件哈希 %(hash)s，种子份额承诺值 %(share)s；"
              "请在 %(date)s 公开随机数公布后，由计划起草人以外的工作人员录入（%(source)s）。")
            % {"plan": commitment.plan, "id": commitment.pk, "size": commitment.population_size, "hash": commitment.population_sha256,
               "share": commitment.seed_share_sha256, "date": f"{commitment.public_value_date:%Y年%m月%d日}", "source": commitment.public_value_source},
        )
        return commitment

    def _draw(self, request, draw):
        selected = sum(s["selected"] for s in draw.strata)
        messages.info(
            request,
            _("%(plan)s：摇号 #%(id)s（%(algorithm)s），名录 %(size)s 户，抽中 %(n)s 户；种子 %(seed)s，名录文件哈希 %(hash)s。")
            % {"plan": draw.plan, "id": draw.pk, "algorithm": draw.algorithm, "size": draw.population_size, "n": selected, "seed": draw.seed,
               "hash": draw.population_sha256},
        )
        unstaffed = list(draw.tasks.filter(state=TaskState.UNSTAFFED).order_by("entity").values_list("entity_id", "unstaffed_reason"))
        if unstaffed:
            listed = "；".join(f"{code}：{reason}" for code, reason in unstaffed[:MAX_LISTED_UNSTAFFED])
            more = f"……共 {len(unstaffed)} 个" if len(unstaffed) > MAX_LISTED_UNSTAFFED else ""
            messages.warning(
                request, _("%(n)s 个抽中主体未能配齐检查人员（任务保留，须处理）：%(list)s%(more)s") % {"n": len(unstaffed), "list": listed, "more": more}
            )
        return draw

    def _commit_action(self, request, queryset, *, approve: bool, title, done, note):
        def apply(plan, data):
            fields = {"public_value_source": data["public_value_source"], "public_value_date": data["public_value_date"]}
            if approve:
                return self._committed(request, commitments.plan_approve(actor=request.user, plan=plan, **fields))
            return self._committed(request, commitments.draw_commit(actor=request.user, plan=plan, reason=data["reason"], **fields))

        return intermediate_action(
            self, request, self._led(request, queryset), form_class=CommitForm, title=title, done=done, submit=title, single=True, note=note, apply=apply,
        )

    @admin.action(description=_("审批并公布摇号承诺"), permissions=["change"])
    def approve(self, request, queryset):
        return self._commit_action(
            request, queryset, approve=True, title=_("审批并公布摇号承诺"), done=_("已审批"),
            note=_("审批后计划即公布。平台同时固定保密的种子份额，公布其 SHA-256 和名录文件哈希（hmac-sha256-v2），并指定一个届时才产生的公开随机数；"
                   "公开随机数公布后，由计划起草人以外的工作人员录入并摇号。计划起草人不能审批本计划。"),
        )

    @admin.action(description=_("公布摇号承诺（含重新摇号，须说明理由）"), permissions=["change"])
    def commit(self, request, queryset):
        return self._commit_action(
            request, queryset, approve=False, title=_("公布摇号承诺"), done=_("已公布摇号承诺"),
            note=_("生成新的种子份额和名录文件承诺，并指定新的公开随机数。已摇号或已有待录入承诺的计划须说明理由：原承诺和摇号记录保留并公开，"
                   "新摇号完成后原摇号标记为“已被重新摇号取代”。已录入检查结果的计划不能重新摇号。"),
        )

    @admin.action(description=_("录入公开随机数并摇号"), permissions=["change"])
    def reveal(self, request, queryset):
        return reveal_action(self, request, queryset)  # the value, a confirmation page, then the draw (issue 12 §5)

    @admin.action(description=_("校验摇号"), permissions=["view"])
    def verify(self, request, queryset):
        for plan in queryset:
            draw = plan.draws.filter(superseded=False).first()
            if draw is None:
                messages.warning(request, _("%(plan)s：尚未摇号") % {"plan": plan})
                continue
            report_draw_check(request, draw)


def report_draw_check(request, draw):
    report = services.verify_draw(draw)
    if report["ok"]:
        messages.success(
            request,
            _("%(draw)s：校验通过（按种子和名录文件重算，名录 %(size)s 户，抽中 %(n)s 户，与记录一致）")
            % {"draw": draw, "size": report["population"], "n": report["selected"]},
        )
    else:
        messages.error(request, _("%(draw)s：校验未通过：%(problems)s") % {"draw": draw, "problems": "；".join(report["problems"])})


# --- draws ------------------------------------------------------------------------------------------


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    """The record of a verifiable draw: seed, population hash, strata; the population file for officials."""

    list_display = ("__str__", "plan", "seed", "hash_short", "population_size", "selected_count", "strata_display", "drawn_at", "reason", "superseded")
    list_filter = ("superseded", "key_supervision", ScopedPlanFilter)
    search_fields = ("seed", "population_sha256", "plan__name")
    list_select_related = ("plan", "drawn_by")
    actions = ["verify"]
    fields = (
        "plan",
        "algorithm",
        "seed",
        "population_sha256",
        "population_download",
        "population_size",
        "strata_display",
        "selected_count",
        "selection_link",
        "key_supervision", "key_coverage_size", "key_coverage_sha256",
        "reason",
        "drawn_by",
        "drawn_at",
        "superseded",
        "commitment_display",
        "tasks_link",
        "verify_hint",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(plan__in=plans_visible_to(request).values("pk")).defer("population").select_related("commitment")

    def get_fields(self, request, obj=None):
        # The v2 seed share: 监督人员 only (issue 11 §4).
        return (*self.fields, "seed_share_display") if auditor(request) and obj is not None and obj.commitment_id else self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_urls(self):
        population = path("<int:pk>/population.csv", self.admin_site.admin_view(self.population_view), name="inspections_draw_population")
        return [population, *super().get_urls()]

    def population_view(self, request, pk):
        """The exact bytes that were hashed (DOMAIN §4); internal, so only for officials who see the plan."""
        draw = self.get_queryset(request).defer(None).filter(pk=pk).first()
        if draw is None or not self.has_view_permission(request, draw):
            raise Http404
        response = HttpResponse(draw.population.encode("ascii"), content_type="text/csv")
        response["Content-Disposition"] = content_disposition_header(True, f"draw-{draw.pk}-population.csv")
        return response

    @admin.display(description=_("名录文件哈希"))
    def hash_short(self, obj):
        return format_html('<code title="{}">{}…</code>', obj.population_sha256, obj.population_sha256[:16])

    @admin.display(description=_("抽中主体数"))
    def selected_count(self, obj):
        return sum(s["selected"] for s in obj.strata or [])

    @admin.display(description=_("各层数量（内部）"))
    def strata_display(self, obj):
        return _strata(obj.strata)

    @admin.display(description=_("名录文件"))
    def population_download(self, obj):
        url = reverse("admin:inspections_draw_population", args=[obj.pk])
        return format_html('<a href="{}">下载 draw-{}-population.csv</a>（内部文件，含风险分类，不得公开）', url, obj.pk)

    @admin.display(description=_("摇中主体"))
    def selection_link(self, obj):
        url = reverse("admin:inspections_drawselection_changelist") + f"?draw={obj.pk}"
        return format_html('<a href="{}">查看摇中主体（{} 户）</a>', url, self.selected_count(obj))

    @admin.display(description=_("检查任务"))
    def tasks_link(self, obj):
        url = reverse("admin:inspections_inspectiontask_changelist") + f"?plan={obj.plan_id}"
        return format_html('<a href="{}">查看检查任务</a>', url)

    @admin.display(description=_("摇号承诺（hmac-sha256-v2）"))
    def commitment_display(self, obj):
        if obj.commitment_id is None:
            return _("（hmac-sha256-v1 摇号，无承诺）")
        return commitment_summary(obj.commitment, show_share=False)

    @admin.display(description=_("种子份额（保密，仅监督人员可见）"))
    def seed_share_display(self, obj):
        return format_html("<code>{}</code>", obj.commitment.seed_share)

    @admin.display(description=_("如何校验"))
    def verify_hint(self, obj):
        return format_html(
            "在服务器上执行 <code>manage.py verify_draw {}</code>，或在摇号列表中选择本记录执行“校验摇号”；"
            "第三方可凭随机种子（v2：种子份额和公开随机数）和名录文件按 {} 算法自行重算。",
            obj.pk, obj.algorithm,
        )

    @admin.action(description=_("校验摇号"), permissions=["view"])
    def verify(self, request, queryset):
        for draw in queryset.defer(None):
            report_draw_check(request, draw)


@admin.register(DrawSelection)
class DrawSelectionAdmin(EntityColumns, ReadOnlyAdmin):
    list_display = ("uscc_display", "entity_name_display", "draw_display", "stratum", "rank", "digest")
    list_filter = (ScopedDrawFilter, "stratum")
    search_fields = ("=entity__uscc",)
    list_per_page = 100
    show_full_result_count = False
    fields = ("draw_display", "uscc_display", "entity_name_display", "stratum", "rank", "digest")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(draw__plan__in=plans_visible_to(request).values("pk")).annotate(entity_name=entity_name_of("entity_id"))

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        return (queryset.filter(entity_id=term), False) if term else (queryset, False)

    @admin.display(description=_("摇号"), ordering="draw")
    def draw_display(self, obj):
        return _admin_link("draw", obj.draw_id, f"摇号 #{obj.draw_id}")


# --- tasks ------------------------------------------------------------------------------------------


class TeamInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    can_delete = False
    fields = ("inspector", "certificate_no", "department", "digest", "repeat_reason", "confirmed_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("inspector", "department")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("执法证号"))
    def certificate_no(self, obj):
        return obj.inspector.certificate_no


class ResultInline(admin.TabularInline):
    model = InspectionResult
    extra = 0
    can_delete = False
    fields = ("result_link", "department", "categories_display", "inspected_on", "state", "publish_due_on", "published_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("检查结果"))
    def result_link(self, obj):
        return _admin_link("inspectionresult", obj.pk, f"#{obj.pk}")

    @admin.display(description=_("结果类别"))
    def categories_display(self, obj):
        return "、".join(obj.category_labels())


@admin.register(InspectionTask)
class InspectionTaskAdmin(EntityColumns, ReadOnlyAdmin):
    """Tasks are made by the draw; results are entered through “录入检查结果”."""

    list_display = ("uscc_display", "entity_name_display", "plan", "due_on", "state_display", "team_size", "unstaffed_reason")
    list_filter = (ScopedPlanFilter, "state", OverdueTaskFilter, "drawn")
    search_fields = ("=entity__uscc",)
    list_select_related = ("plan",)
    inlines = [TeamInline, ResultInline]
    list_per_page = 50
    show_full_result_count = False
    fields = (
        "plan",
        "draw_link",
        "uscc_display",
        "entity_name_display",
        "due_on",
        "state_display",
        "unstaffed_reason_display",
        "items_display",
        "result_entry",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        dept = department_of(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(plan__in=plans_visible_to(request).values("pk"))
            .annotate(
                entity_name=entity_name_of("entity_id"),
                team_size_value=Count("team"),
                my_team=Exists(TeamMember.objects.filter(task=OuterRef("pk"), department=dept)),
                my_result=Exists(InspectionResult.objects.filter(task=OuterRef("pk"), department=dept)),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        return (queryset.filter(entity_id=term), False) if term else (queryset, False)

    @admin.display(description=_("状态"), ordering="state")
    def state_display(self, obj):
        if obj.state == TaskState.UNSTAFFED:
            return _coloured(obj.get_state_display(), "overdue")
        return obj.get_state_display()

    @admin.display(description=_("检查组人数"))
    def team_size(self, obj):
        return getattr(obj, "team_size_value", None)

    @admin.display(description=_("未配齐人员原因"))
    def unstaffed_reason_display(self, obj):
        return _coloured(obj.unstaffed_reason, "overdue") if obj.unstaffed_reason else "-"

    @admin.display(description=_("摇号"))
    def draw_link(self, obj):
        return _admin_link("draw", obj.draw_id, f"摇号 #{obj.draw_id}")

    @admin.display(description=_("本任务的检查事项（只含适用于该主体的事项；进一次门、查多项事）"))
    def items_display(self, obj):
        items = obj.items.select_related("item_version__item", "department").order_by("department__code", "pk")  # issue 12 §5
        rows = [(i.department.short_name or i.department.name, f"{i.item_version.item}{'（重点监管全覆盖）' if i.item_version.is_key else ''}",
                 i.item_version.version) for i in items]
        return format_html("<ul style='margin:0;padding-left:1.2em'>{}</ul>", format_html_join("", "<li>{}：{}（第 {} 版）</li>", rows))

    @admin.display(description=_("录入本部门检查结果"))
    def result_entry(self, obj):
        if obj.state == TaskState.UNSTAFFED:
            return _("未配齐检查人员，不能录入结果")
        if not getattr(obj, "my_team", False):
            return _("本部门不在该任务的检查组中")
        if getattr(obj, "my_result", False):
            return _("本部门已录入")
        url = reverse("admin:inspections_inspectionresult_add") + f"?task={obj.pk}"
        return format_html('<a class="button" href="{}">录入检查结果</a>', url)


# --- results ----------------------------------------------------------------------------------------


def publish_window(request):
    """``(today, last day counted as due soon)``, worked out once per request."""
    if not hasattr(request, "_inspections_publish_window"):
        today = timezone.localdate()
        request._inspections_publish_window = (today, add_working_days(today, PUBLISH_DUE_SOON_WORKING_DAYS).date)
    return request._inspections_publish_window


RESULT_VIEW_FIELDS = (
    "task_link",
    "uscc_display",
    "entity_name_display",
    "plan_display",
    "department",
    "categories_display",
    "findings",
    "inspected_on",
    "out_of_window_reason",
    "evidence_links",
    "submitted_by",
    "submitted_at",
    "needs_case",
    "correction_link",
)
RESULT_STATE_FIELDS = ("state", "approved_by", "approved_at", "publish_due_display", "published_at", "credit_record_link")


@admin.register(InspectionResult)
class InspectionResultAdmin(ViewOnceSavedMixin, EntityColumns, RemedyActionsMixin, ServiceFormAdmin, ScopedAdmin):
    """Entered through ``result_submit``; 审核 and 公示 only through the actions."""

    form = ResultEntryForm
    list_display = (
        "result_no",
        "uscc_display",
        "entity_name_display",
        "plan_display",
        "department",
        "categories_display",
        "inspected_on",
        "state",
        "publish_due_display",
        "needs_case",
        "credit_record_link",
    )
    list_filter = ("state", "needs_case")
    search_fields = ("=task__entity__uscc",)
    list_select_related = ("task__plan", "department")
    actions = ["approve", "publish_now"]
    list_per_page = 50
    show_full_result_count = False
    action_query = ""

    def get_queryset(self, request):
        today, soon = publish_window(request)
        # Red when overdue, orange when due within 3 working days (the calendar is read once per request).
        due_level = Case(
            When(state=ResultState.PUBLISHED, then=Value("")),
            When(publish_due_on__lt=today, then=Value("overdue")),
            When(publish_due_on__lte=soon, then=Value("due")),
            default=Value(""),
            output_field=CharField(),
        )
        return (
            super()
            .get_queryset(request)
            .annotate(entity_name=entity_name_of("task__entity_id"), due_level=due_level)
            .select_related("task__plan", "department")
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        return (queryset.filter(task__entity_id=term), False) if term else (queryset, False)

    def get_urls(self):
        evidence = path("<int:pk>/evidence/<int:evidence_id>/", self.admin_site.admin_view(self.evidence_view), name="inspections_inspectionresult_evidence")
        return [evidence, *super().get_urls()]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ("task", "department", "categories", "findings", "inspected_on", "out_of_window_reason", "evidence")})]
        return [(None, {"fields": RESULT_VIEW_FIELDS}), (_("审核与公示（按适用的法定时限公示，一般为检查后20个工作日）"), {"fields": RESULT_STATE_FIELDS})]

    def get_readonly_fields(self, request, obj=None):
        return (*RESULT_VIEW_FIELDS, *RESULT_STATE_FIELDS) if obj is not None else ()

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            from django import forms

            kwargs["form"] = forms.ModelForm  # a saved result is only viewed; its state changes through actions
        return super().get_form(request, obj, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("inspected_on", timezone.localdate())
        return initial

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            saved = form.submit()
        except ValidationError as exc:
            self.refused(request, exc)
            return
        adopt(obj, saved)

    def evidence_view(self, request, pk, evidence_id):
        result = self.get_queryset(request).filter(pk=pk).first()  # scoped: another department's file is not found
        if result is None or not self.has_view_permission(request, result):
            raise Http404
        evidence = result.evidence.filter(pk=evidence_id).first()
        if evidence is None:
            raise Http404
        return _file_response(evidence.file)

    # display

    @admin.display(description=_("编号"), ordering="pk")
    def result_no(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=_("检查任务"))
    def task_link(self, obj):
        return _admin_link("inspectiontask", obj.task_id, str(obj.task))

    @admin.display(description=_("抽查计划"), ordering="task__plan")
    def plan_display(self, obj):
        return obj.task.plan.name

    @admin.display(description=_("检查结果"))
    def categories_display(self, obj):
        return "、".join(obj.category_labels())

    @admin.display(description=_("公示期限"), ordering="publish_due_on")
    def publish_due_display(self, obj):
        text = f"{obj.publish_due_on}{'（暂定：节假日数据未覆盖）' if obj.publish_due_provisional else ''}"
        level = getattr(obj, "due_level", "")
        if level == "overdue":
            return _coloured(f"{text}（已逾期）", "overdue")
        if level == "due":
            return _coloured(f"{text}（{PUBLISH_DUE_SOON_WORKING_DAYS}个工作日内到期）", "due")
        return text

    @admin.display(description=_("形成的信用记录"))
    def credit_record_link(self, obj):
        if obj.credit_record_id is None:
            return "-"
        url = reverse("admin:credit_creditrecord_change", args=[obj.credit_record_id])
        return format_html('<a href="{}">信用记录 #{}</a>', url, obj.credit_record_id)

    @admin.display(description=_("现场证据"))
    def evidence_links(self, obj):
        files = list(obj.evidence.all())
        if not files:
            return _("（未上传）")
        return format_html(
            "<ul style='margin:0;padding-left:1.2em'>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>（{}）</li>',
                (
                    (
                        reverse("admin:inspections_inspectionresult_evidence", args=[obj.pk, e.pk]),
                        os.path.basename(e.file.name),
                        timezone.localtime(e.uploaded_at).strftime("%Y-%m-%d %H:%M"),
                    )
                    for e in files
                ),
            ),
        )

    @admin.display(description=_("责令改正"))
    def correction_link(self, obj):
        order = CorrectionOrder.objects.filter(result=obj).first()
        return _admin_link("correctionorder", order.pk, str(order)) if order else "-"

    # actions

    def object_actions(self, request, obj):
        if obj.state == ResultState.SUBMITTED:
            return [("approve", _("审核通过"))]
        if obj.state == ResultState.APPROVED:
            return [("publish_now", _("立即公示全部已审核结果"))]
        return []

    @admin.action(description=_("审核通过"), permissions=["change"])
    def approve(self, request, queryset):
        ok = 0
        for result in queryset:
            try:
                services.result_approve(actor=request.user, result=result)
            except ValidationError as exc:
                show_refusal(request, exc, f"#{result.pk} {result}：")
            else:
                ok += 1
        if ok:
            messages.success(request, _("已审核通过 %(n)s 条检查结果，将在公示任务下次运行时（或“立即公示”后）公示。") % {"n": ok})

    @admin.action(description=_("立即公示全部已审核结果（不限所选，与每小时公示任务相同）"), permissions=["change"])
    def publish_now(self, request, queryset):
        n = services.results_publish(actor=request.user)
        if n:
            messages.success(request, _("已公示 %(n)s 条已审核的检查结果（含其他部门已审核的结果），均已形成“抽查检查结果”信用记录。") % {"n": n})
        else:
            messages.info(request, _("没有已审核待公示的检查结果。"))


# --- correction orders ------------------------------------------------------------------------------


@admin.register(CorrectionOrder)
class CorrectionOrderAdmin(ViewOnceSavedMixin, EntityColumns, RemedyActionsMixin, ScopedAdmin):
    """责令改正: made by ``result_submit``; 已改正 only through the action."""

    list_display = ("uscc_display", "entity_name_display", "department", "due_on_display", "state", "corrected_on", "result_link")
    list_filter = ("state",)
    search_fields = ("=entity__uscc",)
    list_select_related = ("department",)
    actions = ["mark_corrected"]
    list_per_page = 50
    fields = ("result_link", "uscc_display", "entity_name_display", "department", "due_on_display", "state", "corrected_on")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entity_name=entity_name_of("entity_id"))

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        return (queryset.filter(entity_id=term), False) if term else (queryset, False)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("改正期限"), ordering="due_on")
    def due_on_display(self, obj):
        if obj.state != CorrectionState.CORRECTED and obj.due_on < timezone.localdate():
            return _coloured(f"{obj.due_on}（已逾期）", "overdue")
        return str(obj.due_on)

    @admin.display(description=_("检查结果"))
    def result_link(self, obj):
        return _admin_link("inspectionresult", obj.result_id, f"检查结果 #{obj.result_id}")

    def object_actions(self, request, obj):
        return [("mark_corrected", _("标记已改正"))] if obj.state != CorrectionState.CORRECTED else []

    @admin.action(description=_("标记已改正"), permissions=["change"])
    def mark_corrected(self, request, queryset):
        return intermediate_action(
            self,
            request,
            queryset,
            form_class=CorrectedForm,
            title=_("标记已改正"),
            done=_("已标记改正"),
            submit=_("确认已改正"),
            initial={"corrected_on": timezone.localdate()},
            note=_("标记已改正后不再因逾期未改正列入经营异常名录；操作记入审计日志。"),
            apply=lambda order, data: services.correction_mark_corrected(actor=request.user, order=order, corrected_on=data["corrected_on"]),
        )

"""摇号 in the admin: the record of a verifiable draw (seed, population hash, strata; the population
file for officials who see the plan) and its selected entities, read-only, with “校验摇号”."""

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from core.admin_base import ReadOnlyAdmin
from inspections import services
from inspections.admin.commitments import commitment_summary
from inspections.admin.scope import (
    EntityColumns,
    ScopedDrawFilter,
    ScopedPlanFilter,
    admin_link,
    entity_name_of,
    strata_text,
)
from inspections.models import Draw, DrawSelection
from inspections.selectors import is_auditor, plans_visible_to


def report_draw_check(request, draw):
    report = services.verify_draw(draw)
    if report["ok"]:
        messages.success(
            request,
            _("%(draw)s：校验通过（按种子和名录文件重算，名录 %(size)s 户，抽中 %(n)s 户，与记录一致）")
            % {"draw": draw, "size": report["population"], "n": report["selected"]},
        )
    else:
        messages.error(
            request, _("%(draw)s：校验未通过：%(problems)s") % {"draw": draw, "problems": "；".join(report["problems"])}
        )


# --- draws ------------------------------------------------------------------------------------------


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    """The record of a verifiable draw: seed, population hash, strata; the population file for officials."""

    list_display = (
        "__str__",
        "plan",
        "seed",
        "hash_short",
        "population_size",
        "selected_count",
        "strata_display",
        "drawn_at",
        "reason",
        "superseded",
    )
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
        "key_supervision",
        "key_coverage_size",
        "key_coverage_sha256",
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
        return (
            super()
            .get_queryset(request)
            .filter(plan__in=plans_visible_to(request.user).values("pk"))
            .defer("population")
            .select_related("commitment")
        )

    def get_fields(self, request, obj=None):
        # The v2 seed share: 监督人员 only (issue 11 §4).
        return (
            (*self.fields, "seed_share_display")
            if is_auditor(request.user) and obj is not None and obj.commitment_id
            else self.fields
        )

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_urls(self):
        population = path(
            "<int:pk>/population.csv",
            self.admin_site.admin_view(self.population_view),
            name="inspections_draw_population",
        )
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
        return strata_text(obj.strata)

    @admin.display(description=_("名录文件"))
    def population_download(self, obj):
        url = reverse("admin:inspections_draw_population", args=[obj.pk])
        return format_html(
            '<a href="{}">下载 draw-{}-population.csv</a>（内部文件，含风险分类，不得公开）', url, obj.pk
        )

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
            obj.pk,
            obj.algorithm,
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
        visible = plans_visible_to(request.user).values("pk")
        return (
            super()
            .get_queryset(request)
            .filter(draw__plan__in=visible)
            .annotate(entity_name=entity_name_of("entity_id"))
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        return (queryset.filter(entity_id=term), False) if term else (queryset, False)

    @admin.display(description=_("摇号"), ordering="draw")
    def draw_display(self, obj):
        return admin_link("draw", obj.draw_id, f"摇号 #{obj.draw_id}")

"""抽查计划 in the admin: drafts are edited through ``plan_save``/``plan_item_add``; 审批, 摇号承诺,
录入公开随机数并摇号 and 校验 are actions. Officials see the plans their department leads or takes part
in; only the lead department acts on a plan (``inspections.selectors``)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import ObjectActionsMixin, ServiceFormAdmin, adopt, intermediate_action
from core.scoping import department_of, owns
from inspections import commitments
from inspections.admin.commitments import commitment_summary
from inspections.admin.confirmation import reveal_action, scope_summary
from inspections.admin.draws import report_draw_check
from inspections.admin.scope import admin_link, entity_name_of, strata_text
from inspections.choices import PlanState, TaskState
from inspections.forms import CommitForm, InspectionPlanForm
from inspections.models import Draw, InspectionPlan, InspectionTask, PlanItem
from inspections.selectors import is_auditor, plans_led_by, plans_visible_to
from supervision.choices import EntityStatus, EntityType

MAX_LISTED_UNSTAFFED = 20


class DrawInline(admin.TabularInline):
    """Every draw of the plan, redraws included: the old one stays visible with its reason."""

    model = Draw
    extra = 0
    can_delete = False
    verbose_name_plural = _("摇号记录（含被重新摇号取代的记录）")
    fields = (
        "draw_link",
        "seed",
        "population_sha256",
        "population_size",
        "strata_display",
        "drawn_at",
        "drawn_by",
        "reason",
        "superseded",
    )
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
        return admin_link("draw", obj.pk, f"#{obj.pk}")

    @admin.display(description=_("各层数量"))
    def strata_display(self, obj):
        return strata_text(obj.strata)


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ObjectActionsMixin, ServiceFormAdmin):
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
        current = (
            Draw.objects.filter(plan=OuterRef("pk"), superseded=False).order_by("-drawn_at", "-id").values("pk")[:1]
        )
        unstaffed = (
            InspectionTask.objects.filter(plan=OuterRef("pk"), state=TaskState.UNSTAFFED, draw__superseded=False)
            .values("plan")
            .annotate(n=Count("pk"))
            .values("n")
        )
        items = PlanItem.objects.filter(plan=OuterRef("pk")).values("plan").annotate(n=Count("pk")).values("n")
        return (
            plans_visible_to(request.user)
            .select_related("lead_department", "approved_by")
            .prefetch_related("departments")
            .annotate(
                current_draw_id=Subquery(current), unstaffed_count=Subquery(unstaffed), item_count_value=Subquery(items)
            )
        )

    def owns(self, request, obj) -> bool:
        """Only the lead department (or a platform admin) acts on a plan."""
        return obj is None or owns(request.user, obj, field="lead_department")

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._shown_to_auditor = is_auditor(request.user)
        return obj

    def get_inlines(self, request, obj):
        # Draws exist only once approved; a draft's form then posts no read-only formset.
        return self.inlines if obj is not None and obj.state != PlanState.DRAFT else []

    def has_change_permission(self, request, obj=None):
        # Only a draft, and only by the lead department: an approved plan is published as approved.
        return super().has_change_permission(request, obj) and (
            obj is None or (self.owns(request, obj) and obj.state == PlanState.DRAFT)
        )

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
            fieldsets.append(
                (_("摇号与检查任务"), {"fields": ("commitments_display", "current_draw", "unstaffed_tasks")})
            )
        fieldsets += [
            (
                None,
                {
                    "fields": (
                        "name",
                        "year",
                        "lead_department",
                        "departments" if editing else "departments_display",
                        "description",
                    )
                },
            ),
            (_("抽查范围"), {"fields": (*scope, "scope_display") if obj is not None else scope}),
            (
                _("各风险分类抽查比例（默认：A类1%、B类3%、C类10%、D类30%）"),
                {"fields": (("ratio_a", "ratio_b", "ratio_c", "ratio_d"), "is_public_info_check")},
            ),
            (_("检查组与时间"), {"fields": ("min_team_size", ("starts_on", "ends_on"))}),
        ]
        fieldsets.append((_("抽查事项"), {"fields": ("items_table", "add_items") if editing else ("items_table",)}))
        if obj is not None:
            fieldsets.append(
                (_("状态"), {"fields": ("state", "created_by", "approved_by", "approved_at", "created_at")})
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ("items_table",)
        return (
            (
                *readonly,
                "state",
                "approved_by",
                "approved_at",
                "created_by",
                "created_at",
                "commitments_display",
                "current_draw",
                "unstaffed_tasks",
                "scope_display",
            )
            if obj is not None
            else readonly
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
            else list(
                obj.items.select_related("item_version__item", "department").order_by(
                    "department__code", "item_version__item__catalogue_code"
                )
            )
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
        return admin_link("draw", pk, f"摇号 #{pk}")

    @admin.display(description=_("未配齐人员任务"))
    def unstaffed_display(self, obj):
        n = getattr(obj, "unstaffed_count", None) or 0
        if not n:
            return "0"
        url = (
            reverse("admin:inspections_inspectiontask_changelist")
            + f"?plan={obj.pk}&state__exact={TaskState.UNSTAFFED}"
        )
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
        lines = [
            (admin_link("inspectiontask", t.pk, f"{t.entity_id} {t.entity_name or ''}"), t.unstaffed_reason)
            for t in tasks[:MAX_LISTED_UNSTAFFED]
        ]
        html = format_html(
            '<ul style="margin:0;padding-left:1.2em;color:#ba2121">{}</ul>',
            format_html_join("", "<li><strong>{}</strong>：{}</li>", lines),
        )
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
                    messages.warning(
                        request, _("本计划有 %(n)s 个抽中主体未能配齐检查人员，见“摇号与检查任务”中的原因。") % {"n": n}
                    )
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
            messages.error(
                request, _("所选计划不在您可以处理的范围内（只能处理本部门牵头或参与的计划），未作任何处理。")
            )
            return queryset
        led = plans_led_by(request.user, queryset)
        others = [str(p) for p in queryset.exclude(pk__in=led.values("pk"))]
        if others:
            messages.error(request, _("只有牵头部门可以审批和摇号，未处理：%(plans)s") % {"plans": "、".join(others)})
        return led

    def _committed(self, request, commitment):
        messages.info(
            request,
            _(
                "%(plan)s：已公布摇号承诺 #%(id)s：名录 %(size)s 户，名录文件哈希 %(hash)s，种子份额承诺值 %(share)s；"
                "请在 %(date)s 公开随机数公布后，由计划起草人以外的工作人员录入（%(source)s）。"
            )
            % {
                "plan": commitment.plan,
                "id": commitment.pk,
                "size": commitment.population_size,
                "hash": commitment.population_sha256,
                "share": commitment.seed_share_sha256,
                "date": f"{commitment.public_value_date:%Y年%m月%d日}",
                "source": commitment.public_value_source,
            },
        )
        return commitment

    def _draw(self, request, draw):
        selected = sum(s["selected"] for s in draw.strata)
        messages.info(
            request,
            _(
                "%(plan)s：摇号 #%(id)s（%(algorithm)s），名录 %(size)s 户，抽中 %(n)s 户；种子 %(seed)s，名录文件哈希 %(hash)s。"
            )
            % {
                "plan": draw.plan,
                "id": draw.pk,
                "algorithm": draw.algorithm,
                "size": draw.population_size,
                "n": selected,
                "seed": draw.seed,
                "hash": draw.population_sha256,
            },
        )
        unstaffed = list(
            draw.tasks.filter(state=TaskState.UNSTAFFED).order_by("entity").values_list("entity_id", "unstaffed_reason")
        )
        if unstaffed:
            listed = "；".join(f"{code}：{reason}" for code, reason in unstaffed[:MAX_LISTED_UNSTAFFED])
            more = f"……共 {len(unstaffed)} 个" if len(unstaffed) > MAX_LISTED_UNSTAFFED else ""
            messages.warning(
                request,
                _("%(n)s 个抽中主体未能配齐检查人员（任务保留，须处理）：%(list)s%(more)s")
                % {"n": len(unstaffed), "list": listed, "more": more},
            )
        return draw

    def _commit_action(self, request, queryset, *, approve: bool, title, done, note):
        def apply(plan, data):
            fields = {
                "public_value_source": data["public_value_source"],
                "public_value_date": data["public_value_date"],
            }
            if approve:
                return self._committed(request, commitments.plan_approve(actor=request.user, plan=plan, **fields))
            return self._committed(
                request, commitments.draw_commit(actor=request.user, plan=plan, reason=data["reason"], **fields)
            )

        return intermediate_action(
            self,
            request,
            self._led(request, queryset),
            form_class=CommitForm,
            title=title,
            done=done,
            submit=title,
            single=True,
            note=note,
            apply=apply,
        )

    @admin.action(description=_("审批并公布摇号承诺"), permissions=["change"])
    def approve(self, request, queryset):
        return self._commit_action(
            request,
            queryset,
            approve=True,
            title=_("审批并公布摇号承诺"),
            done=_("已审批"),
            note=_(
                "审批后计划即公布。平台同时固定保密的种子份额，公布其 SHA-256 和名录文件哈希（hmac-sha256-v2），并指定一个届时才产生的公开随机数；"
                "公开随机数公布后，由计划起草人以外的工作人员录入并摇号。计划起草人不能审批本计划。"
            ),
        )

    @admin.action(description=_("公布摇号承诺（含重新摇号，须说明理由）"), permissions=["change"])
    def commit(self, request, queryset):
        return self._commit_action(
            request,
            queryset,
            approve=False,
            title=_("公布摇号承诺"),
            done=_("已公布摇号承诺"),
            note=_(
                "生成新的种子份额和名录文件承诺，并指定新的公开随机数。已摇号或已有待录入承诺的计划须说明理由：原承诺和摇号记录保留并公开，"
                "新摇号完成后原摇号标记为“已被重新摇号取代”。已录入检查结果的计划不能重新摇号。"
            ),
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

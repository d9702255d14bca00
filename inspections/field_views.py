"""The inspectors' field pages (/field/): my tasks, a task's checklist and my department's result,
and co-inspector confirmation. Mobile first; login required; only inspectors of the roster.

Who sees what: a signed-in user must be linked to an Inspector (执法检查人员名录库), and sees only
the tasks on whose team they are (``selectors.inspector_tasks``). Each department enters its own
result (DOMAIN §4, joint plans); every write goes through ``services``.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from credit.choices import ListType
from credit.models import ListProposal
from inspections import selectors, services
from inspections.choices import ResultCategory
from inspections.field_forms import EVIDENCE_MAX_FILES, FieldLoginForm, ResultForm, apply_service_errors
from inspections.models import CorrectionOrder, InspectionResult, PlanItem, TeamMember
from supervision.annual_reports import latest_report, public_view
from supervision.models import InspectionChecklist, Inspector

LOGIN_URL = reverse_lazy("field:login")


class FieldLoginView(auth_views.LoginView):
    """Django's sign-in (django-axes locks repeated failures) on a phone-sized page; then /field/."""

    template_name = "field/login.html"
    authentication_form = FieldLoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("field:tasks")


class FieldLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("field:login")


def inspector_required(view):
    """Login required, then the user must be an inspector of the roster (else a clear 403)."""

    @wraps(view)
    @login_required(login_url=LOGIN_URL)
    @never_cache
    def wrapper(request, *args, **kwargs):
        inspector = Inspector.objects.select_related("department").filter(user=request.user).first()
        if inspector is None:
            return render(request, "field/forbidden.html", status=403)
        return view(request, inspector, *args, **kwargs)

    return wrapper


# --- my tasks -----------------------------------------------------------------------------------


def _my_status(task, user) -> tuple[str, str]:
    """(label, tone) of my department's part of a task, as the list shows it."""
    if task.my_result_state is None:
        if task.due_on < timezone.localdate():
            return "已逾期，待录入", "danger"
        return "待录入结果", "todo"
    if task.my_result_by == user.pk:
        return "已录入（由我录入）", "done"
    if task.my_confirmed_at is None:
        return "已录入，待我确认", "todo"
    return "已录入，我已确认", "done"


@inspector_required
@require_http_methods(["GET"])
def task_list(request, inspector):
    """My tasks, grouped 待检查 (my department has no result yet) and 已录入."""
    mine = TeamMember.objects.filter(task=OuterRef("pk"), inspector=inspector)
    tasks = (
        selectors.inspector_tasks(inspector)
        .select_related("entity")
        .annotate(
            my_department_id=Subquery(mine.values("department_id")[:1]),
            my_confirmed_at=Subquery(mine.values("confirmed_at")[:1]),
        )
    )
    result = InspectionResult.objects.filter(task=OuterRef("pk"), department=OuterRef("my_department_id"))
    tasks = tasks.annotate(
        my_result_state=Subquery(result.values("state")[:1]), my_result_by=Subquery(result.values("submitted_by")[:1])
    )
    today = timezone.localdate()
    pending, entered = [], []
    for task in tasks:
        task.my_status, task.my_tone = _my_status(task, request.user)
        task.overdue = task.my_result_state is None and task.due_on < today
        (pending if task.my_result_state is None else entered).append(task)
    context = {"inspector": inspector, "pending": pending, "entered": entered, "today": today}
    return render(request, "field/task_list.html", context)


# --- one task -----------------------------------------------------------------------------------


def _checklist(task, department) -> tuple[list[dict], list[PlanItem]]:
    """The task's items of my department, each with its 检查实施清单 rows for my department; and the
    other departments' items (one visit covers every department's items: 进一次门、查多项事). A task
    carries only the items that apply to its entity (issue 12 §5)."""
    plan_items = list(
        PlanItem.objects.filter(tasks=task)
        .select_related("item_version__item", "department")
        .order_by("department__code", "item_version__item__catalogue_code")
    )
    mine = [p for p in plan_items if p.department_id == department.pk]
    others = [p for p in plan_items if p.department_id != department.pk]
    rows = {}
    for row in InspectionChecklist.objects.filter(
        item_id__in=[p.item_version.item_id for p in mine], department=department
    ).order_by("code"):
        rows.setdefault(row.item_id, []).append(row)
    checklist = [
        {
            "plan_item": p,
            "version": p.item_version,
            "item": p.item_version.item,
            "rows": rows.get(p.item_version.item_id, []),
        }
        for p in mine
    ]
    return checklist, others


def _follow_ups(result: InspectionResult) -> list[dict]:
    """What the result set off (DOMAIN §4), as the inspector should know it."""
    items = []
    categories = set(result.categories)
    # services.result_submit names its proposals after the result.
    proposal = ListProposal.objects.filter(source_ref=f"抽查结果 #{result.pk}", list_type=ListType.ABNORMAL).first()
    if proposal is not None:
        items.append(
            {
                "kind": "abnormal",
                "title": "拟列入经营异常名录",
                "text": f"已提出列入经营异常名录的建议（事由：{proposal.get_ground_display()}），{proposal.get_state_display()}，由本部门承办人员确认。",
            }
        )
    order = CorrectionOrder.objects.filter(result=result).first()
    if order is not None:
        due = order.due_on
        items.append(
            {
                "kind": "correction",
                "title": "责令改正",
                "text": f"已责令限期改正：改正期限至 {due.year}年{due.month}月{due.day}日（{order.get_state_display()}）；逾期未改正的，列入经营异常名录。",
            }
        )
    if result.needs_case:
        items.append(
            {"kind": "case", "title": "建议立案", "text": "发现问题待后续处理：已标记建议立案查处，转执法部门办理。"}
        )
    if ResultCategory.OBSTRUCTION in categories:
        items.append(
            {"kind": "publish", "title": "依法公示", "text": "不配合检查情节严重：将随检查结果依法向社会公示。"}
        )
    return items


def _task_context(request, inspector, task):
    members = list(task.team.select_related("inspector", "department"))
    me = next(m for m in members if m.inspector_id == inspector.pk)
    results = {r.department_id: r for r in task.results.select_related("submitted_by")}
    my_result = results.get(me.department_id)
    team, names = [], {m.inspector.user_id: m.inspector.name for m in members if m.inspector.user_id}
    for member in members:
        result = results.get(member.department_id)
        if result is None:
            status = ""
        elif result.submitted_by_id is not None and member.inspector.user_id == result.submitted_by_id:
            status = "录入人"
        elif member.confirmed_at is not None:
            status = "已确认"
        else:
            status = "待确认"
        team.append({"member": member, "is_me": member.pk == me.pk, "status": status, "has_result": result is not None})
    checklist, other_items = _checklist(task, me.department)
    context = {
        "inspector": inspector,
        "task": task,
        "entity": task.entity,
        "me": me,
        "team": team,
        "checklist": checklist,
        "other_items": other_items,
        "checklist_count": sum(len(entry["rows"]) or 1 for entry in checklist),
        "result": my_result,
        "today": timezone.localdate(),
        "max_files": EVIDENCE_MAX_FILES,
    }
    if task.plan.is_public_info_check:
        # 公示信息抽查 (issue 14 §3): the inspectors check the entity's latest annual report, shown in full.
        report = latest_report(task.entity_id)
        context["annual_report"] = public_view(report, full=True) if report else None
        context["public_info_check"] = True
    if my_result is not None:
        is_submitter = my_result.submitted_by_id == request.user.pk
        by = my_result.submitted_by
        context.update(
            follow_ups=_follow_ups(my_result),
            evidence=list(my_result.evidence.all()),
            is_submitter=is_submitter,
            submitter_name=names.get(my_result.submitted_by_id)
            or (by.get_full_name() or by.get_username() if by else ""),
            can_confirm=not is_submitter and me.confirmed_at is None,
        )
    return context


@inspector_required
@require_http_methods(["GET", "POST"])
def task_detail(request, inspector, pk):
    """A task: entity, team, checklist, and my department's result (the form, or what was entered)."""
    task = get_object_or_404(
        selectors.inspector_tasks(inspector).select_related("entity", "plan__lead_department"), pk=pk
    )
    context = _task_context(request, inspector, task)
    me = context["me"]
    form = None
    if context["result"] is None:
        if request.method == "POST":
            form = ResultForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.result_submit(
                        actor=request.user,
                        task=task,
                        department=me.department,
                        categories=data["categories"],
                        findings=data["findings"],
                        inspected_on=data["inspected_on"],
                        evidence_files=data["evidence"],
                        out_of_window_reason=data["out_of_window_reason"],
                    )
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    messages.success(request, "检查结果已提交。")
                    return redirect(reverse("field:task", args=[task.pk]) + "#result")
        else:
            form = ResultForm()
    elif request.method == "POST":
        messages.info(request, f"{me.department.name}已录入该任务的检查结果。")
        return redirect(reverse("field:task", args=[task.pk]) + "#result")
    context["form"] = form
    return render(request, "field/task_detail.html", context, status=200)


@inspector_required
@require_POST
def task_confirm(request, inspector, pk):
    """A co-inspector of my department confirms the result entered for the task."""
    task = get_object_or_404(selectors.inspector_tasks(inspector), pk=pk)
    member = get_object_or_404(TeamMember, task=task, inspector=inspector)
    try:
        services.team_confirm(actor=request.user, member=member)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已确认本部门的检查结果。")
    return redirect(reverse("field:task", args=[task.pk]) + "#result")

"""The inspectors' field pages (/field/, issue 5 §3): my tasks, the checklist, my department's result
with its follow-ups (DOMAIN §4), evidence uploads, and co-inspector confirmation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credit.choices import ListGround, ListType
from credit.models import ListProposal
from inspections import services
from inspections.choices import ResultCategory, TaskState
from inspections.field_forms import EVIDENCE_MAX_BYTES
from inspections.models import CorrectionOrder, InspectionResult, ResultEvidence, TeamMember
from supervision import services as sv

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64
TASKS_URL = "/field/"


def task_url(task) -> str:
    return f"/field/tasks/{task.pk}/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def field_world(frozen_today, make_plan, make_item, graded_entities, make_inspector, django_user_model, dept_a):
    """Two entities drawn in full (ratio 100%), four inspectors of department A with accounts:
    each task gets two of them, so each inspector is on exactly one task (balanced load)."""
    entities = graded_entities(2, industry_code="I6513")
    item = make_item(dept_a, name="食品经营许可事项监督检查")
    sv.checklist_save(
        actor="test",
        item=item,
        department=dept_a,
        code=dept_a.uscc + "1",
        name="许可证件公示",
        content="查看食品经营许可证是否在经营场所显著位置悬挂",
        method="on_site",
    )
    sv.checklist_save(
        actor="test",
        item=item,
        department=dept_a,
        code=dept_a.uscc + "2",
        name="从业人员健康证明",
        content="抽查从业人员健康证明是否在有效期内",
        method="on_site",
    )
    inspectors = []
    for n in range(4):
        user = django_user_model.objects.create_user(
            username=f"inspector{n}", password="pw-Secret-123", first_name=f"检查员{n}"
        )
        inspectors.append(make_inspector(dept_a, user=user, name=f"执法员{n}"))
    draw = services.draw_run(actor="test", plan=make_plan(items=[item], ratio_a=Decimal("1")))
    tasks = list(draw.tasks.order_by("entity"))
    assert len(tasks) == 2 and all(t.team.count() == 2 for t in tasks)
    return {"entities": entities, "item": item, "inspectors": inspectors, "tasks": tasks}


def members_of(task) -> list:
    return [m.inspector for m in TeamMember.objects.filter(task=task).select_related("inspector__user").order_by("pk")]


def outsider_of(task, inspectors):
    team = {i.pk for i in members_of(task)}
    return next(i for i in inspectors if i.pk not in team)


def post_result(client, task, *, categories, findings="", inspected_on="2026-11-22", files=()):
    data = {"categories": list(categories), "findings": findings, "inspected_on": inspected_on}
    if files:
        data["evidence"] = list(files)
    return client.post(task_url(task), data)


# --- who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [TASKS_URL, "/field/tasks/1/"])
def test_field_pages_require_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/field/login/?next={path}"


def test_login_page_is_mobile_and_signs_in_to_my_tasks(client, field_world):
    page = client.get("/field/login/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="viewport"' in html and "执法检查人员登录" in html and "css/field.css" in html
    response = client.post("/field/login/", {"username": "inspector0", "password": "pw-Secret-123"})
    assert response.status_code == 302 and response["Location"] == TASKS_URL
    assert client.get(TASKS_URL).status_code == 200


def test_login_with_a_wrong_password_says_so_in_chinese(client, field_world):
    response = client.post("/field/login/", {"username": "inspector0", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_user_not_linked_to_an_inspector_gets_403(client, alice):
    client.force_login(alice)
    response = client.get(TASKS_URL)
    assert response.status_code == 403
    assert "您的账号未关联执法检查人员" in response.content.decode()


def test_inspector_sees_only_own_tasks(client, field_world):
    # Given inspector0 on one of the two tasks
    me = field_world["inspectors"][0]
    mine = [t for t in field_world["tasks"] if me in members_of(t)]
    other = [t for t in field_world["tasks"] if t not in mine]
    assert len(mine) == 1 and len(other) == 1
    client.force_login(me.user)
    # When they open /field/
    html = client.get(TASKS_URL).content.decode()
    # Then only their task is listed, under 待检查, with the plan and the due date
    assert mine[0].entity.name in html
    assert other[0].entity.name not in html
    assert task_url(mine[0]) in html and task_url(other[0]) not in html
    assert "待检查" in html and "已录入" in html
    assert "2026年食品经营者双随机抽查" in html and "2026年12月31日" in html


def test_overdue_task_is_marked(client, field_world, frozen_today):
    import time_machine

    me = field_world["inspectors"][0]
    with time_machine.travel(dt.datetime(2027, 1, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        client.force_login(me.user)
        html = client.get(TASKS_URL).content.decode()
    assert "due--overdue" in html and "已逾期" in html


def test_task_page_is_404_for_a_non_member(client, field_world):
    task = field_world["tasks"][0]
    outsider = outsider_of(task, field_world["inspectors"])
    client.force_login(outsider.user)
    assert client.get(task_url(task)).status_code == 404
    assert post_result(client, task, categories=[ResultCategory.NO_PROBLEM]).status_code == 404
    assert client.post(f"/field/tasks/{task.pk}/confirm/").status_code == 404
    assert not InspectionResult.objects.exists()


def test_task_page_shows_entity_team_and_checklist(client, field_world, dept_a):
    task = field_world["tasks"][0]
    team = members_of(task)
    client.force_login(team[0].user)
    response = client.get(task_url(task))
    assert response.status_code == 200
    html = response.content.decode()
    assert task.entity.name in html and task.entity_id in html
    for inspector in team:
        assert inspector.name in html
    assert dept_a.name in html
    item = field_world["item"]
    assert item.name in html and "《中华人民共和国食品安全法》第八十七条" in html
    assert (
        "许可证件公示" in html and "查看食品经营许可证是否在经营场所显著位置悬挂" in html and dept_a.uscc + "1" in html
    )
    assert html.count('data-check="row-') == 2
    # the result form: every category of DOMAIN §4, today's date, evidence from the camera
    for _value, label in ResultCategory.choices:
        assert str(label) in html
    assert 'value="2026-11-22"' in html
    assert (
        'type="file"' in html
        and 'accept="image/*,application/pdf"' in html
        and 'capture="environment"' in html
        and "multiple" in html
    )


# --- entering a result --------------------------------------------------------------------------


def test_submit_unreachable_raises_an_abnormal_list_proposal(client, field_world, dept_a):
    # Given a member of the task's team
    task = field_world["tasks"][0]
    me = members_of(task)[0]
    client.force_login(me.user)
    # When they record 无法联系 with findings and a photo
    response = post_result(
        client,
        task,
        categories=[ResultCategory.UNREACHABLE],
        findings="两次到登记住所均无人，电话无法接通。",
        files=[SimpleUploadedFile("现场.jpg", JPG, content_type="image/jpeg")],
    )
    # Then the result is stored for department A, with the evidence, and a 经营异常名录 proposal is raised
    assert response.status_code == 302 and response["Location"] == task_url(task) + "#result"
    result = InspectionResult.objects.get(task=task)
    assert (result.department, result.categories, result.submitted_by) == (
        dept_a,
        [ResultCategory.UNREACHABLE],
        me.user,
    )
    assert result.inspected_on == dt.date(2026, 11, 22)
    assert ResultEvidence.objects.filter(result=result).count() == 1
    proposal = ListProposal.objects.get(entity_id=task.entity_id)
    assert (proposal.list_type, proposal.ground, proposal.department) == (
        ListType.ABNORMAL,
        ListGround.UNREACHABLE,
        dept_a,
    )
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED
    # And the page says so, with the follow-up
    html = client.get(response["Location"]).content.decode()
    assert "检查结果已提交" in html and "拟列入经营异常名录" in html and "通过登记的住所或者经营场所无法联系" in html
    assert "两次到登记住所均无人" in html and "1 个文件" in html


def test_submit_not_published_orders_correction_with_a_deadline(client, field_world, dept_a):
    task = field_world["tasks"][0]
    client.force_login(members_of(task)[0].user)
    response = post_result(
        client,
        task,
        categories=[ResultCategory.NOT_PUBLISHED, ResultCategory.PROBLEM_PENDING],
        findings="未公示2025年度报告。",
    )
    assert response.status_code == 302
    order = CorrectionOrder.objects.get(entity_id=task.entity_id)
    # 10 working days after Sun 2026-11-22: 11-23..27 (5), 11-30..12-04 (10)
    assert order.department == dept_a and order.due_on == dt.date(2026, 12, 4)
    result = InspectionResult.objects.get(task=task)
    assert result.needs_case is True
    assert not ListProposal.objects.exists()
    html = client.get(task_url(task)).content.decode()
    assert "责令改正" in html and f"{order.due_on.year}年{order.due_on.month}月{order.due_on.day}日" in html
    assert "建议立案" in html


def test_no_problem_with_another_category_is_refused(client, field_world):
    task = field_world["tasks"][0]
    client.force_login(members_of(task)[0].user)
    response = post_result(
        client, task, categories=[ResultCategory.NO_PROBLEM, ResultCategory.NOT_PUBLISHED], findings="情况"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "“未发现问题”不能与其他结果同时选择" in html and "提交未成功" in html
    assert not InspectionResult.objects.exists()


def test_service_rules_come_back_on_the_form(client, field_world):
    task = field_world["tasks"][0]
    client.force_login(members_of(task)[0].user)
    # findings are required when something was found; a future date is refused
    html = post_result(client, task, categories=[ResultCategory.FALSE_INFO], inspected_on="2026-11-30").content.decode()
    assert "发现问题或异常情况时须填写检查情况" in html and "检查日期不能晚于今天" in html
    html = post_result(client, task, categories=[], inspected_on="不是日期").content.decode()
    assert "请至少选择一项检查结果" in html and "请填写有效的检查日期" in html
    assert not InspectionResult.objects.exists()


def test_evidence_must_really_be_jpg_png_or_pdf(client, field_world):
    task = field_world["tasks"][0]
    client.force_login(members_of(task)[0].user)
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    html = post_result(client, task, categories=[ResultCategory.NO_PROBLEM], files=[fake]).content.decode()
    assert "“照片.jpg”不是 JPG、PNG 照片或 PDF 文件" in html
    assert not InspectionResult.objects.exists()
    # a camera file with any name is fine when its bytes are a photo; PDFs too
    files = [
        SimpleUploadedFile("IMG_0001", PNG, content_type="image/png"),
        SimpleUploadedFile("笔录.pdf", PDF, content_type="application/pdf"),
    ]
    assert post_result(client, task, categories=[ResultCategory.NO_PROBLEM], files=files).status_code == 302
    assert ResultEvidence.objects.filter(result__task=task).count() == 2


def test_evidence_limits_size_and_count(client, field_world):
    task = field_world["tasks"][0]
    client.force_login(members_of(task)[0].user)
    big = SimpleUploadedFile("大图.jpg", JPG + b"\x00" * EVIDENCE_MAX_BYTES, content_type="image/jpeg")
    assert (
        "“大图.jpg”超过 10 MB"
        in post_result(client, task, categories=[ResultCategory.NO_PROBLEM], files=[big]).content.decode()
    )
    many = [SimpleUploadedFile(f"{n}.jpg", JPG, content_type="image/jpeg") for n in range(11)]
    assert (
        "现场证据最多 10 个文件，本次选择了 11 个"
        in post_result(client, task, categories=[ResultCategory.NO_PROBLEM], files=many).content.decode()
    )
    assert not InspectionResult.objects.exists()


def test_a_second_submission_of_my_department_is_not_taken(client, field_world):
    task = field_world["tasks"][0]
    first, second = members_of(task)
    client.force_login(first.user)
    post_result(client, task, categories=[ResultCategory.NO_PROBLEM])
    client.force_login(second.user)
    response = post_result(client, task, categories=[ResultCategory.UNREACHABLE], findings="x")
    assert response.status_code == 302
    assert list(InspectionResult.objects.values_list("categories", flat=True)) == [[ResultCategory.NO_PROBLEM]]
    assert "已录入该任务的检查结果" in client.get(task_url(task)).content.decode()


# --- co-inspector confirmation ------------------------------------------------------------------


def test_co_inspector_confirms_the_result(client, field_world):
    # Given a result entered by one member of department A
    task = field_world["tasks"][0]
    submitter, co = members_of(task)
    client.force_login(submitter.user)
    post_result(client, task, categories=[ResultCategory.NO_PROBLEM])
    assert (
        "确认检查结果</button>" not in client.get(task_url(task)).content.decode()
    )  # the submitter does not confirm their own entry
    # When the other member opens the task, they see the button and confirm
    client.force_login(co.user)
    html = client.get(task_url(task)).content.decode()
    assert "确认检查结果</button>" in html and "待确认" in html
    response = client.post(f"/field/tasks/{task.pk}/confirm/")
    assert response.status_code == 302
    # Then the confirmation is recorded and shown
    member = TeamMember.objects.get(task=task, inspector=co)
    assert member.confirmed_at is not None
    html = client.get(task_url(task)).content.decode()
    assert "已确认本部门的检查结果" in html and "确认检查结果</button>" not in html and "已确认 11月22日" in html
    assert "已录入，我已确认" in client.get(TASKS_URL).content.decode()


def test_confirmation_before_a_result_is_refused(client, field_world):
    task = field_world["tasks"][0]
    client.force_login(members_of(task)[1].user)
    response = client.post(f"/field/tasks/{task.pk}/confirm/", follow=True)
    assert "本部门尚未录入检查结果" in response.content.decode()
    assert not TeamMember.objects.filter(confirmed_at__isnull=False).exists()
    assert client.get(f"/field/tasks/{task.pk}/confirm/").status_code == 405


# --- query budgets (STYLE.md rule 14) -----------------------------------------------------------


def test_task_list_query_budget(
    client,
    frozen_today,
    make_plan,
    make_item,
    graded_entities,
    make_inspector,
    django_user_model,
    dept_a,
    django_assert_max_num_queries,
):
    # Given one inspector on 8 tasks (team of two, two inspectors), some with results
    graded_entities(8, industry_code="I6513")
    users = [django_user_model.objects.create_user(username=f"u{n}", password="pw-Secret-123") for n in range(2)]
    inspectors = [make_inspector(dept_a, user=u) for u in users]
    draw = services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("1")))
    for task in draw.tasks.all()[:3]:
        services.result_submit(actor=users[0], task=task, department=dept_a, categories=[ResultCategory.NO_PROBLEM])
    client.force_login(inspectors[1].user)
    with django_assert_max_num_queries(5):  # session, user, inspector, tasks (+1 spare): not one per task
        html = client.get(TASKS_URL).content.decode()
    assert html.count('class="task-card') == 8 and "待我确认" in html


def test_task_page_query_budget(client, field_world, dept_a, django_assert_max_num_queries):
    task = field_world["tasks"][0]
    submitter, co = members_of(task)
    services.result_submit(
        actor=submitter.user,
        task=task,
        department=dept_a,
        categories=[ResultCategory.NOT_PUBLISHED, ResultCategory.UNREACHABLE],
        findings="未公示年报，住所无法联系。",
    )
    client.force_login(co.user)
    with django_assert_max_num_queries(12):
        response = client.get(task_url(task))
    assert response.status_code == 200
    client.force_login(outsider_of(task, field_world["inspectors"]).user)
    with django_assert_max_num_queries(5):
        assert client.get(task_url(task)).status_code == 404

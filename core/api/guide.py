"""The API guide, ``/api/guide/`` (issue 18 §1.7): what a developer of another department's system
reads before calling the API. Derived from API.md and the code; ``tests/api/test_api_guide.py`` checks
that every path in the OpenAPI schema appears here, so a new endpoint cannot go undocumented.

The endpoint table is written here, not generated from the schema, so each endpoint says what it is
for in a sentence; the rate limits and page sizes are read from the settings and the paginator.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.api.pagination import PagePagination
from core.api.schema import EXAMPLE_USCC
from core.choices import Scope

NONE = _("无需密钥")

# (group title, [(method, path, scope or NONE, purpose)]); paths are written as in the schema.
ENDPOINTS = [
    (
        _("市场主体与信用"),
        [
            (
                "GET",
                "/api/v1/entities/",
                Scope.CREDIT_READ,
                _("按名称（子串）、统一社会信用代码或其前缀检索主体，可按地区、行业、主体类型、信用等级筛选。"),
            ),
            (
                "GET",
                "/api/v1/entities/{uscc}/",
                Scope.CREDIT_READ,
                _("主体档案：基本信息、当前信用等级及理由、信用风险分类（内部参考）、在列名单、公示记录条数。"),
            ),
            (
                "GET",
                "/api/v1/entities/{uscc}/credit-records/",
                Scope.CREDIT_READ,
                _("该主体的信用记录；active=true 只返回公示中的记录。"),
            ),
            (
                "GET",
                "/api/v1/entities/{uscc}/grade-history/",
                Scope.CREDIT_READ,
                _("信用等级和信用分的历次变化及评价模型版本。"),
            ),
            (
                "GET",
                "/api/v1/entities/{uscc}/credit-report",
                Scope.CREDIT_READ,
                _("即时出具公共信用信息报告（PDF），可在核验页面查验。"),
            ),
            (
                "GET",
                "/api/v1/lists/{list_type}/",
                Scope.CREDIT_READ,
                _("名单记录：abnormal、serious、key_attention、red；active=false 含已移出的。"),
            ),
            (
                "POST",
                "/api/v1/credit-checks/",
                Scope.CREDIT_READ,
                _("逢办必查：1 至 1000 个代码的等级及理由、在列名单和适用的联合奖惩措施；每个代码都记入查询日志。"),
            ),
            (
                "POST",
                "/api/v1/credit-records/",
                Scope.RECORDS_WRITE,
                _("推送本部门的信用记录，至多 5000 条，整批有效才保存。"),
            ),
        ],
    ),
    (
        _("抽查与处罚"),
        [
            ("GET", "/api/v1/inspection-plans/", Scope.INSPECTIONS_READ, _("已公布的双随机抽查计划。")),
            (
                "GET",
                "/api/v1/inspection-plans/{id}/",
                Scope.INSPECTIONS_READ,
                _("计划详情及全部摇号记录（种子、名录文件哈希、分层和抽中主体）。"),
            ),
            (
                "GET",
                "/api/v1/draws/{id}/population.csv",
                Scope.INSPECTIONS_READ,
                _("某次摇号的名录文件，与计算哈希时的文件逐字节相同。"),
            ),
            (
                "GET",
                "/api/v1/inspection-results/",
                Scope.INSPECTIONS_READ,
                _("已公示的抽查结果，可按 uscc、plan、since 筛选。"),
            ),
            ("GET", "/api/v1/penalties/", Scope.ENFORCEMENT_READ, _("已公示并脱敏的行政处罚决定摘要。")),
        ],
    ),
    (
        _("变更、推送与数据交换"),
        [
            (
                "GET",
                "/api/v1/changes/",
                _("任一查询权限"),
                _("按提交顺序拉取变更事件：从上次的 next_cursor 继续读取；超出保留期返回 410。"),
            ),
            ("GET", "/api/v1/webhooks/", _("任一密钥"), _("本系统的推送订阅。")),
            ("POST", "/api/v1/webhooks/", _("任一密钥"), _("登记接收地址和事件类型；签名密钥只在本次返回。")),
            ("GET", "/api/v1/webhooks/{id}/", _("任一密钥"), _("一个推送订阅。")),
            ("DELETE", "/api/v1/webhooks/{id}/", _("任一密钥"), _("删除订阅，不再推送。")),
            (
                "POST",
                "/api/v1/webhooks/{id}/enable/",
                _("任一密钥"),
                _("重新启用已停用的订阅；停用期间的事件请用 /api/v1/changes/ 补齐。"),
            ),
            ("POST", "/api/v1/webhooks/{id}/rotate-secret/", _("任一密钥"), _("更换签名密钥，自下一次推送起生效。")),
            (
                "GET",
                "/api/v1/exchange/shuanggongshi/",
                Scope.RECORDS_WRITE,
                _("本部门的“双公示”数据文件（全国统一字段），JSON、CSV 或 XLSX。"),
            ),
        ],
    ),
    (
        _("公众办事（无需密钥，按来源 IP 限流）"),
        [
            (
                "POST",
                "/api/v1/complaints/",
                NONE,
                _("投诉举报；返回受理编号和查询码。热线系统凭 complaints:write 密钥报送工单。"),
            ),
            ("GET", "/api/v1/complaints/{tracking_no}/", NONE, _("凭受理编号和查询码查询投诉举报的办理状态和结果。")),
            (
                "POST",
                "/api/v1/objections/",
                NONE,
                _("对一条信用记录（record_id）或名单记录（list_entry_id）提出异议。"),
            ),
            ("GET", "/api/v1/objections/{tracking_no}/", NONE, _("查询异议的办理状态、期限和结果。")),
            (
                "POST",
                "/api/v1/repair-applications/",
                NONE,
                _("申请修复一条信用记录；不可能成功的申请返回 400 并说明原因。"),
            ),
            ("GET", "/api/v1/repair-applications/{tracking_no}/", NONE, _("查询信用修复申请的办理状态和决定理由。")),
            (
                "POST",
                "/api/v1/list-exit-applications/",
                NONE,
                _("申请移出名单（list_entry_id、applicant_name、contact_phone、reason）。"),
            ),
            ("GET", "/api/v1/list-exit-applications/{tracking_no}/", NONE, _("查询移出名单申请的状态和决定理由。")),
        ],
    ),
    (
        _("开放接口（只含公开事实，无需密钥，按来源 IP 限流）"),
        [
            ("GET", "/api/open/v1/entities/", NONE, _("检索市场主体；不带 q 时可用游标读取全部主体。")),
            ("GET", "/api/open/v1/entities/{uscc}/", NONE, _("主体档案：公开主体页面上的全部信息，且仅此而已。")),
            ("GET", "/api/open/v1/penalties/", NONE, _("公示期内的行政处罚决定摘要（已脱敏）。")),
            ("GET", "/api/open/v1/penalties/{id}/", NONE, _("一条行政处罚公示。")),
            ("GET", "/api/open/v1/acts/", NONE, _("行政许可和其他行政行为的公示信息。")),
            ("GET", "/api/open/v1/lists/", NONE, _("公开的名单及在列主体数。")),
            ("GET", "/api/open/v1/lists/{list_type}/", NONE, _("某一名单当前在列的主体。")),
            ("GET", "/api/open/v1/inspection-plans/", NONE, _("已公布的抽查计划。")),
            ("GET", "/api/open/v1/inspection-plans/{id}/", NONE, _("一个抽查计划及其公开的摇号记录。")),
            (
                "GET",
                "/api/open/v1/inspection-draws/{id}/selection/",
                NONE,
                _("一次摇号抽中的全部主体（不含风险分类）。"),
            ),
            ("GET", "/api/open/v1/inspection-results/", NONE, _("已公示的抽查结果。")),
            ("GET", "/api/open/v1/rules/departments/", NONE, _("公开监管规则的部门。")),
            ("GET", "/api/open/v1/rules/departments/{code}/", NONE, _("一个部门的监管规则概况。")),
            ("GET", "/api/open/v1/rules/items/", NONE, _("监管事项清单（全部版本）和检查实施清单。")),
            ("GET", "/api/open/v1/rules/items/{catalogue_code}/", NONE, _("一个监管事项的全部版本。")),
            ("GET", "/api/open/v1/rules/benchmarks/", NONE, _("自由裁量基准。")),
            ("GET", "/api/open/v1/rules/measures/", NONE, _("联合奖惩措施清单：适用名单、依据和实施部门。")),
        ],
    ),
]

ERRORS = [
    (
        "400",
        "validation_error",
        _(
            "请求无效：每个错误给出 attr（字段）和 detail；批量接口另给出出错条目的 index（从 0 开始），且一次列出全部错误。"
        ),
    ),
    ("401", "client_error", _("缺少密钥、密钥无效或已吊销（code 为 not_authenticated 或 authentication_failed）。")),
    ("403", "client_error", _("密钥有效，但该接口客户端没有本接口所需的权限范围（permission_denied）。")),
    ("404", "client_error", _("未找到；公众办事的查询码错误与受理编号不存在答复相同。")),
    ("410", "client_error", _("变更事件的游标已超出保留期：请从头同步。")),
    ("422", "client_error", _("同一 Idempotency-Key 用于不同的请求体（idempotency_key_reused）。")),
    ("429", "client_error", _("请求过于频繁：响应头 Retry-After 给出需等待的秒数。")),
    ("500", "server_error", _("服务器内部错误，请稍后重试。")),
]


def api_guide(request):
    """The API guide page (public, server-rendered)."""
    rest = settings.REST_FRAMEWORK
    rates = rest.get("DEFAULT_THROTTLE_RATES", {})
    scopes = [(s.value, s.label) for s in Scope]
    context = {
        "groups": ENDPOINTS,
        "errors": ERRORS,
        "scopes": scopes,
        "client_rate": rates.get("client", ""),
        "anon_rate": rates.get("anon", ""),
        "page_size": PagePagination.page_size,
        "max_page_size": PagePagination.max_page_size,
        "uscc": EXAMPLE_USCC,
        "base": request.build_absolute_uri("/").rstrip("/"),
    }
    return render(request, "api/guide.html", context)

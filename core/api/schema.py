"""The OpenAPI schema as people read it (issue 18 §1.7): Chinese tags with descriptions, real examples,
and the errors every endpoint can answer (401, 403, 429) in the one error shape (API.md).

- ``PortalAutoSchema`` (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) adds 401, 403 and 429 to each operation
  that can answer them, with an example body and ``Retry-After`` on 429.
- ``postprocess`` (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) names the tags, writes the info text
  (which links the API guide, /api/guide/) and fills property examples by name and format, so Swagger
  UI shows ``"91410100MA45XK8R0H"`` and ``"5000.00"`` instead of ``"string"``.

Every text is ``gettext_lazy``: ``/api/schema/?lang=en`` (drf-spectacular) gives the English.
"""

from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.openapi import AutoSchema

from core.api.auth import ApiKeyAuthentication
from core.api.filings import ApiErrorSerializer
from core.api.permissions import HasScope

# A real-looking USCC of a Zhengzhou enterprise whose check characters are valid (GB 32100-2015).
EXAMPLE_USCC = "91410100MA45XK8R0H"
EXAMPLE_DATE = "2026-11-22"
EXAMPLE_DATETIME = "2026-11-22T10:00:00+08:00"

# Operation tags in the code → (the name shown, what the group is for).
TAGS = {
    "entities": (
        pgettext_lazy("API tag", "市场主体"),  # a group of endpoints: plural in English
        _("按名称、统一社会信用代码或其前缀检索市场主体；主体档案含当前信用等级及理由、在列名单和公示记录条数。"),
    ),
    "credit": (
        _("信用"),
        _("主体的信用记录、等级变化、信用名单、逢办必查批量核查、信用记录推送和信用报告（PDF）。"),
    ),
    "inspections": (_("双随机抽查"), _("已公布的抽查计划、每次抽取的种子和名录库摘要、抽查结果。")),
    "enforcement": (_("行政处罚"), _("已公示并脱敏的行政处罚信息。")),
    "public filings": (
        _("公众办事"),
        _("投诉举报、信用异议、信用修复和移出名单申请：无需密钥，按来源 IP 限流；凭受理编号和查询码查询办理进度。"),
    ),
    "开放接口（免密钥）": (
        _("开放接口（免密钥）"),
        _("只含公开事实的开放接口：主体、处罚、名单、行政行为、抽查和监管规则。无需密钥，按来源 IP 限流。"),
    ),
    "变更订阅": (_("变更订阅"), _("按提交顺序拉取变更事件（游标分页），超出保留期返回 410。")),
    "推送订阅": (_("推送订阅"), _("管理本系统的推送订阅：平台把变更事件以签名的 HTTP POST 推送到订阅地址。")),
    "数据交换": (_("数据交换"), _("本部门的“双公示”数据文件（全国统一字段），JSON、CSV 或 XLSX。")),
}

# Property name → example value (strings only where the schema says string).
EXAMPLES_BY_NAME = {
    "uscc": EXAMPLE_USCC,
    "entity_uscc": EXAMPLE_USCC,
    "usccs": [EXAMPLE_USCC, "91110000710926094P"],
    "name": "郑州市金水区惠民餐饮管理有限公司",
    "entity_name": "郑州市金水区惠民餐饮管理有限公司",
    "purpose": "政府采购",
    "amount": "5000.00",
    "fine_amount": "5000.00",
    "confiscated_amount": "1200.00",
    "source_ref": "郑市监罚〔2026〕12号",
    "decision_no": "郑市监罚〔2026〕12号",
    "title": "未按规定公示年度报告",
    "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
    "tracking_no": "YY20261122-483920",
    "query_code": "482915",
    "code": "482915",
    "applicant_name": "张三",
    "contact_name": "张三",
    "contact_phone": "13800000000",
    "reason": "该处罚已依法履行完毕，申请更正公示信息。",
    "content": "在该店购买的熟食已过保质期。",
    "region": "410105",
    "industry": "H62",
    "seed": "9f2c4b0e7d1a5c3e8b6f0a2d4c6e8f1a3b5d7c9e0f2a4b6c8d0e2f4a6b8c0d2e",
    "population_sha256": "3e1f5a7c9b2d4f6a8c0e2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d2f4a",
    "label": "良好",
    "status_label": "已受理",
    "department": "郑州市市场监督管理局",
}
EXAMPLES_BY_FORMAT = {
    "date": EXAMPLE_DATE,
    "date-time": EXAMPLE_DATETIME,
    "uri": "https://xy.zhengzhou.example.gov.cn/api/v1/entities/?page=2",
    "decimal": "5000.00",
}


def error_example(code: str, detail: str) -> dict:
    return {"type": "client_error", "errors": [{"code": code, "detail": detail, "attr": None}]}


def _keyed(view) -> bool:
    """True when the view refuses a request without a key (a scope, or a permission of its own)."""
    if getattr(view, "required_scope", None):
        return True
    return any(not issubclass(p, HasScope) for p in getattr(view, "permission_classes", ()))


def _authenticates(view) -> bool:
    return any(issubclass(a, ApiKeyAuthentication) for a in getattr(view, "authentication_classes", ()))


def _throttled(view) -> bool:
    return bool(getattr(view, "throttle_classes", ()))


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema with the error answers every endpoint shares (API.md)."""

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        if direction != "response":
            return bodies
        ref = self.resolve_serializer(ApiErrorSerializer, "response").ref
        keyed, authenticates = _keyed(self.view), _authenticates(self.view)
        errors = []
        if authenticates:
            errors.append(
                (
                    "401",
                    _t("未认证：缺少密钥、密钥无效或已吊销（Authorization: Bearer <密钥>）")
                    if keyed
                    else _t("本接口无需密钥；如带了密钥，而密钥无效或已吊销，则为 401"),
                    error_example("not_authenticated", _t("需要接口密钥：Authorization: Bearer <密钥>")),
                    {},
                )
            )
        if keyed:
            errors.append(
                (
                    "403",
                    _t("无权限：该接口客户端没有本接口所需的权限范围（scope）"),
                    error_example(
                        "permission_denied", _t("该接口客户端没有“%(scope)s”权限") % {"scope": "credit:read"}
                    ),
                    {},
                )
            )
        if _throttled(self.view):
            errors.append(
                (
                    "429",
                    _t("请求过于频繁：按客户端（带密钥）或来源 IP（不带密钥）限流，Retry-After 头给出等待秒数"),
                    error_example("throttled", _t("请求过于频繁，请在 %(n)s 秒后重试") % {"n": 30}),
                    {"Retry-After": {"schema": {"type": "integer"}, "description": _t("需等待的秒数")}},
                )
            )
        for status, description, example, headers in errors:
            response = {
                "description": description,
                "content": {"application/json": {"schema": ref, "examples": {status: {"value": example}}}},
            }
            if headers:
                response["headers"] = headers
            previous = bodies.get(status)
            if previous is None:
                bodies[status] = response
            else:
                # An endpoint's own description stays; the shared example is added.
                content = previous.setdefault("content", {}).setdefault("application/json", {"schema": ref})
                content.setdefault("examples", {}).setdefault(status, {"value": example})
                if headers:
                    previous.setdefault("headers", {}).update(headers)
        return bodies


def _fill_examples(schema: dict, name: str | None = None) -> None:
    if not isinstance(schema, dict) or "example" in schema or "$ref" in schema:
        return
    kind = schema.get("type")
    if kind == "object":
        for prop, sub in (schema.get("properties") or {}).items():
            _fill_examples(sub, prop)
        return
    if kind == "array" and name in EXAMPLES_BY_NAME and isinstance(EXAMPLES_BY_NAME[name], list):
        schema["example"] = EXAMPLES_BY_NAME[name]
        return
    if kind == "array":
        _fill_examples(schema.get("items"), None)
        return
    if kind != "string" or "enum" in schema:
        return
    value = EXAMPLES_BY_NAME.get(name)
    if isinstance(value, str):
        schema["example"] = value
    elif schema.get("format") in EXAMPLES_BY_FORMAT:
        schema["example"] = EXAMPLES_BY_FORMAT[schema["format"]]
    elif schema.get("pattern", "").startswith("^-?\\d{0,"):
        schema["example"] = EXAMPLES_BY_FORMAT["decimal"]  # DRF DecimalField: money in yuan


def postprocess(result, generator, request, public):
    """SPECTACULAR_SETTINGS hook: tag names and descriptions, info text, examples (see the module)."""
    used = []
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "tags" not in operation:
                continue
            names = []
            for tag in operation["tags"]:
                name = str(TAGS[tag][0]) if tag in TAGS else tag
                names.append(name)
                if tag not in used:
                    used.append(tag)
            operation["tags"] = names
    order = [t for t in TAGS if t in used] + [t for t in used if t not in TAGS]
    result["tags"] = [
        {"name": str(TAGS[t][0]), "description": str(TAGS[t][1])} if t in TAGS else {"name": t} for t in order
    ]
    guide = reverse("api-guide")
    result.setdefault("info", {})
    result["info"]["title"] = _t("综合监管平台 API")
    result["info"]["description"] = _t(
        "供其他部门系统调用的接口：逢办必查、信用记录推送、公开结果和公众办事。"
        "认证、权限范围、约定、错误格式和调用示例见[接口使用指南](%(guide)s)。"
        "本说明另有英文版：在地址后加 ?lang=en。"
    ) % {"guide": guide}
    for schema in result.get("components", {}).get("schemas", {}).values():
        _fill_examples(schema)
    return result

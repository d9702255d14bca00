"""The data dictionary and the licence of the bulk open data (issue 15 §2).

One entry per dataset: its title, what it holds, the rule that selects its rows (the same public
selector the public pages read) and, in column order, every field with its type and meaning. The
writer (``opendata.dumps``) takes its column order from here, so the files, the dictionary page
and ``/open-data/dictionary.json`` cannot disagree: a column missing here cannot be written.
"""

from dataclasses import dataclass

# Types as the files carry them (CSV: text; JSON Lines: the JSON type in brackets).
TYPES = {
    "text": "文本（字符串）",
    "integer": "整数（数值）",
    "decimal": '小数（以字符串表示，不丢精度，如 "50000.00"）',
    "date": "日期（字符串，YYYY-MM-DD）",
    "datetime": "日期时间（字符串，ISO 8601，东八区，如 2026-12-06T10:30:00+08:00）",
    "boolean": "布尔（CSV 中 t 为是、f 为否；JSON 中 true/false）",
    "text[]": "文本数组（CSV 中为 {a,b} 形式；JSON 中为数组）",
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    meaning: str


@dataclass(frozen=True)
class Dataset:
    code: str
    title: str
    description: str
    source: str  # the rule that selects the rows, in words (and the selector, for the curious)
    fields: tuple[Field, ...]

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


def f(name: str, type_: str, meaning: str) -> Field:
    assert type_ in TYPES, type_
    return Field(name, type_, meaning)


DEPARTMENT = (f("department_name", "text", "部门名称"), f("department_uscc", "text", "部门统一社会信用代码"))

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        code="entities",
        title="市场主体及其公共信用综合评价等级",
        description="检查对象名录库中的全部市场主体的公开登记信息，以及当前的公共信用综合评价等级和分数。",
        source=(
            "名录库全部市场主体，只取公开字段（不含法定代表人证件号码、联系电话等）；等级为当前评价结果，"
            "只计入评价时已公示的信息，不含内部信用风险分类（supervision.selectors.public_entities，"
            "credit.selectors.grade_badge）。与主体信用页面所示一致。"
        ),
        fields=(
            f("uscc", "text", "统一社会信用代码（GB 32100-2015）"),
            f("name", "text", "名称"),
            f("entity_type", "text", "主体类型代码"),
            f("entity_type_label", "text", "主体类型（企业、个体工商户、农民专业合作社等）"),
            f("status", "text", "登记状态代码"),
            f("status_label", "text", "登记状态"),
            f("legal_representative", "text", "法定代表人（负责人、经营者）"),
            f("registered_address", "text", "住所（经营场所）"),
            f("region_code", "text", "行政区划代码（6位）"),
            f("industry_code", "text", "行业代码（GB/T 4754）"),
            f("registered_capital", "decimal", "注册资本（万元）"),
            f("established_on", "date", "成立日期"),
            f(
                "grade",
                "text",
                "信用等级代码：GOOD 良好、WARNING 警示、DISHONEST 失信、SERIOUSLY_DISHONEST 严重失信；未评价为空",
            ),
            f("grade_label", "text", "信用等级名称（取自评价模型）"),
            f("grade_colour", "text", "等级颜色：green 绿、yellow 黄、red 红、black 黑"),
            f("score", "integer", "信用分（0–1000，同一等级内排序用）"),
            f("grade_changed_at", "datetime", "等级更新时间"),
            f("grade_model_version", "integer", "评价模型版本号"),
        ),
    ),
    Dataset(
        code="penalties",
        title="行政处罚信息（公示中）",
        description="公示期内的行政处罚决定摘要（双公示），已按规定脱敏；与“行政处罚公示”页面所列一致。",
        source=(
            "状态为已公示、公示截止日期不早于数据日期的处罚决定摘要；未公示、不予公示（未成年人、简易程序、仅警告）、"
            "已撤回、已信用修复或提前停止公示的均不含（enforcement.selectors.public_penalties；"
            "国办发〔2018〕118号，市场监管总局令第45号）。"
        ),
        fields=(
            f("id", "integer", "公示编号（页面 /penalties/<id>/）"),
            f("number", "text", "行政处罚决定书文号"),
            f("uscc", "text", "当事人统一社会信用代码"),
            f("party_name", "text", "当事人名称"),
            f("legal_representative", "text", "法定代表人"),
            f("violation_type", "text", "违法行为类型"),
            f("facts", "text", "主要违法事实（已脱敏）"),
            f("legal_basis", "text", "处罚依据"),
            f("penalty_types", "text[]", "处罚种类代码"),
            f("penalty_types_label", "text", "处罚种类（以“、”分隔）"),
            f("penalty_content", "text", "处罚内容（已脱敏）"),
            f("fine_amount", "decimal", "罚款金额（元）"),
            f("confiscation_amount", "decimal", "没收违法所得、没收非法财物的金额（元）"),
            f("decided_on", "date", "处罚决定日期"),
            f("publicity_ends_on", "date", "公示截止日期"),
            f("period_basis", "text", "公示期限依据"),
            f("published_at", "datetime", "公示时间"),
            f("featured", "boolean", "是否入选曝光台典型案例"),
            *DEPARTMENT,
        ),
    ),
    Dataset(
        code="lists",
        title="信用名单（在列）",
        description="经营异常名录、严重违法失信名单、重点关注对象名单和守信激励对象名单中当前在列的主体。",
        source=(
            "四类公开名单中已列入、尚未移出的条目（credit.selectors.public_list_entries）；已移出的条目不在公开页面展示，"
            "也不在本数据集中。与“信用名单”页面所列一致。"
        ),
        fields=(
            f("id", "integer", "名单条目编号"),
            f("list_type", "text", "名单类型代码：abnormal、serious、key_attention、red"),
            f("list_type_label", "text", "名单类型"),
            f("uscc", "text", "统一社会信用代码"),
            f("entity_name", "text", "主体名称（取自名录库；名录库尚无该主体时为空）"),
            f("ground", "text", "列入事由代码"),
            f("ground_label", "text", "列入事由"),
            f("legal_basis", "text", "列入依据"),
            f("decision_no", "text", "列入决定书文号"),
            f("decided_on", "date", "列入决定日期"),
            f("listed_on", "date", "列入日期"),
            *DEPARTMENT,
        ),
    ),
    Dataset(
        code="acts",
        title="行政许可和其他行政行为信息（公示中）",
        description="行政许可，以及行政强制、确认、征收、给付、裁决、补偿、奖励等其他行政行为的公示信息。",
        source=(
            "状态有效、予以公示、已作出且公示期未满的行政许可及其他行政行为信用记录，不含已修复或撤销的"
            "（credit.selectors.public_acts）。与“行政行为公示”页面所列一致；行政处罚见 penalties。"
        ),
        fields=(
            f("id", "integer", "记录编号"),
            f("source_ref", "text", "文号（编号），来源部门内唯一"),
            f("category", "text", "行为类别代码"),
            f("category_label", "text", "行为类别"),
            f("uscc", "text", "行政相对人统一社会信用代码"),
            f("entity_name", "text", "行政相对人名称（取自名录库；名录库尚无该主体时为空）"),
            f("title", "text", "标题"),
            f("content", "text", "内容"),
            f("legal_basis", "text", "依据"),
            f("amount", "decimal", "金额（元），无则为空"),
            f("decided_on", "date", "决定日期"),
            f("publicity_ends_on", "date", "公示截止日期"),
            *DEPARTMENT,
        ),
    ),
    Dataset(
        code="inspection_results",
        title="双随机抽查检查结果（已公示）",
        description="“双随机、一公开”抽查中各部门已公示的检查结果。",
        source=(
            "状态为已公示的检查结果（inspections.selectors.public_results；国办发〔2018〕118号：检查结果"
            "20个工作日内公示）。与抽查计划页面和主体页面所示一致；不含摇号分层（风险分类）。"
        ),
        fields=(
            f("id", "integer", "检查结果编号"),
            f("plan_id", "integer", "抽查计划编号（页面 /inspections/plans/<id>/）"),
            f("plan_name", "text", "抽查计划名称"),
            f("uscc", "text", "被检查主体统一社会信用代码"),
            f("entity_name", "text", "被检查主体名称"),
            f("categories", "text[]", "检查结果代码（可多选）"),
            f("categories_label", "text", "检查结果（以“、”分隔）"),
            f("findings", "text", "检查情况"),
            f("inspected_on", "date", "检查日期"),
            f("out_of_window_reason", "text", "超出计划检查期间的原因"),
            f("published_at", "datetime", "公示时间"),
            *DEPARTMENT,
        ),
    ),
    Dataset(
        code="rules_items",
        title="监管规则：监管事项清单（含各版本）",
        description="各部门的监管事项（主项、子项）及其每个版本的设定依据、监管方式、抽查频次等（明规矩于前）。",
        source=(
            "启用部门的、在施行或已公布将施行的监管事项的全部版本（过去、现行和将施行的）；不含责任人姓名"
            "（opendata.rulebook.public_items）。与“监管规则”页面所列一致。"
        ),
        fields=(
            f("catalogue_code", "text", "事项编码（国家“互联网+监管”事项目录，14位）"),
            f("name", "text", "事项名称"),
            f("parent_catalogue_code", "text", "所属主项编码（主项本身为空）"),
            f("version", "integer", "版本号"),
            f("effective_from", "date", "生效日期"),
            f("effective_to", "date", "失效日期（仍有效为空）"),
            f("object_type", "text", "监管对象代码"),
            f("object_type_label", "text", "监管对象"),
            f("method", "text", "监管方式代码"),
            f("method_label", "text", "监管方式"),
            f("legal_basis", "text", "设定依据"),
            f("supervision_level", "text", "监管层级代码"),
            f("supervision_level_label", "text", "监管层级"),
            f("procedure", "text", "监管流程"),
            f("standard", "text", "监管标准"),
            f("responsible_unit", "text", "责任单位"),
            f("is_random", "boolean", "是否随机抽查事项"),
            f("is_key", "boolean", "是否重点监管（全覆盖，不抽样）"),
            f("default_ratio", "decimal", "默认抽查比例（0–1）"),
            f("frequency", "text", "抽查频次代码"),
            f("frequency_label", "text", "抽查频次"),
            *DEPARTMENT,
        ),
    ),
    Dataset(
        code="rules_checklists",
        title="监管规则：检查实施清单",
        description="监管事项的检查实施清单：检查内容和检查方式。",
        source=(
            "上述公开监管事项的检查实施清单（opendata.rulebook.public_items）；清单编码为实施部门统一社会信用代码加1位数字。"
        ),
        fields=(
            f("code", "text", "检查实施清单编码"),
            f("name", "text", "名称"),
            f("item_catalogue_code", "text", "所属监管事项编码"),
            f("item_name", "text", "所属监管事项名称"),
            f("content", "text", "检查内容"),
            f("method", "text", "检查方式代码"),
            f("method_label", "text", "检查方式"),
            *DEPARTMENT,
        ),
    ),
    Dataset(
        code="rules_benchmarks",
        title="监管规则：行政处罚自由裁量基准（含各版本）",
        description="按违法行为划分的处罚依据和从轻、一般、从重情形的罚款幅度。",
        source="启用部门的、现行和已公布将施行的自由裁量基准（opendata.rulebook.public_benchmarks）。",
        fields=(
            f("code", "text", "基准编号"),
            f("violation_type", "text", "违法行为"),
            f("violation_basis", "text", "违法依据"),
            f("penalty_basis", "text", "处罚依据"),
            f("lighter_min", "decimal", "从轻：罚款下限（元）"),
            f("lighter_max", "decimal", "从轻：罚款上限（元）"),
            f("general_min", "decimal", "一般：罚款下限（元）"),
            f("general_max", "decimal", "一般：罚款上限（元）"),
            f("heavier_min", "decimal", "从重：罚款下限（元）"),
            f("heavier_max", "decimal", "从重：罚款上限（元）"),
            f("heavy_penalty_types", "text[]", "从重情形可并处的处罚种类代码"),
            f("heavy_penalty_types_label", "text", "从重情形可并处的处罚种类（以“、”分隔）"),
            f("effective_from", "date", "生效日期"),
            f("effective_to", "date", "失效日期（仍有效为空）"),
            *DEPARTMENT,
        ),
    ),
    Dataset(
        code="rules_measures",
        title="监管规则：联合奖惩措施清单",
        description="列入各类名单的主体适用的联合惩戒和激励措施，及其依据和实施部门。",
        source="启用中的联合奖惩措施（opendata.rulebook.public_measures）。",
        fields=(
            f("code", "text", "措施代码"),
            f("name", "text", "措施名称"),
            f("kind", "text", "类型代码：punish 惩戒、reward 激励"),
            f("kind_label", "text", "类型"),
            f("list_types", "text", "适用名单代码（以“,”分隔）"),
            f("list_types_label", "text", "适用名单（以“、”分隔）"),
            f("legal_basis", "text", "依据"),
            f("implementing_department", "text", "实施部门"),
        ),
    ),
)

BY_CODE = {d.code: d for d in DATASETS}

FORMATS = {
    "csv.gz": {
        "label": "CSV（gzip 压缩，UTF-8 带 BOM）",
        "content_type": "application/gzip",
        "note": '首行为字段名；带 BOM，解压后可直接用 Excel 打开；空值为空，空字符串为 ""。',
    },
    "jsonl.gz": {
        "label": "JSON Lines（gzip 压缩，UTF-8）",
        "content_type": "application/gzip",
        "note": "每行一个 JSON 对象，键为字段名；无字段名行。",
    },
}

# 开放数据使用协议: attribution-only terms modelled on CC BY 4.0 (the licence of most government open
# data portals, e.g. data.gov.uk's OGL and NYC Open Data's terms), written out in Chinese.
LICENCE = {
    "name": "开放数据使用协议（署名）",
    "version": "1.0",
    "modelled_on": "知识共享 署名 4.0 国际许可协议（CC BY 4.0）",
    "attribution": "数据来源：郑州市事中事后综合监管平台（开放数据，数据日期 YYYY-MM-DD）",
    "terms": (
        "本平台开放数据可免费获取，任何单位和个人均可复制、传播、汇编、改编，并用于商业或非商业用途，无须另行申请。",
        "使用时应以合理方式注明数据来源和数据日期，如：“数据来源：郑州市事中事后综合监管平台（开放数据，数据日期 2026-12-06）”。"
        "改编或与其他数据汇编后发布的，应注明已作修改，不得暗示本平台认可使用者或其产品。",
        "开放数据仅反映数据日期当日公示的信息。行政处罚、信用名单等信息有公示期限，期满、信用修复、撤销或撤回后本平台即停止公示，"
        "使用者再次发布前应以最新文件为准，不得继续公示已停止公示的信息。",
        "不得利用开放数据从事违法活动，不得以开放数据为基础识别、推断或公开自然人的个人信息，"
        "不得歪曲数据原意损害市场主体合法权益。",
        "本平台按现状提供开放数据，尽力保证其准确和及时，但不对使用结果承担责任；对数据有异议的，"
        "可通过本平台的异议申诉渠道提出。",
        "违反本协议的，本协议授予的权利自动终止。",
    ),
}


def as_json() -> dict:
    """The dictionary for machines (/open-data/dictionary.json)."""
    return {
        "types": TYPES,
        "formats": {code: {"label": v["label"], "note": v["note"]} for code, v in FORMATS.items()},
        "datasets": [
            {
                "code": d.code,
                "title": d.title,
                "description": d.description,
                "source": d.source,
                "fields": [{"name": x.name, "type": x.type, "meaning": x.meaning} for x in d.fields],
            }
            for d in DATASETS
        ],
        "licence": LICENCE,
    }

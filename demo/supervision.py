"""Supervision demo data for ``manage.py seed_demo`` (郑州市): departments, about 2,000 market
entities with valid USCCs, supervision items with versions and checklists, inspectors with
conflicts, observation periods and three demo logins.

Running it again adds nothing: every row has a natural key (department code, USCC, catalogue code,
certificate number …) and existing rows are left as they are. Everything is deterministic (fixed
seeds). The word lists and the entity builder live in demo/city.py.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core import audit
from core.choices import Role
from demo.city import (
    ACTOR,
    DEPARTMENTS,
    REGION_CODES,
    REGISTRATION_DEPARTMENT,
    build_entity,
    department_uscc,
    person_name,
)
from supervision import services
from supervision.models import (
    Department,
    InspectionChecklist,
    Inspector,
    InspectorConflict,
    MarketEntity,
    ObservationPeriod,
    SupervisionItem,
    SupervisionItemVersion,
)

# ---------------------------------------------------------------------------------------------
# Supervision items (一单): main items with sub-items, real legal bases
# ---------------------------------------------------------------------------------------------
FOOD = "《中华人民共和国食品安全法》第一百一十条；《食品生产经营监督检查管理办法》（国家市场监督管理总局令第49号）"
PUBLICITY = "《企业信息公示暂行条例》第十四条"
PROCEDURE = "制定年度抽查计划→随机抽取检查对象和执法检查人员→实施检查并制作检查记录→录入检查结果→20个工作日内向社会公示→后续处置"

ITEMS = [
    {
        "dept": "ZZSJ",
        "no": 1,
        "name": "对食品生产经营活动的监督检查",
        "basis": FOOD,
        "object": "all",
        "method": "on_site",
        "ratio": "0.05",
        "unit": "食品生产安全监督管理处",
        "subs": [
            {
                "name": "对食品生产者生产活动的监督检查",
                "object": "enterprise",
                "ratio": "0.10",
                "freq": "half_yearly",
                "checks": [
                    "食品生产许可证是否合法有效",
                    "生产环境条件是否符合要求",
                    "进货查验记录和原料控制",
                    "生产过程控制及出厂检验记录",
                    "标签标识是否符合规定",
                ],
            },
            {
                "name": "对餐饮服务提供者的监督检查",
                "unit": "餐饮服务食品安全监督管理处",
                "ratio": "0.05",
                "checks": [
                    "食品经营许可证及从业人员健康证明",
                    "原料进货查验及索证索票",
                    "加工制作过程及餐用具清洗消毒",
                    "食品添加剂使用及公示",
                ],
            },
            {
                "name": "食品安全监督抽检",
                "basis": "《中华人民共和国食品安全法》第八十七条；《食品安全抽样检验管理办法》（国家市场监督管理总局令第15号）",
                "object": "product",
                "method": "sampling",
                "ratio": "0.05",
                "freq": "quarterly",
                "unit": "食品安全抽检监测处",
                "checks": ["按抽检计划抽取样品并封样", "样品检验及结果告知", "不合格食品核查处置"],
            },
        ],
    },
    {
        "dept": "ZZSJ",
        "no": 2,
        "name": "对企业公示信息的抽查",
        "basis": PUBLICITY,
        "object": "enterprise",
        "method": "documentary",
        "ratio": "0.03",
        "unit": "信用监督管理处",
        "versions": [
            ("2021-01-01", {"ratio": "0.03"}),
            ("2025-01-01", {"ratio": "0.05", "standard": "抽查比例不低于5%，对信用风险C、D类企业提高抽查比例和频次"}),
        ],
        "subs": [
            {
                "name": "对企业年度报告公示信息的抽查",
                "ratio": "0.03",
                "versions": [
                    ("2021-01-01", {"ratio": "0.03"}),
                    (
                        "2025-01-01",
                        {"ratio": "0.05", "standard": "年度报告公示信息与实际情况一致；抽查比例自2025年起提高至5%"},
                    ),
                ],
                "checks": [
                    "年度报告是否按期公示",
                    "公示的资产状况信息是否真实",
                    "股东及出资信息是否真实",
                    "网站网店及对外投资信息",
                ],
            },
            {
                "name": "对企业即时公示信息的抽查",
                "checks": [
                    "股东认缴和实缴出资信息",
                    "行政许可取得、变更、延续信息",
                    "知识产权出质登记信息",
                    "受到行政处罚的信息",
                ],
            },
            {
                "name": "对个体工商户年度报告信息的抽查",
                "basis": "《促进个体工商户发展条例》；《个体工商户年度报告暂行办法》",
                "object": "individual",
                "checks": ["年度报告是否按期报送", "经营者及经营场所信息是否真实", "联系方式是否有效"],
            },
        ],
    },
    {
        "dept": "ZZSJ",
        "no": 3,
        "name": "对产品质量的监督检查",
        "basis": "《中华人民共和国产品质量法》第十五条",
        "object": "product",
        "method": "sampling",
        "ratio": "0.05",
        "unit": "产品质量安全监督管理处",
        "subs": [
            {"name": "产品质量监督抽查", "checks": ["抽样程序合法", "样品检验", "不合格产品后处理"]},
            {
                "name": "对重点工业产品生产企业的监督检查",
                "object": "enterprise",
                "method": "on_site",
                "checks": ["生产许可证或强制性产品认证", "原材料进货查验", "出厂检验能力及记录", "产品标识标注"],
            },
        ],
    },
    {
        "dept": "ZZSJ",
        "no": 4,
        "name": "对特种设备安全的监督检查",
        "basis": "《中华人民共和国特种设备安全法》第五十七条",
        "object": "enterprise",
        "method": "on_site",
        "key": True,
        "freq": "yearly",
        "unit": "特种设备安全监察处",
        "subs": [
            {
                "name": "对电梯使用单位的监督检查",
                "checks": ["使用登记及定期检验", "维护保养合同及记录", "安全管理人员持证", "应急救援演练"],
            },
            {
                "name": "对锅炉、压力容器使用单位的监督检查",
                "checks": ["使用登记及定期检验", "作业人员持证上岗", "安全附件校验", "隐患排查治理记录"],
            },
            {"name": "对气瓶充装单位的监督检查", "checks": ["充装许可", "充装前后检查记录", "气瓶追溯信息"]},
        ],
    },
    {
        "dept": "ZZSJ",
        "no": 5,
        "name": "对药品、医疗器械经营使用的监督检查",
        "basis": "《中华人民共和国药品管理法》第九十九条",
        "object": "enterprise",
        "method": "on_site",
        "ratio": "0.10",
        "unit": "药品医疗器械监督管理处",
        "subs": [
            {
                "name": "对药品零售企业的监督检查",
                "checks": ["药品经营许可证", "执业药师在岗", "处方药销售管理", "药品储存养护条件"],
            },
            {
                "name": "对医疗器械经营企业的监督检查",
                "basis": "《医疗器械监督管理条例》",
                "ratio": "0.05",
                "checks": ["经营许可或备案", "进货查验记录", "贮存条件"],
            },
        ],
    },
    {
        "dept": "ZZSJ",
        "no": 6,
        "name": "对广告及网络交易的监督检查",
        "basis": "《中华人民共和国广告法》第四十九条；《网络交易监督管理办法》（国家市场监督管理总局令第37号）",
        "object": "enterprise",
        "method": "online",
        "ratio": "0.03",
        "unit": "网络交易监督管理处",
        "subs": [
            {"name": "对广告发布活动的监督检查", "checks": ["广告内容真实合法", "广告审查批准文件", "广告发布登记"]},
            {
                "name": "对网络交易经营者的监督检查",
                "checks": ["主体信息亮照亮证", "商品或服务信息真实", "七日无理由退货执行", "个人信息保护"],
            },
        ],
    },
    {
        "dept": "ZZSJ",
        "no": 7,
        "name": "对计量器具的监督检查",
        "basis": "《中华人民共和国计量法》",
        "object": "site",
        "method": "on_site",
        "ratio": "0.05",
        "unit": "计量处",
        "subs": [
            {
                "name": "对加油站计量器具的监督检查",
                "ratio": "0.10",
                "checks": ["加油机强制检定", "计量作弊行为", "计量器具铅封完好"],
            },
            {
                "name": "对集贸市场计量器具的监督检查",
                "checks": ["电子计价秤强制检定", "公平秤设置", "计量器具管理制度"],
            },
        ],
    },
    {
        "dept": "ZZWJ",
        "no": 1,
        "name": "对公共场所卫生的监督检查",
        "basis": "《公共场所卫生管理条例》；《公共场所卫生管理条例实施细则》",
        "object": "site",
        "method": "on_site",
        "ratio": "0.05",
        "unit": "卫生监督所",
        "subs": [
            {
                "name": "对住宿场所卫生的监督检查",
                "checks": ["卫生许可证", "从业人员健康合格证明", "公共用品用具清洗消毒", "卫生检测报告"],
            },
            {"name": "对沐浴场所卫生的监督检查", "ratio": "0.10", "checks": ["卫生许可证", "池水水质检测", "通风设施"]},
            {"name": "对美容美发场所卫生的监督检查", "checks": ["从业人员健康合格证明", "工具消毒", "化妆品索证"]},
        ],
    },
    {
        "dept": "ZZWJ",
        "no": 2,
        "name": "对医疗机构执业活动的监督检查",
        "basis": "《医疗机构管理条例》；《中华人民共和国基本医疗卫生与健康促进法》",
        "object": "all",
        "method": "on_site",
        "ratio": "0.05",
        "unit": "卫生监督所",
        "subs": [
            {
                "name": "对诊所执业活动的监督检查",
                "checks": ["医疗机构执业许可证或备案", "医师执业注册", "诊疗科目核准范围"],
            },
            {
                "name": "对医疗废物处置的监督检查",
                "basis": "《医疗废物管理条例》",
                "ratio": "0.10",
                "checks": ["分类收集", "暂存设施", "交接转运登记"],
            },
        ],
    },
    {
        "dept": "ZZHJ",
        "no": 1,
        "name": "对排污单位的监督检查",
        "basis": "《中华人民共和国环境保护法》第二十四条；《排污许可管理条例》",
        "object": "enterprise",
        "method": "on_site",
        "ratio": "0.05",
        "unit": "生态环境综合行政执法支队",
        "subs": [
            {"name": "对排污许可证执行情况的检查", "checks": ["持证排污", "自行监测", "执行报告及环境管理台账"]},
            {
                "name": "对危险废物规范化环境管理的检查",
                "basis": "《中华人民共和国固体废物污染环境防治法》",
                "ratio": "0.10",
                "checks": ["危险废物管理计划", "贮存场所标识", "转移联单"],
            },
        ],
    },
    {
        "dept": "ZZYJ",
        "no": 1,
        "name": "对生产经营单位安全生产的监督检查",
        "basis": "《中华人民共和国安全生产法》第六十五条",
        "object": "enterprise",
        "method": "on_site",
        "ratio": "0.05",
        "unit": "应急管理综合行政执法支队",
        "subs": [
            {
                "name": "对工贸企业安全生产的监督检查",
                "checks": ["安全生产责任制", "安全培训教育", "隐患排查治理", "有限空间作业管理"],
            },
            {
                "name": "对危险化学品经营单位的监督检查",
                "basis": "《危险化学品安全管理条例》",
                "key": True,
                "checks": ["危险化学品经营许可证", "储存设施", "从业人员培训", "应急预案"],
            },
        ],
    },
    {
        "dept": "ZZJT",
        "no": 1,
        "name": "对道路运输经营者的监督检查",
        "basis": "《中华人民共和国道路运输条例》",
        "object": "enterprise",
        "method": "on_site",
        "ratio": "0.05",
        "unit": "交通运输综合行政执法支队",
        "subs": [
            {
                "name": "对道路普通货物运输经营者的监督检查",
                "checks": ["道路运输经营许可证", "车辆技术档案", "驾驶员从业资格"],
            },
            {
                "name": "对道路危险货物运输经营者的监督检查",
                "basis": "《中华人民共和国道路运输条例》；《道路危险货物运输管理规定》",
                "key": True,
                "checks": ["危险货物运输资质", "专用车辆及罐体检验", "押运人员", "动态监控"],
            },
        ],
    },
    {
        "dept": "ZZJS",
        "no": 1,
        "name": "对建设工程质量安全的监督检查",
        "basis": "《中华人民共和国建筑法》；《建设工程质量管理条例》；《建设工程安全生产管理条例》",
        "object": "enterprise",
        "method": "on_site",
        "ratio": "0.05",
        "unit": "建设工程质量安全监督站",
        "subs": [
            {"name": "对建设工程施工质量的监督检查", "checks": ["施工图审查", "材料进场检验", "隐蔽工程验收"]},
            {
                "name": "对建筑施工安全生产的监督检查",
                "ratio": "0.10",
                "checks": ["安全生产许可证", "危大工程专项方案", "起重机械管理"],
            },
        ],
    },
    {
        "dept": "ZZSW",
        "no": 1,
        "name": "对单用途商业预付卡发卡企业的监督检查",
        "basis": "《单用途商业预付卡管理办法（试行）》（商务部令2012年第9号）",
        "object": "enterprise",
        "method": "documentary",
        "ratio": "0.05",
        "unit": "市场运行和消费促进处",
        "subs": [
            {"name": "对发卡企业备案情况的检查", "checks": ["备案材料", "发卡业务信息报送"]},
            {"name": "对预收资金存管情况的检查", "checks": ["资金存管协议", "存管比例"]},
        ],
    },
    {
        "dept": "ZZWL",
        "no": 1,
        "name": "对文化和旅游市场的监督检查",
        "basis": "《娱乐场所管理条例》；《互联网上网服务营业场所管理条例》",
        "object": "site",
        "method": "on_site",
        "ratio": "0.05",
        "unit": "文化市场综合行政执法支队",
        "subs": [
            {
                "name": "对娱乐场所的监督检查",
                "basis": "《娱乐场所管理条例》",
                "checks": ["娱乐经营许可证", "曲库内容", "未成年人保护"],
            },
            {
                "name": "对互联网上网服务营业场所的监督检查",
                "basis": "《互联网上网服务营业场所管理条例》",
                "checks": ["网络文化经营许可证", "实名登记", "接纳未成年人"],
            },
            {
                "name": "对旅行社经营活动的监督检查",
                "basis": "《旅行社条例》",
                "object": "enterprise",
                "ratio": "0.03",
                "checks": ["旅行社业务经营许可证", "旅游合同", "质量保证金"],
            },
        ],
    },
    {
        "dept": "ZZNY",
        "no": 1,
        "name": "对农业投入品经营的监督检查",
        "basis": "《农药管理条例》；《兽药管理条例》",
        "object": "all",
        "method": "on_site",
        "ratio": "0.05",
        "unit": "农业综合行政执法支队",
        "subs": [
            {
                "name": "对农药经营者的监督检查",
                "basis": "《农药管理条例》",
                "checks": ["农药经营许可证", "进货查验和销售台账", "限制使用农药定点经营"],
            },
            {
                "name": "对兽药经营者的监督检查",
                "basis": "《兽药管理条例》",
                "checks": ["兽药经营许可证", "兽药追溯", "储存条件"],
            },
        ],
    },
    {
        "dept": "ZZJY",
        "no": 1,
        "name": "对校外培训机构的监督检查",
        "basis": "《中华人民共和国民办教育促进法》",
        "object": "all",
        "method": "on_site",
        "ratio": "0.05",
        "unit": "校外教育培训监管处",
        "subs": [
            {"name": "对校外培训机构办学行为的监督检查", "checks": ["办学许可证", "培训内容和时间", "从业人员资质"]},
            {
                "name": "对校外培训预收费资金的监督检查",
                "method": "documentary",
                "checks": ["预收费资金监管账户", "收费周期"],
            },
        ],
    },
]


def catalogue_code(dept_no: int, main_no: int, sub_no: int) -> str:
    """A 14-digit demo catalogue code: 4101 · department · main item · sub-item."""
    return f"4101{dept_no:02d}{main_no:04d}{sub_no:04d}"


# ---------------------------------------------------------------------------------------------
# Inspectors
# ---------------------------------------------------------------------------------------------
INSPECTOR_COUNTS = {
    "ZZSJ": 22,
    "JSSJ": 12,
    "ZYSJ": 10,
    "EQSJ": 10,
    "GCSJ": 9,
    "HJSJ": 8,
    "ZZWJ": 10,
    "ZZHJ": 6,
    "ZZYJ": 6,
    "ZZJT": 6,
    "ZZJS": 6,
    "ZZSW": 3,
    "ZZWL": 5,
    "ZZNY": 4,
    "ZZJY": 3,
}
SPECIALITIES = {
    "SJ": [
        "食品安全",
        "特种设备",
        "产品质量",
        "企业信息公示",
        "药品流通",
        "医疗器械",
        "计量",
        "价格监管",
        "广告监管",
        "网络交易",
    ],
    "ZZWJ": ["公共场所卫生", "医疗机构监管", "生活饮用水卫生", "医疗废物"],
    "ZZHJ": ["大气污染防治", "水污染防治", "固体废物", "排污许可"],
    "ZZYJ": ["工贸安全", "危险化学品", "消防安全"],
    "ZZJT": ["道路运输", "危险货物运输", "机动车维修"],
    "ZZJS": ["工程质量", "施工安全", "建筑市场"],
    "ZZSW": ["单用途预付卡", "成品油流通"],
    "ZZWL": ["文化市场", "旅游市场", "网络文化"],
    "ZZNY": ["农药", "兽药", "种子", "农产品质量"],
    "ZZJY": ["校外培训", "民办教育"],
}
CONFLICT_REASONS = [
    "近亲属担任该主体法定代表人",
    "曾在该企业任职，离职未满三年",
    "配偶持有该企业股份",
    "与该主体负责人有同学关系，申请回避",
    "近亲属在该企业担任管理人员",
]


def seed_supervision_demo(*, entities: int = 2000) -> dict:
    """Seed the supervision part in one transaction; returns the stats the command prints
    (label -> (added, total) or total)."""
    with transaction.atomic():
        stats = {}
        depts = seed_departments(stats)
        generated = seed_entities(stats, depts, entities)
        seed_items(stats, depts)
        inspectors = seed_inspectors(stats, depts)
        seed_conflicts(stats, inspectors, generated)
        seed_observation_periods(stats, depts, generated)
        seed_users(stats, depts)
    return stats


# -- departments ---------------------------------------------------------------------------
def seed_departments(stats) -> dict[str, Department]:
    depts, added = {}, 0
    for code, name, short, level, region, parent, _no in DEPARTMENTS:
        dept = Department.objects.filter(code=code).first() or Department.objects.filter(name=name).first()
        if dept is None:
            dept = services.department_save(
                actor=ACTOR,
                code=code,
                name=name,
                short_name=short,
                level=level,
                uscc=department_uscc(code, region),
                region_code=region,
                parent=depts.get(parent),
            )
            added += 1
        depts[code] = dept
    stats["监管部门"] = (added, Department.objects.count())
    return depts


# -- entities ------------------------------------------------------------------------------
def seed_entities(stats, depts, count: int) -> list[dict]:
    rng = random.Random("seed-demo-entities")
    rows = [build_entity(rng, seq) for seq in range(count)]
    codes = [r["uscc"] for r in rows]
    before = MarketEntity.objects.filter(uscc__in=codes).count()
    authority = {region: depts[REGISTRATION_DEPARTMENT.get(region, "ZZSJ")] for region in REGION_CODES}
    MarketEntity.objects.bulk_create(
        [MarketEntity(registration_authority=authority[r["region_code"]], **r) for r in rows],
        batch_size=1000,
        ignore_conflicts=True,
    )
    added = MarketEntity.objects.filter(uscc__in=codes).count() - before
    if added:
        audit.record(
            actor=ACTOR, action="entity.seed", target=("supervision.marketentity", "bulk"), after={"count": added}
        )
    stats["市场主体"] = (added, MarketEntity.objects.count())
    return rows


# -- items, versions, checklists -----------------------------------------------------------
def seed_items(stats, depts):
    dept_no = {d[0]: d[6] for d in DEPARTMENTS}
    rng = random.Random("seed-demo-items")
    counts = {"main": 0, "sub": 0, "version": 0, "checklist": 0}
    for main in ITEMS:
        dept = depts[main["dept"]]
        person = person_name(rng)
        item = _item(counts, "main", catalogue_code(dept_no[main["dept"]], main["no"], 0), main["name"], dept, None)
        _versions(counts, item, main, {}, person)
        for i, sub in enumerate(main["subs"], start=1):
            child = _item(counts, "sub", catalogue_code(dept_no[main["dept"]], main["no"], i), sub["name"], dept, item)
            _versions(counts, child, sub, main, person_name(rng))
            _checklists(counts, child, sub, main, dept)
    stats["监管事项（主项）"] = (counts["main"], SupervisionItem.objects.filter(parent__isnull=True).count())
    stats["监管事项（子项）"] = (counts["sub"], SupervisionItem.objects.filter(parent__isnull=False).count())
    stats["事项版本"] = (counts["version"], SupervisionItemVersion.objects.count())
    stats["检查实施清单"] = (counts["checklist"], InspectionChecklist.objects.count())


def _item(counts, kind, code, name, dept, parent):
    item = SupervisionItem.objects.filter(catalogue_code=code).first()
    if item is None:
        item = services.item_save(actor=ACTOR, catalogue_code=code, name=name, parent=parent, department=dept)
        counts[kind] += 1
    return item


def _versions(counts, item, spec, main, person):
    def get(key, default=None):
        return spec.get(key, main.get(key, default))

    is_key = bool(get("key", False))
    base = {
        "object_type": get("object", "all"),
        "method": get("method", "on_site"),
        "legal_basis": get("basis"),
        "supervision_level": "county" if item.department.level == "county" else "city",
        "procedure": PROCEDURE if not is_key else "建立监管对象台账→全覆盖检查（不抽样）→录入检查结果→公示→后续处置",
        "standard": "；".join(spec.get("checks", [])) or f"依据{get('basis')}规定的要求",
        "responsible_unit": get("unit", ""),
        "responsible_person": person,
        "is_random": not is_key,
        "is_key": is_key,
        # Key items cover every entity in scope; the ratio is then 1.
        "default_ratio": Decimal("1") if is_key else Decimal(get("ratio", "0.05")),
        "frequency": get("freq", "yearly"),
    }
    for start, changes in spec.get("versions", [("2023-01-01", {})]):
        effective_from = dt.date.fromisoformat(start)
        if item.versions.filter(effective_from__gte=effective_from).exists():
            continue
        fields = dict(base)
        if "ratio" in changes and not is_key:
            fields["default_ratio"] = Decimal(changes["ratio"])
        if "standard" in changes:
            fields["standard"] = changes["standard"]
        services.item_version_create(actor=ACTOR, item=item, effective_from=effective_from, **fields)
        counts["version"] += 1


def _checklists(counts, item, spec, main, dept):
    checks = spec.get("checks", [])
    method = spec.get("method", main.get("method", "on_site"))
    lists = [(1, f"{item.name}检查实施清单", checks)]
    if len(checks) >= 4:
        lists.append((2, f"{item.name}检查实施清单（简易版）", checks[:2]))
    for digit, name, lines in lists:
        code = f"{dept.uscc}{digit}"
        if InspectionChecklist.objects.filter(item=item, code=code).exists():
            continue
        content = "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))
        services.checklist_save(
            actor=ACTOR, item=item, department=dept, code=code, name=name, content=content, method=method
        )
        counts["checklist"] += 1


# -- inspectors ----------------------------------------------------------------------------
def seed_inspectors(stats, depts) -> list[Inspector]:
    rng = random.Random("seed-demo-inspectors")
    total = sum(INSPECTOR_COUNTS.values())
    expired = set(rng.sample(range(total), 10))
    inactive = set(rng.sample(range(total), 3))
    inspectors, added, i = [], 0, 0
    for code, n in INSPECTOR_COUNTS.items():
        dept = depts[code]
        pool = SPECIALITIES["SJ" if code.endswith("SJ") else code]
        for _ in range(n):
            if i in expired:
                valid_from = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(700))
            else:
                valid_from = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(1300))
            valid_to = valid_from.replace(year=valid_from.year + 5) - dt.timedelta(days=1)
            cert = f"{dept.region_code}{valid_from.year % 100:02d}{1000 + i:06d}"
            name, specialities = person_name(rng), rng.sample(pool, min(len(pool), rng.randint(1, 3)))
            inspector = Inspector.objects.filter(certificate_no=cert).first()
            if inspector is None:
                inspector = services.inspector_save(
                    actor=ACTOR,
                    name=name,
                    department=dept,
                    certificate_no=cert,
                    certificate_valid_from=valid_from,
                    certificate_valid_to=valid_to,
                    specialities=specialities,
                    active=i not in inactive,
                )
                added += 1
            inspectors.append(inspector)
            i += 1
    stats["执法检查人员"] = (added, Inspector.objects.count())
    stats["其中执法证已过期"] = Inspector.objects.filter(certificate_valid_to__lt=timezone.localdate()).count()
    return inspectors


def seed_conflicts(stats, inspectors, generated):
    rng = random.Random("seed-demo-conflicts")
    pool = [e for e in generated[:500] if e["region_code"] in REGISTRATION_DEPARTMENT] or generated[:500]
    candidates = [p for p in inspectors if p.department.code.endswith("SJ") or p.department.code == "ZZWJ"]
    added, pairs = 0, set()
    while pool and len(pairs) < min(15, len(pool)):
        inspector, entity = rng.choice(candidates), rng.choice(pool)
        if (inspector.pk, entity["uscc"]) in pairs:
            continue
        pairs.add((inspector.pk, entity["uscc"]))
        declared_on = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(600))
        reason = rng.choice(CONFLICT_REASONS)
        if not InspectorConflict.objects.filter(inspector=inspector, entity_uscc=entity["uscc"]).exists():
            services.inspector_conflict_declare(
                actor=ACTOR, inspector=inspector, entity_uscc=entity["uscc"], reason=reason, declared_on=declared_on
            )
            added += 1
    stats["回避申报"] = (added, InspectorConflict.objects.count())


# -- 包容审慎 -------------------------------------------------------------------------------
def seed_observation_periods(stats, depts, generated):
    zzsj = depts["ZZSJ"]
    specs = [
        {
            "industry_code": "I6450",
            "starts_on": dt.date(2025, 7, 1),
            "ends_on": dt.date(2027, 6, 30),
            "reason": "新业态：互联网数据服务（数据标注、算力服务等）实行包容审慎监管，观察期内首次轻微违法依法不予处罚",
        },
        {
            "industry_code": "I6432",
            "starts_on": dt.date(2026, 1, 1),
            "ends_on": dt.date(2027, 12, 31),
            "reason": "新模式：互联网生活服务平台（即时配送、社区团购等）实行包容审慎监管",
        },
    ]
    newcomer = next(
        (e for e in generated if e["industry_code"] in ("I6450", "I6513") and e["status"] == "active"), None
    )
    if newcomer is not None:
        entity = MarketEntity.objects.filter(uscc=newcomer["uscc"]).first()
        if entity is not None:
            specs.append(
                {
                    "entity": entity,
                    "starts_on": dt.date(2026, 3, 1),
                    "ends_on": dt.date(2027, 2, 28),
                    "reason": "新技术：人工智能应用软件初创企业，首违不罚、轻微免罚",
                }
            )
    added = 0
    for spec in specs:
        key = {"department": zzsj, "starts_on": spec["starts_on"]}
        key.update(
            {"entity": spec["entity"]}
            if "entity" in spec
            else {"industry_code": spec["industry_code"], "entity__isnull": True}
        )
        if not ObservationPeriod.objects.filter(**key).exists():
            services.observation_period_save(actor=ACTOR, department=zzsj, **spec)
            added += 1
    stats["观察期"] = (added, ObservationPeriod.objects.count())


# -- logins --------------------------------------------------------------------------------
def seed_users(stats, depts):
    User = get_user_model()
    specs = [
        ("admin", "admin12345", "ZZSJ", Role.PLATFORM_ADMIN, True, "系统管理员"),
        ("zzsj", "demo12345", "ZZSJ", Role.DEPARTMENT_OFFICIAL, False, "陈静"),
        ("zzwj", "demo12345", "ZZWJ", Role.DEPARTMENT_OFFICIAL, False, "刘洋"),
    ]
    added = 0
    for username, password, dept_code, role, superuser, full_name in specs:
        if User.objects.filter(username=username).exists():
            continue  # never reset an existing password
        make = User.objects.create_superuser if superuser else User.objects.create_user
        user = make(
            username=username,
            password=password,
            email="",
            department=depts[dept_code],
            is_staff=True,
            first_name=full_name,
        )
        user.groups.add(Group.objects.get(name=role))
        audit.record(
            actor=ACTOR,
            action="user.create",
            target=user,
            after={
                "username": username,
                "department": depts[dept_code].pk,
                "groups": [str(role)],
                "is_superuser": superuser,
                "is_staff": True,
            },
        )
        added += 1
    stats["登录账号"] = (added, User.objects.count())

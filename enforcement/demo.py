"""Enforcement demo data for ``manage.py seed_demo`` (郑州市, issue 6 §5).

``supervision``'s ``seed_demo`` calls ``EnforcementConfig.seed_demo`` at its end, after the credit and
inspections demos. Every write goes through ``enforcement.services`` as an official's would:

- discretion benchmarks (自由裁量基准) of 郑州市市场监督管理局 (食品安全法, 广告法, 价格法, 电子商务法) and
  郑州市卫生健康委员会 (公共场所卫生, 医疗机构管理);
- cases at every stage (立案 → 调查取证 → 案件审核 → 法制审核 → 告知 → 决定 → 送达 → 执行 → 结案), the major
  ones reviewed by a 法制审核人员 login, closed ones with every outcome (移送司法机关, 不予处罚, 首违不罚 for an
  entity in an observation period, 移送其他行政机关, 撤销立案); their sources are monitoring, transfers,
  routine checks, the 双随机 results that proposed a case, and complaints;
- the numbering continues after the decisions the credit demo already pushed (``郑市监罚〔2026〕N号``),
  so no document number is used twice;
- about 50 penalty decisions dated over the last five months and published by
  ``disclosures_publish`` (so each is also a credit record), a few warning-only, simplified-procedure
  and minor-party ones that are never published, one revoked on administrative review (withdrawn
  with its reason), and a few 曝光台 cases with their 评析;
- about 60 complaints (网站, 12345, 12315) in every state: some verified (credit records, one entity
  three times, so the 投诉举报激增 warning fires), some converted to cases.

Deterministic and idempotent:
- Every choice comes from ``random.Random(SEED …)`` over the demo roster in USCC order; dates count
  back from the day of the run. Cases are keyed by ``(department, party, 案由)``, complaints by their
  text, benchmarks by ``(department, code)``, logins by username: what exists is left as it is, so a
  rerun adds nothing.
- The services stamp each step with the time of the run: the 全程记录, the complaints' 登记时间 and the
  公示时间 show the seeding time, while the dates of the record itself (立案, 决定, 结案) are spread over
  the months before. About 7 seconds (94 cases, 57 decisions, 57 complaints, all through the services).
"""

import datetime as dt
import random
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from core import audit
from core.choices import Role
from core.workdays import is_working_day
from credit.choices import PenaltyType
from enforcement import demo_disclosure, services
from enforcement.case_steps import case_proposal_record, case_rights_waive
from enforcement.choices import (
    CaseOutcome,
    CaseSource,
    CaseStage,
    Circumstance,
    ComplaintChannel,
    ComplaintKind,
    ComplaintState,
    ComplaintVerdict,
    DisclosureState,
    Procedure,
    ReviewResult,
)
from enforcement.models import Case, Complaint, DiscretionStandard, PenaltyDecision, PenaltyDisclosure
from supervision import deadlines
from supervision.choices import DeadlineKind
from supervision.models import Department, Inspector, InspectorConflict, MarketEntity

ACTOR = "task:seed_demo"
SEED = "enforcement-demo-v1"
DEMO_ORG_PREFIX = "MA"  # positions 9–10 of the demo entities' USCCs (seed_demo.DEMO_ORG_PREFIX)
DEPARTMENTS = ("ZZSJ", "ZZWJ")
PASSWORD = "demo12345"
# username, department, role, name ("" = the name of the certified officer the login is linked to)
LOGINS = [
    ("zfry", "ZZSJ", Role.ENFORCEMENT_OFFICER, ""),
    ("fzsh", "ZZSJ", Role.LEGAL_REVIEWER, "周敏"),
    ("wjfzsh", "ZZWJ", Role.LEGAL_REVIEWER, "郑丽华"),
    # Issue 12 §6: only the handlers or the 部门负责人 move a case; the demo's cases are moved by the heads.
    ("sjfzr", "ZZSJ", Role.DEPARTMENT_HEAD, "陈卫国"),
    ("wjfzr", "ZZWJ", Role.DEPARTMENT_HEAD, "刘建华"),
]
STANDARDS_FROM = dt.date(2026, 1, 1)
MAJOR_FINE = 100000  # yuan: benchmarks whose 一般 range starts here make a 重大执法决定 (local 重大执法决定法制审核目录)
ESTABLISHED_BEFORE = dt.date(2025, 1, 1)  # parties existed well before the demo's cases
PUBLISHED = 50  # penalty decisions published (issue 6 §5: about 50)
FEATURED = 4  # 曝光台 cases among them
PERFORMANCE = (
    "自收到本决定书之日起十五日内，持《非税收入一般缴款书》到指定银行或通过“豫事办”缴纳罚没款。"
    "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。"
)
PERFORMANCE_WARNING = "本决定书送达之日起生效，当事人应立即改正违法行为。"
M = Decimal


@dataclass(frozen=True)
class StandardSpec:
    code: str
    violation_type: str
    violation_basis: str
    penalty_basis: str
    ranges: tuple  # (lighter_min, lighter_max, general_min, general_max, heavier_min, heavier_max) in yuan
    industries: tuple  # GB/T 4754 prefixes of the entities this typically concerns
    facts: str  # with {product}, {value}, {income}, {month}
    products: tuple  # "prefix|product" fits entities of that GB/T 4754 prefix; a bare product fits any
    evidence: str
    extra_types: tuple = ()  # penalty types besides 罚款 (e.g. 没收违法所得)
    heavy_penalty_types: tuple = ()
    step: int = 1000  # fines are multiples of this


FOOD_LAW = "《中华人民共和国食品安全法》"
AD_LAW = "《中华人民共和国广告法》"
PRICE_LAW = "《中华人民共和国价格法》"
STANDARDS = {
    "ZZSJ": [
        StandardSpec(
            "SJ-SP-001", "经营超过保质期的食品", f"{FOOD_LAW}第三十四条第（十）项", f"{FOOD_LAW}第一百二十四条第一款第（五）项",
            (50000, 65000, 65000, 85000, 85000, 100000), ("F5212", "F5211", "F5221", "F5224", "F5226", "H62"),
            "经查，当事人于{month}在其经营场所销售超过保质期的“{product}”，货值金额{value}元，违法所得{income}元。涉案食品已依法予以没收。",
            ("原味酸奶（200克/杯）", "全麦面包（400克/袋）", "速冻水饺（1千克/袋）", "低温鲜牛奶（950毫升/盒）", "H62|卤味鸭脖（250克/盒）",
             "H62|预包装辣椒酱（500克/瓶）", "F5226|罐装啤酒（500毫升/罐）"),
            "现场检查笔录、询问笔录、涉案食品照片及扣押清单、进货票据、销售记录", (PenaltyType.CONFISCATE_INCOME,), ("revoke_licence",),
        ),
        StandardSpec(
            "SJ-SP-002", "未按规定查验记录食品进货", f"{FOOD_LAW}第五十三条第一款、第二款", f"{FOOD_LAW}第一百二十六条第一款第（三）项",
            (5000, 15000, 15000, 35000, 35000, 50000), ("F5212", "F5121", "F5123", "H62", "C14"),
            "经查，当事人自{month}起采购“{product}”等食品原料，未查验供货者的许可证和产品合格证明，未建立食品进货查验记录制度，"
            "涉及货值金额{value}元。",
            ("散装食用植物油", "冷冻鸡胸肉", "鲜切蔬菜", "面粉（25千克/袋）"),
            "现场检查笔录、询问笔录、采购单据、供货者资质材料（缺失）", (), ("suspend_business", "revoke_licence"),
        ),
        StandardSpec(
            "SJ-SP-003", "安排未取得健康证明的人员从事接触直接入口食品的工作", f"{FOOD_LAW}第四十五条",
            f"{FOOD_LAW}第一百二十六条第一款第（六）项",
            (5000, 15000, 15000, 35000, 35000, 50000), ("H62", "H6291", "C1411"),
            "经查，当事人于{month}安排3名未取得健康证明的人员从事凉菜制作和传菜等接触直接入口食品的工作。",
            ("凉菜间", "面点间", "传菜岗"),
            "现场检查笔录、询问笔录、员工花名册、排班表、现场照片", (), ("suspend_business",),
        ),
        StandardSpec(
            "SJ-SP-004", "餐具、饮具未按规定洗净、消毒", f"{FOOD_LAW}第三十三条第一款第（五）项", f"{FOOD_LAW}第一百二十六条第一款第（五）项",
            (5000, 15000, 15000, 35000, 35000, 50000), ("H62", "H6291"),
            "经查，当事人于{month}使用未经清洗消毒的餐具、饮具，经抽样检验大肠菌群项目不合格，餐饮具消毒设施未正常运转。",
            ("碗碟", "茶杯", "筷子"),
            "现场检查笔录、抽样单、检验报告、询问笔录、现场照片", (), ("suspend_business",),
        ),
        StandardSpec(
            "SJ-GG-001", "发布虚假广告", f"{AD_LAW}第四条、第二十八条", f"{AD_LAW}第五十五条第一款",
            (200000, 400000, 400000, 700000, 700000, 1000000), ("L7251", "L7259", "I6432", "F5251", "O8040"),
            "经查，当事人自{month}起在其微信公众号和短视频账号发布“{product}”的广告，宣称“七天见效”“无效退款”，"
            "所宣传的功效无事实依据，广告费用无法计算。",
            ("祛斑霜", "减肥代餐粉", "护眼贴", "助眠香囊"),
            "网页截图及公证书、询问笔录、广告制作合同、销售记录", (), ("revoke_licence",), 10000,
        ),
        StandardSpec(
            "SJ-GG-002", "广告使用“国家级”“最高级”“最佳”等用语", f"{AD_LAW}第九条第（三）项", f"{AD_LAW}第五十七条第（一）项",
            (200000, 400000, 400000, 700000, 700000, 1000000), ("L7251", "L7259", "F5211", "F5232", "K7010"),
            "经查，当事人于{month}在其门店灯箱和网店详情页发布的“{product}”广告中使用“全网最低价”“国家级品质”“行业第一”等用语。",
            ("F5232|品牌服装", "F5211|家用净水器", "K7010|精装商品房", "智能手表"),
            "现场检查笔录、网页截图及公证书、询问笔录、广告发布记录", (), (), 10000,
        ),
        StandardSpec(
            "SJ-GG-003", "普通商品广告涉及疾病治疗功能", f"{AD_LAW}第十七条", f"{AD_LAW}第五十八条第一款第（二）项",
            (100000, 130000, 130000, 170000, 170000, 200000), ("F5251", "F5234", "O8040", "I6432"),
            "经查，当事人于{month}在其经营场所张贴“{product}”的宣传海报，宣称“降血压、降血糖、治疗失眠”，广告费用无法计算。",
            ("富硒茶", "远红外理疗贴", "负离子床垫"),
            "现场检查笔录、宣传海报原件、询问笔录、进货票据", (), (), 10000,
        ),
        StandardSpec(
            "SJ-JG-001", "不按规定明码标价", f"{PRICE_LAW}第十三条；《明码标价和禁止价格欺诈规定》第四条",
            f"{PRICE_LAW}第四十二条；《明码标价和禁止价格欺诈规定》第二十一条",
            (0, 1000, 1000, 3000, 3000, 5000), ("F52", "H6121", "O80", "R89"),
            "经查，当事人于{month}销售“{product}”等商品未标明价格，服务项目价目表未标明计价单位，经责令改正后逾期仍未改正。",
            ("F5223|进口水果礼盒", "F52|散装坚果", "F5232|羽绒服", "O80|洗剪吹服务", "H6121|客房服务", "R89|健身私教课", "部分商品"),
            "现场检查笔录、责令改正通知书、现场照片、询问笔录", (), (), 500,
        ),
        StandardSpec(
            "SJ-JG-002", "利用虚假的或者使人误解的价格手段诱骗消费者交易（价格欺诈）", f"{PRICE_LAW}第十四条第（四）项",
            f"{PRICE_LAW}第四十条；《价格违法行为行政处罚规定》第七条",
            (50000, 150000, 150000, 300000, 300000, 500000), ("F5211", "F5212", "F5232", "F5261", "H6121"),
            "经查，当事人于{month}开展促销活动时，标示“{product}”原价虚构、无交易记录，以虚构的原价作为折扣计算基准，"
            "违法所得{income}元。",
            ("F5232|冬季羽绒服", "H6121|酒店双人套餐", "F5211|家电套装", "F5212|白酒礼盒", "F5261|新车精品装饰套餐", "促销商品"),
            "现场检查笔录、价签照片、销售记录、询问笔录、情况说明", (PenaltyType.CONFISCATE_INCOME,), (), 5000,
        ),
        StandardSpec(
            "SJ-DS-001", "电子商务经营者未在首页显著位置公示营业执照信息", "《中华人民共和国电子商务法》第十五条",
            "《中华人民共和国电子商务法》第七十六条第一款第（一）项",
            (0, 2000, 2000, 6000, 6000, 10000), ("I6450", "I6432", "I6513"),
            "经查，当事人自{month}起通过网站和小程序从事“{product}”经营活动，未在首页显著位置持续公示营业执照信息。",
            ("数据标注服务", "算力租赁服务", "社区团购"),
            "网页截图及电子数据取证记录、询问笔录、营业执照", (), (), 500,
        ),
    ],
    "ZZWJ": [
        StandardSpec(
            "WJ-GC-001", "公共场所安排未获得有效健康合格证明的从业人员从事直接为顾客服务的工作", "《公共场所卫生管理条例实施细则》第十条",
            "《公共场所卫生管理条例实施细则》第三十八条",
            (500, 1500, 1500, 3500, 3500, 5000), ("O8040", "O8051", "H6121", "R8930"),
            "经查，当事人于{month}安排2名未取得有效健康合格证明的从业人员从事“{product}”等直接为顾客服务的工作。",
            ("O8040|美容护理", "O8051|沐浴搓澡", "H6121|客房清扫", "R8930|健身指导", "顾客接待"),
            "现场检查笔录、询问笔录、从业人员名单、健康合格证明（缺失）", (PenaltyType.WARNING,), (), 500,
        ),
        StandardSpec(
            "WJ-GC-002", "未按规定对公共场所的空气、微小气候、水质进行卫生检测", "《公共场所卫生管理条例实施细则》第十九条",
            "《公共场所卫生管理条例实施细则》第三十六条第（一）项",
            (500, 1000, 1000, 2000, 2000, 20000), ("O8051", "H6121", "R8930", "R9011"),
            "经查，当事人{month}以来未按规定对“{product}”的空气、微小气候和水质进行卫生检测，亦未公示检测结果。",
            ("R8930|游泳池", "O8051|浴池", "H6121|客房", "R9011|歌舞厅", "经营场所"),
            "现场检查笔录、询问笔录、卫生管理档案（缺失检测报告）", (PenaltyType.WARNING,), (), 500,
        ),
        StandardSpec(
            "WJ-YL-001", "使用非卫生技术人员从事医疗卫生技术工作", "《医疗机构管理条例》第二十七条", "《医疗机构管理条例》第四十七条",
            (10000, 40000, 40000, 70000, 70000, 100000), ("Q8425",),
            "经查，当事人于{month}安排1名未取得医师资格的人员从事“{product}”等诊疗活动，涉及诊疗收入{income}元。",
            ("针灸推拿", "静脉输液", "口腔诊疗"),
            "现场检查笔录、处方及病历登记、询问笔录、人员资质材料", (), ("revoke_licence", "suspend_business"), 5000,
        ),
        StandardSpec(
            "WJ-YL-002", "诊疗活动超出登记或者备案范围", "《医疗机构管理条例》第二十六条", "《医疗机构管理条例》第四十六条",
            (10000, 40000, 40000, 70000, 70000, 100000), ("Q8425", "O8040"),
            "经查，当事人于{month}超出登记的诊疗科目范围开展“{product}”项目，违法所得{income}元。",
            ("注射美容", "光子嫩肤", "激光脱毛", "Q8425|静脉输液"),
            "现场检查笔录、医疗机构执业许可证、收费记录、询问笔录", (PenaltyType.CONFISCATE_INCOME,), ("revoke_licence",), 5000,
        ),
    ],
}

CLOSING_NOTES = {
    (CaseOutcome.JUDICIAL_TRANSFER, "SJ-SP-001"): "经调查，当事人在卤制品中添加罂粟壳，涉嫌生产、销售有毒、有害食品罪（《中华人民共和国刑法》第一百四十四条），"
                                                  "依据《行政执法机关移送涉嫌犯罪案件的规定》移送郑州市公安局。",
    (CaseOutcome.JUDICIAL_TRANSFER, "SJ-GG-001"): "经调查，当事人发布虚假广告销售假冒保健食品，涉案金额巨大，"
                                                  "涉嫌虚假广告罪（《中华人民共和国刑法》第二百二十二条），移送郑州市公安局。",
    (CaseOutcome.NO_PENALTY, "SJ-JG-001"): "当事人违法行为轻微并及时改正，没有造成危害后果，依据《中华人民共和国行政处罚法》第三十三条第一款，不予行政处罚，"
                                           "已进行批评教育。",
    (CaseOutcome.NO_PENALTY, "WJ-GC-002"): "经调查，当事人已委托有资质的检测机构完成检测，违法事实不能成立，依据《中华人民共和国行政处罚法》"
                                           "第五十七条第一款第（三）项，不予行政处罚。",
    (CaseOutcome.TRANSFER_OUT, "SJ-SP-003"): "经调查，涉案经营场所位于郑州航空港经济综合实验区，依法移送该区市场监督管理局管辖。",
    (CaseOutcome.WITHDRAWN, "WJ-GC-001"): "立案后查明当事人已于立案前办理注销登记，依法撤销立案。",
    (CaseOutcome.FIRST_VIOLATION, "SJ-DS-001"): "当事人处于包容审慎监管观察期内，系首次违法且危害后果轻微，已在责令期限内改正，依据首违不罚清单不予行政处罚，"
                                                "已制发《行政指导书》。",
}
# Published penalties: (circumstance, major) per decision, cycled. 重大执法决定 need a passed 法制审核.
CIRCUMSTANCES = [Circumstance.GENERAL, Circumstance.LIGHTER, Circumstance.GENERAL, Circumstance.HEAVIER, Circumstance.GENERAL]
NOTICE_NOTES = [
    "已送达《行政处罚告知书》，告知拟作出的处罚及陈述、申辩权利，当事人在法定期限内未提出陈述申辩。",
    "已送达《行政处罚听证告知书》，当事人提出陈述申辩，经复核，其理由不能成立，不予采纳。",
    "已送达《行政处罚告知书》，当事人书面放弃陈述申辩权利。",
]
FEATURED_CODES = ("SJ-SP-001", "SJ-GG-001", "SJ-JG-002", "WJ-YL-001")  # 曝光台: the first published decision of each, with its 评析
FEATURE_NOTES = [
    "本案是打击食品安全违法行为的典型案例。经营者对所售食品负有保质期管理的法定义务，临期和过期食品应当及时清理下架。"
    "执法部门依法从严查处，提醒广大经营者落实进货查验和定期检查库存食品制度，守住“舌尖上的安全”。",
    "虚假广告误导消费者、扰乱市场秩序。本案当事人利用新媒体发布无事实依据的功效宣传，执法部门依法查处并公开曝光，"
    "警示广告主和广告发布者依法依规开展广告宣传，消费者应理性看待“包治百病”“七天见效”等宣传用语。",
    "虚构原价、先涨后降是常见的价格欺诈手段。本案依法没收违法所得并处罚款，提醒经营者促销时如实标示价格，"
    "消费者遇到价格欺诈可通过12315平台或12345热线投诉举报。",
    "医疗机构使用非卫生技术人员开展诊疗活动，严重威胁患者健康安全。卫生健康部门依法查处并向社会公开，"
    "提醒群众就医时查看医疗机构执业许可证和医师执业证书。",
]


@dataclass
class Plan:
    """What the demo does with one case."""

    dept: str
    standard: StandardSpec | None
    entity: MarketEntity | None
    target: str  # a stage, "published", "warning", "simplified", "minor", "revoked", or an outcome
    filed_on: dt.date
    decided_on: dt.date | None = None
    stage_after: str = CaseStage.DECISION  # for published decisions: decision/service/execution/closed
    closed_on: dt.date | None = None
    circumstance: str = Circumstance.GENERAL
    major: bool = False
    out_of_range: bool = False
    party_name: str = ""
    title: str = ""
    extra: dict = field(default_factory=dict)


def _working_day(day: dt.date, not_after: dt.date) -> dt.date:
    """The nearest working day on or before ``day`` (and never after ``not_after``)."""
    day = min(day, not_after)
    for _ in range(15):
        if is_working_day(day):
            return day
        day -= dt.timedelta(days=1)
    return day


def _fine(rng: random.Random, spec: StandardSpec, circumstance: str) -> Decimal:
    lo, hi = {Circumstance.LIGHTER: spec.ranges[0:2], Circumstance.GENERAL: spec.ranges[2:4], Circumstance.HEAVIER: spec.ranges[4:6]}[circumstance]
    lo = max(lo, spec.step)
    steps = max((hi - lo) // spec.step, 0)
    return M(lo + spec.step * rng.randint(0, steps))


def _product(rng: random.Random, spec: StandardSpec, industry: str) -> str:
    """A product or service that fits the party's trade (a 果蔬店 sells fruit, not haircuts)."""
    fitting = [p.split("|", 1)[1] for p in spec.products if "|" in p and industry.startswith(p.split("|", 1)[0])]
    return rng.choice(fitting or [p for p in spec.products if "|" not in p] or [p.split("|", 1)[1] for p in spec.products])


def _facts(rng: random.Random, spec: StandardSpec, filed_on: dt.date, income: Decimal, industry: str = "") -> str:
    month = filed_on - dt.timedelta(days=rng.randint(20, 60))
    template = spec.facts
    if not income:  # no income found: leave out the clause that would read "涉及诊疗收入0元"
        template = re.sub(r"，[^，。]*\{income\}元", "", template)
    return template.format(
        product=_product(rng, spec, industry), value=f"{rng.randint(8, 90) * 100}", income=f"{income:.0f}", month=f"{month.year}年{month.month}月",
    )


# --- the roster the demo draws from ------------------------------------------------------------


def _entity_pools() -> list[MarketEntity]:
    """Active demo entities in USCC order (bench rows are left out). The cut-off is a fixed date, not
    the day of the run, so a rerun on a later day draws the same parties and adds nothing."""
    return list(
        MarketEntity.objects.filter(status="active", uscc__regex=rf"^.{{8}}{DEMO_ORG_PREFIX}", established_on__lt=ESTABLISHED_BEFORE)
        .only("uscc", "name", "industry_code", "legal_representative", "registered_address", "region_code")
        .order_by("uscc")
    )


class Roster:
    """Entities (each used once) and certified handlers, drawn deterministically."""

    def __init__(self, rng: random.Random, depts: dict, today: dt.date, earliest: dt.date):
        self.rng = rng
        self.entities = _entity_pools()
        rng.shuffle(self.entities)
        self.used: set[str] = set()
        self.conflicts = set(InspectorConflict.objects.values_list("inspector_id", "entity_uscc"))
        self.inspectors = {
            code: [
                i for i in Inspector.objects.filter(department=dept, active=True).order_by("certificate_no")
                if i.certificate_valid_on(earliest) and i.certificate_valid_on(today)
            ]
            for code, dept in depts.items()
        }
        self.turn = {code: 0 for code in depts}

    def entity(self, industries=(), exclude_prefixes=(), individual=False) -> MarketEntity | None:
        for strict in (True, False):
            for e in self.entities:
                if e.uscc in self.used or any(e.industry_code.startswith(p) for p in exclude_prefixes) or (individual and e.uscc[:2] != "92"):
                    continue
                if strict and industries and not any(e.industry_code.startswith(p) for p in industries):
                    continue
                self.used.add(e.uscc)
                return e
        return None

    def handlers(self, dept: str, entity_uscc: str = "", first: Inspector | None = None) -> list[Inspector]:
        """Two certified officers without a declared conflict with the party (行政处罚法 第42条、第43条)."""
        pool = [i for i in self.inspectors[dept] if (i.pk, entity_uscc) not in self.conflicts]
        chosen = [first] if first is not None and first in pool else []
        while len(chosen) < 2:
            candidate = pool[self.turn[dept] % len(pool)]
            self.turn[dept] += 1
            if candidate not in chosen:
                chosen.append(candidate)
        return chosen


# --- logins ------------------------------------------------------------------------------------


def seed_logins(depts: dict, roster: Roster) -> dict:
    """The 执法人员 and 法制审核人员 logins; the 执法人员 is linked to a certified ZZSJ officer."""
    from supervision import services as supervision_services

    User = get_user_model()
    users, added, encoded = {}, 0, None
    for username, code, role, name in LOGINS:
        user = User.objects.filter(username=username).first()
        officer = None
        if not name:
            officer = next((i for i in roster.inspectors[code] if i.user_id is None), None)
            name = officer.name if officer is not None else ""
        if user is None:  # never reset an existing password
            # One hash for the shared demo password (each PBKDF2 hash costs about half a second).
            encoded = encoded or make_password(PASSWORD)
            user = User.objects.create(username=username, password=encoded, email="", department=depts[code], is_staff=True, first_name=name)
            user.groups.add(Group.objects.get(name=role))
            audit.record(actor=ACTOR, action="user.create", target=user,
                         after={"username": username, "department": depts[code].pk, "groups": [str(role)], "is_staff": True})
            added += 1
            if officer is not None:
                supervision_services.inspector_save(actor=ACTOR, inspector=officer, user=user)
        users[username] = user
    return {"users": users, "added": added}


# --- benchmarks --------------------------------------------------------------------------------


def seed_standards(depts: dict) -> dict:
    """The benchmarks through the import service (as an official's XLSX would be), once per department;
    returns ``{code: DiscretionStandard}`` and how many were added."""
    standards, added = {}, 0
    for code, specs in STANDARDS.items():
        have = set(DiscretionStandard.objects.filter(department=depts[code]).values_list("code", flat=True))
        rows = []
        for spec in specs:
            if spec.code in have:
                continue
            lm, lx, gm, gx, hm, hx = spec.ranges
            rows.append({
                "code": spec.code, "violation_type": spec.violation_type, "violation_basis": spec.violation_basis, "penalty_basis": spec.penalty_basis,
                "lighter_min": lm, "lighter_max": lx, "general_min": gm, "general_max": gx, "heavier_min": hm, "heavier_max": hx,
                "heavy_penalty_types": list(spec.heavy_penalty_types), "effective_from": STANDARDS_FROM,
            })
        if rows:
            added += services.discretion_standards_import(actor=ACTOR, department=depts[code], rows=rows)["created"]
        for spec in specs:
            standards[spec.code] = DiscretionStandard.objects.filter(department=depts[code], code=spec.code).order_by("-effective_from").first()
    return {"standards": standards, "added": added}


# --- cases -------------------------------------------------------------------------------------


def _plans(rng: random.Random, roster: Roster, today: dt.date) -> list[Plan]:
    """Every case the demo wants, with its dates; deterministic for a given roster and day."""
    plans = []
    sj, wj = STANDARDS["ZZSJ"], STANDARDS["ZZWJ"]

    def day(lo: int, hi: int) -> dt.date:
        return _working_day(today - dt.timedelta(days=rng.randint(lo, hi)), today)

    def plan(dept, spec, target, filed_on, **kw):
        entity = kw.pop("entity", None) or roster.entity(spec.industries if spec else (), exclude_prefixes=("I6450", "I6432"))
        return Plan(dept=dept, standard=spec, entity=entity, target=target, filed_on=filed_on, **kw)

    # Published decisions, oldest first: decided 5–150 days ago; the newest are still at 决定, the oldest closed.
    for n in range(PUBLISHED):
        dept = "ZZWJ" if n % 5 == 4 else "ZZSJ"
        spec = (wj if dept == "ZZWJ" else sj)[(n * 7) % len(wj if dept == "ZZWJ" else sj)]
        if spec.code == "SJ-DS-001":
            spec = sj[0]
        age = 150 - n * 145 // PUBLISHED
        decided_on = _working_day(today - dt.timedelta(days=age), today - dt.timedelta(days=1))
        filed_on = _working_day(decided_on - dt.timedelta(days=rng.randint(25, 55)), decided_on)
        stage = CaseStage.CLOSED if n < 26 else CaseStage.EXECUTION if n < 34 else CaseStage.SERVICE if n < 42 else CaseStage.DECISION
        closed_on = _working_day(decided_on + dt.timedelta(days=rng.randint(18, 40)), today) if stage == CaseStage.CLOSED else None
        circumstance = CIRCUMSTANCES[n % len(CIRCUMSTANCES)]
        plans.append(plan(dept, spec, "published", filed_on, decided_on=decided_on, stage_after=stage, closed_on=closed_on,
                          circumstance=circumstance, out_of_range=n == 12, extra={"heavy": n == 3}))
    # Revoked on administrative review after publication (withdrawn with the reason).
    plans.append(plan("ZZSJ", sj[8], "revoked", day(120, 140), decided_on=day(80, 95), circumstance=Circumstance.GENERAL))
    # Never published: warning only, simplified procedure, a minor party.
    for k in range(3):
        spec = wj[k % 2] if k < 2 else sj[7]
        plans.append(plan("ZZWJ" if k < 2 else "ZZSJ", spec, "warning", day(40, 70), decided_on=day(10, 30)))
    for _ in range(2):
        plans.append(plan("ZZSJ", sj[7], "simplified", day(20, 40), decided_on=day(5, 15)))
    # A minor who runs a registered online shop (个体工商户): the case needs the shop's USCC (case_open keeps
    # no party without one), and the decision is never published (DOMAIN §5).
    shop = roster.entity(("F5234", "F5232", "F52"), individual=True)
    plans.append(Plan(dept="ZZSJ", standard=None, entity=shop, target="minor", filed_on=day(30, 50), decided_on=day(8, 20),
                      title="涉嫌通过网络销售未经备案的进口化妆品（当事人系未成年人）"))
    # In progress, stage by stage (some major: 法制审核 before 告知).
    for target, count in ((CaseStage.FILED, 4), (CaseStage.INVESTIGATION, 5), (CaseStage.REVIEW, 4), (CaseStage.LEGAL_REVIEW, 3),
                          ("returned", 1), (CaseStage.NOTICE, 5)):
        for k in range(count):
            dept = "ZZWJ" if k % 3 == 2 else "ZZSJ"
            pool = wj if dept == "ZZWJ" else sj
            spec = pool[(k * 3 + len(plans)) % len(pool)]
            major = target in (CaseStage.LEGAL_REVIEW, "returned") or (target == CaseStage.NOTICE and k == 0)
            # Issue 12 §6: one case in 告知 served yesterday, waiting out the party's 5 working days.
            plans.append(plan(dept, spec, target, day(3, 45), major=major, extra={"waiting": target == CaseStage.NOTICE and k == 1}))
    # Closed without a decision.
    for dept, spec, outcome, filed, closed, title in (
        ("ZZSJ", sj[0], CaseOutcome.JUDICIAL_TRANSFER, (60, 90), (15, 30), "涉嫌在食品中添加非食用物质"),
        ("ZZSJ", sj[4], CaseOutcome.JUDICIAL_TRANSFER, (70, 100), (20, 40), ""),
        ("ZZSJ", sj[7], CaseOutcome.NO_PENALTY, (40, 60), (5, 20), ""),
        ("ZZWJ", wj[1], CaseOutcome.NO_PENALTY, (40, 60), (5, 20), ""),
        ("ZZSJ", sj[2], CaseOutcome.TRANSFER_OUT, (30, 50), (10, 25), ""),
        ("ZZWJ", wj[0], CaseOutcome.WITHDRAWN, (30, 50), (10, 25), ""),
    ):
        note = CLOSING_NOTES[outcome, spec.code]
        plans.append(plan(dept, spec, outcome, day(*filed), closed_on=day(*closed), title=title, extra={"note": note}))
    filed_on = day(20, 40)
    newcomer = _observation_entity(roster, filed_on)
    if newcomer is not None:
        plans.append(plan("ZZSJ", sj[9], CaseOutcome.FIRST_VIOLATION, filed_on, closed_on=day(3, 10), entity=newcomer,
                          extra={"note": CLOSING_NOTES[CaseOutcome.FIRST_VIOLATION, sj[9].code]}))
    return [p for p in plans if p.entity is not None]


def _inspection_plans(roster: Roster, today: dt.date) -> list[Plan]:
    """Cases from the 双随机 results that proposed one (移交执法稽查机构调查处理), as the inspections demo left them."""
    from inspections.models import InspectionResult

    sj = {s.code: s for s in STANDARDS["ZZSJ"]}
    plans = []
    # Not filtered on "no case yet": a rerun must pick the same results (and then finds their cases).
    results = (InspectionResult.objects.filter(department__code="ZZSJ", needs_case=True)
               .select_related("task__entity").order_by("inspected_on", "id"))
    for n, result in enumerate(results[:3]):
        entity = result.task.entity
        if entity is None or entity.uscc in roster.used:
            continue
        roster.used.add(entity.uscc)
        spec = sj["SJ-SP-001"] if "保质期" in result.findings else sj["SJ-SP-002"] if "进货查验" in result.findings else None
        title = "" if spec else "涉嫌生产、销售标识不符合规定的产品"
        filed_on = _working_day(min(result.inspected_on + dt.timedelta(days=7), today), today)
        plans.append(Plan(dept="ZZSJ", standard=spec, entity=entity, target=(CaseStage.INVESTIGATION, CaseStage.REVIEW, CaseStage.FILED)[n % 3],
                          filed_on=filed_on, title=title, extra={"result": result}))
    return plans


def _observation_entity(roster: Roster, day: dt.date) -> MarketEntity | None:
    """An entity in a 包容审慎 observation period on ``day``, never penalised, for 首违不罚 (DOMAIN §2)."""
    from supervision.services import observation_period_applies

    for e in roster.entities:
        fits = e.uscc not in roster.used and e.industry_code.startswith(("I6450", "I6432")) and observation_period_applies(e, day)
        if fits and not PenaltyDecision.objects.filter(entity=e.uscc).exists():
            roster.used.add(e.uscc)
            return e
    return None


def _case_key(p: Plan) -> tuple[str, str]:
    party = p.party_name or p.entity.name
    title = p.title or f"涉嫌{p.standard.violation_type}"  # every plan without a benchmark has its own title
    return party, title


def _served_on(p: Plan, today: dt.date) -> dt.date:
    """The day the demo's 告知书 was served (issue 12 §6): for a decided case, early enough that the
    party's 5 working days had passed by the decision; for one still in 告知, about two weeks ago, and
    for the one marked ``waiting`` the previous working day, so it is seen waiting out its period."""
    if p.decided_on:
        served = p.decided_on - dt.timedelta(days=1)
        while served > p.filed_on and deadlines.due(DeadlineKind.PARTY_ANSWER, served).date >= p.decided_on:
            served -= dt.timedelta(days=1)
        return max(served, p.filed_on)
    back = 1 if p.extra.get("waiting") else 12
    return max(_working_day(today - dt.timedelta(days=back), today), p.filed_on)


def _advance(actor, case: Case, *stages, notes=None, served_on=None) -> Case:
    notes = notes or {}
    default = {
        CaseStage.INVESTIGATION: "经负责人批准立案，开展调查取证：现场检查、询问当事人、调取相关票据。",
        CaseStage.REVIEW: "调查终结，承办人员提交《案件调查终结报告》，移送案件审核。",
        CaseStage.LEGAL_REVIEW: "拟作出重大执法决定，移送法制审核。",
        CaseStage.NOTICE: NOTICE_NOTES[case.pk % len(NOTICE_NOTES)],
        CaseStage.SERVICE: "《行政处罚决定书》已直接送达当事人，当事人签收《送达回证》。",
        CaseStage.EXECUTION: "当事人已签收决定书，进入执行环节，督促当事人按期履行。",
    }
    for stage in stages:
        extra = {"notice_served_on": served_on} if stage == CaseStage.NOTICE and served_on else {}
        case = services.case_advance(actor=actor, case=case, to_stage=stage, note=notes.get(stage, default[stage]), **extra)
    return case


def _review(reviewer, case: Case, result=ReviewResult.PASSED, opinion: str = "") -> None:
    opinion = opinion or ("经审核，本案事实清楚，证据确凿，适用依据正确，程序合法，拟作出的处罚决定适当，同意作出处罚决定。"
                          if result == ReviewResult.PASSED else "经审核，本案涉案货值金额的认定证据不足，请补充调取进销货台账后重新报审。")
    services.legal_review_record(actor=reviewer, case=case, result=result, opinion=opinion)


def _propose(actor, case: Case, p: Plan) -> None:
    """The handlers' 拟处罚意见 for a case waiting for 法制审核: the middle of the benchmark range for its circumstance."""
    spec = p.standard
    lo, hi = {Circumstance.LIGHTER: spec.ranges[0:2], Circumstance.GENERAL: spec.ranges[2:4], Circumstance.HEAVIER: spec.ranges[4:6]}[p.circumstance]
    fine = M((lo + hi) // 2 // spec.step * spec.step)
    case_proposal_record(
        actor=actor, case=case, penalty_types=[PenaltyType.FINE], fine_amount=fine, circumstance=p.circumstance, legal_basis=spec.penalty_basis,
        note="拟作出重大执法决定，报请法制审核。",
    )


def _decide(actor, rng: random.Random, case: Case, p: Plan, **override):
    spec = p.standard
    fine = _fine(rng, spec, p.circumstance) if spec else M("500")
    income = M(rng.randint(6, 80) * 100) if spec and PenaltyType.CONFISCATE_INCOME in spec.extra_types else M("0")
    types = [PenaltyType.FINE, *[t for t in (spec.extra_types if spec else ()) if t != PenaltyType.WARNING]]
    if spec and PenaltyType.WARNING in spec.extra_types:
        types.insert(0, PenaltyType.WARNING)
    out_of_range_reason = ""
    if p.out_of_range:
        fine = M(max(spec.ranges[0] // 2, spec.step))
        out_of_range_reason = ("当事人主动消除违法行为危害后果，积极配合调查并如实陈述违法事实，依据《中华人民共和国行政处罚法》第三十二条第（一）项，"
                               "在法定幅度内减轻处罚，低于裁量基准从轻情形下限，已经法制审核。")
    if p.extra.get("heavy"):
        types.append(spec.heavy_penalty_types[0])
    parts = []
    if PenaltyType.WARNING in types:
        parts.append("警告")
    if income:
        parts.append(f"没收违法所得{income}元")
    parts.append(f"罚款{fine}元")
    if p.extra.get("heavy"):
        parts.append("吊销《食品经营许可证》" if spec.heavy_penalty_types[0] == "revoke_licence" else "责令停产停业")
    content = "；".join(f"{i}. {text}" for i, text in enumerate(parts, start=1)) + "。"
    facts = _facts(rng, spec, p.filed_on, income, p.entity.industry_code) if spec else p.extra.get("facts", "")
    fields = {
        "penalty_types": types, "fine_amount": fine, "confiscation_amount": income, "circumstance": p.circumstance, "facts": facts,
        "evidence": spec.evidence if spec else "询问笔录、网络交易记录截图、进货凭证", "legal_basis": spec.penalty_basis if spec else "",
        "penalty_content": content, "performance": PERFORMANCE, "decided_on": p.decided_on, "out_of_range_reason": out_of_range_reason,
    }
    fields.update(override)
    return services.penalty_decision_issue(actor=actor, case=case, **fields)


def _seed_case(p: Plan, ctx: dict) -> Case:
    depts, roster, rng = ctx["depts"], ctx["roster"], ctx["rng"]
    actor = ctx["heads"].get(p.dept) or ACTOR
    reviewer = ctx["reviewers"][p.dept]
    party, title = _case_key(p)
    first = ctx["officer"] if p.dept == "ZZSJ" and ctx["officer"] is not None and rng.random() < 0.3 else None
    handlers = roster.handlers(p.dept, p.entity.uscc if p.entity else "", first=first)
    heavy = p.extra.get("heavy")
    # 重大执法决定 (法制审核 first): heavy penalties, and fines from 100,000 yuan on an organisation.
    major = p.major or heavy or bool(p.standard and p.target in ("published", "revoked") and p.standard.ranges[2] >= MAJOR_FINE)
    complaint, result = p.extra.get("complaint"), p.extra.get("result")
    if complaint is not None:
        case = services.complaint_convert_to_case(actor=actor, complaint=complaint, handlers=handlers, title=title, party_name=party,
                                                  standard=ctx["standards"].get(p.standard.code), is_major=major)
    else:
        source, source_note = (CaseSource.INSPECTION, "") if result is not None else [
            (CaseSource.MONITORING, "网络交易监测发现的违法线索（监测编号 JC-2026-{:04d}）"),
            (CaseSource.TRANSFER_IN, "郑州市公安局移送的线索（郑公移〔2026〕{}号）"),
            (CaseSource.OTHER, "日常监督检查中发现"),
        ][len(ctx["cases"]) % 3]
        case = services.case_open(
            actor=actor, department=depts[p.dept], party_name=party, title=title, source=source, handlers=handlers,
            entity_uscc=p.entity.uscc if p.entity else "", filed_on=p.filed_on, source_note=source_note.format(100 + len(ctx["cases"])),
            standard=ctx["standards"][p.standard.code] if p.standard else None, is_major=major, party_is_minor=p.target == "minor", source_result=result,
            note="经初步核查，有证据初步证明涉嫌违法，依法报请负责人批准立案。",
        )
    ctx["cases"].append(case)
    target = p.target
    if target == CaseStage.FILED:
        return case
    case = _advance(actor, case, CaseStage.INVESTIGATION)
    if target == CaseStage.INVESTIGATION or target in (CaseOutcome.JUDICIAL_TRANSFER, CaseOutcome.TRANSFER_OUT, CaseOutcome.WITHDRAWN):
        if target in CaseOutcome.values:
            case = services.case_close(actor=actor, case=case, outcome=target, note=p.extra["note"], closed_on=p.closed_on)
        return case
    case = _advance(actor, case, CaseStage.REVIEW)
    if target == CaseStage.REVIEW:
        return case
    if target in (CaseOutcome.NO_PENALTY, CaseOutcome.FIRST_VIOLATION):
        return services.case_close(actor=actor, case=case, outcome=target, note=p.extra["note"], closed_on=p.closed_on)
    reviewed = major or p.out_of_range
    if reviewed:
        if target in (CaseStage.LEGAL_REVIEW, "returned") and p.standard:
            _propose(actor, case, p)  # what the 法制审核 screen shows the reviewer (issue 12 §6)
        case = _advance(actor, case, CaseStage.LEGAL_REVIEW)
        if target == CaseStage.LEGAL_REVIEW:
            return case
        if target == "returned":
            _review(reviewer, case, ReviewResult.RETURNED)
            return Case.objects.get(pk=case.pk)
        _review(reviewer, case)
    served_on = _served_on(p, timezone.localdate())
    case = _advance(actor, case, CaseStage.NOTICE, served_on=served_on)
    if p.decided_on and deadlines.due(DeadlineKind.PARTY_ANSWER, served_on).date >= p.decided_on:
        # Decided within the 5 working days: the party had waived its rights in writing.
        case = case_rights_waive(actor=actor, case=case, waived_on=served_on, note="当事人签署《放弃陈述、申辩和听证权利声明书》。")
    if target == CaseStage.NOTICE:
        return case
    if target == "warning":
        services.penalty_decision_issue(
            actor=actor, case=case, penalty_types=[PenaltyType.WARNING], facts=_facts(rng, p.standard, p.filed_on, M(0), p.entity.industry_code),
            evidence=p.standard.evidence,
            legal_basis=p.standard.penalty_basis, penalty_content="警告，并责令立即改正。", performance=PERFORMANCE_WARNING, decided_on=p.decided_on,
            circumstance=Circumstance.LIGHTER,
        )
        return case
    if target == "simplified":
        # 行政处罚法 第51条: 简易程序 for a fine of up to 3,000 yuan on an organisation (当场处罚).
        fine = M(rng.choice([200, 300, 500]))
        _decide(actor, rng, case, p, procedure=Procedure.SIMPLIFIED, fine_amount=fine, circumstance=Circumstance.LIGHTER,
                penalty_content=f"罚款人民币{fine}元，当场收缴并出具专用票据。", performance="当场缴纳罚款，执法人员出具省财政部门统一制发的专用票据。")
        return case
    if target == "minor":
        services.penalty_decision_issue(
            actor=actor, case=case, penalty_types=[PenaltyType.WARNING, PenaltyType.CONFISCATE_PROPERTY], decided_on=p.decided_on,
            facts="经查，当事人经营者（已满十六周岁不满十八周岁）通过社交平台销售未经备案的进口化妆品12件，货值金额960元。",
            evidence="询问笔录、网络交易记录截图、涉案物品清单", legal_basis="《化妆品监督管理条例》第六十一条；《中华人民共和国行政处罚法》第三十条",
            penalty_content="1. 警告；2. 没收涉案化妆品12件。（当事人系未成年人，依法从轻处罚）", performance=PERFORMANCE_WARNING,
            circumstance=Circumstance.LIGHTER,
        )
        return case
    decision = _decide(actor, rng, case, p)
    ctx["decisions"].append((p, decision))
    if target == "published":
        stages = {CaseStage.DECISION: (), CaseStage.SERVICE: (CaseStage.SERVICE,), CaseStage.EXECUTION: (CaseStage.SERVICE, CaseStage.EXECUTION),
                  CaseStage.CLOSED: (CaseStage.SERVICE, CaseStage.EXECUTION)}[p.stage_after]
        case = _advance(actor, case, *stages)
        if p.stage_after == CaseStage.CLOSED:
            case = services.case_close(actor=actor, case=case, outcome=CaseOutcome.PENALTY, closed_on=p.closed_on,
                                       note="当事人已按期缴纳罚没款（见银行缴款凭证），处罚决定执行完毕，经负责人批准结案。")
    return case


# --- complaints --------------------------------------------------------------------------------

COMPLAINT_TOPICS = {
    "ZZSJ": [
        ("H62", "在该店就餐时发现菜品中有头发和苍蝇，后厨卫生状况很差，要求店家赔偿并请监管部门查处。"),
        ("F5212", "在该超市购买的酸奶已过保质期三天，货架上还有多盒同批次产品在售，要求退一赔十。"),
        ("F52", "该店商品不明码标价，结账时收取的价格明显高于口头报价，店员拒绝出示价目表。"),
        ("F5232", "该店“双十一”促销标注原价899元现价299元，但从未以原价销售过，涉嫌虚构原价。"),
        ("O8040", "办理了5000元的美容储值卡后，门店以装修为由停止营业，无法联系到负责人，余额无法退还。"),
        ("L72", "该公司在短视频平台发布广告，宣称其产品可以“根治糖尿病”，涉嫌虚假宣传。"),
        ("F5251", "该药店向消费者推销保健食品时宣称可以替代降压药，并诱导老人高价购买。"),
        ("I6432", "在该平台下单的社区团购生鲜商品缺斤少两，客服不予处理。"),
        ("H6291", "该早餐店从业人员未戴口罩、手套直接用手拿取包子，也没有健康证公示。"),
        ("F5261", "购车时被强制要求购买指定保险和装饰套餐，否则不予交车。"),
    ],
    "ZZWJ": [
        ("O8051", "该浴池的池水浑浊有异味，更衣室毛巾重复使用未消毒。"),
        ("Q8425", "该诊所的坐诊人员没有医师执业证书，却给病人输液、开处方。"),
        ("O8040", "该美容店在店内给顾客注射玻尿酸，操作人员不是医生，店里也没有医疗机构执业许可证。"),
        ("H6121", "入住该酒店时发现床单有污渍、毛发，明显未更换，卫生间杯具没有消毒。"),
        ("R8930", "该健身房的游泳池水质浑浊，长期没有换水，游泳后皮肤瘙痒。"),
    ],
}
OUTCOMES = {
    ComplaintVerdict.VERIFIED: "经现场核查，反映的问题属实。已责令当事人立即改正，并依法处理；当事人已整改到位。",
    ComplaintVerdict.PARTLY: "经现场核查，反映的问题部分属实：现场发现部分问题并已责令当事人改正；其余问题未发现相关证据。",
    ComplaintVerdict.UNFOUNDED: "经现场核查和调取相关记录，未发现反映的问题，投诉举报内容不属实。",
    ComplaintVerdict.OUT_OF_SCOPE: "经核实，反映的问题不属于本部门职责范围，已告知向有管辖权的部门反映。",
}
# (state, verdict or "", how many) per channel mix below; converted complaints become cases.
COMPLAINT_MIX = (
    [(ComplaintState.RECEIVED, "")] * 14 + [(ComplaintState.HANDLING, "")] * 14
    + [(ComplaintState.CLOSED, ComplaintVerdict.VERIFIED)] * 7 + [(ComplaintState.CLOSED, ComplaintVerdict.PARTLY)] * 4
    + [(ComplaintState.CLOSED, ComplaintVerdict.UNFOUNDED)] * 8 + [(ComplaintState.CLOSED, ComplaintVerdict.OUT_OF_SCOPE)] * 4
    + [(ComplaintState.CLOSED, ComplaintVerdict.CONVERTED)] * 6
)
SPIKE = 3  # verified complaints about one entity (issue 6 §1: ≥3 in 30 days warns)


def _reporter(rng: random.Random) -> dict:
    """A plausible, made-up reporter: confidential, never shown publicly."""
    from supervision.management.commands.seed_demo import person_name

    name = person_name(rng) if rng.random() < 0.8 else ""
    phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 9999):04d}{rng.randint(0, 9999):04d}" if rng.random() < 0.9 else ""
    email = f"user{rng.randint(1000, 9999)}@example.com" if rng.random() < 0.3 else ""
    return {"reporter_name": name, "contact_phone": phone, "contact_email": email}


def seed_complaints(ctx: dict) -> dict:
    rng = random.Random(f"{SEED}:complaints")
    roster, depts = ctx["roster"], ctx["depts"]
    channels = [ComplaintChannel.WEB, ComplaintChannel.HOTLINE_12345, ComplaintChannel.HOTLINE_12315]
    added = closed = converted = 0
    spike = {"entity": None, "text": "", "count": 0}  # the first verified ZZSJ entity is verified SPIKE times
    for n, (state, verdict) in enumerate(COMPLAINT_MIX):
        spiking = verdict == ComplaintVerdict.VERIFIED and 0 < spike["count"] < SPIKE
        dept = "ZZSJ" if spiking or verdict == ComplaintVerdict.VERIFIED else "ZZWJ" if n % 4 == 3 else "ZZSJ"
        channel = channels[n % 3] if dept == "ZZSJ" else (ComplaintChannel.WEB, ComplaintChannel.HOTLINE_12345)[n % 2]
        industry, text = COMPLAINT_TOPICS[dept][(n * 7) % len(COMPLAINT_TOPICS[dept])]
        if spiking:
            entity, text = spike["entity"], spike["text"]
        else:
            entity = roster.entity((industry,), exclude_prefixes=("I6450",))
        if entity is None:
            continue
        if verdict == ComplaintVerdict.VERIFIED and spike["entity"] is None:
            spike.update(entity=entity, text=text)
        if verdict == ComplaintVerdict.VERIFIED and spike["entity"] is entity:
            spike["count"] += 1
        content = f"{text}（涉及门店：{entity.name}）"
        if spiking:
            content = f"{text}（涉及门店：{entity.name}。此前已反映过，问题依旧，第{spike['count']}次反映）"
        if Complaint.objects.filter(entity_name=entity.name, content=content).exists():
            continue
        external = ""
        if channel == ComplaintChannel.HOTLINE_12345:
            external = f"ZZ12345-2026{rng.randint(10, 11):02d}{rng.randint(100000, 999999)}"
        elif channel == ComplaintChannel.HOTLINE_12315:
            external = f"1410100{rng.randint(2026000000000, 2026999999999)}"
        actor = ctx["officials"].get(dept) or ACTOR
        complaint, _code = services.complaint_file(
            actor=ACTOR if channel == ComplaintChannel.WEB else actor, entity_name=entity.name, entity_uscc=entity.uscc, content=content,
            kind=ComplaintKind.REPORT if n % 5 == 1 else ComplaintKind.COMPLAINT, channel=channel, department=depts[dept], external_no=external,
            whistleblower=n % 17 == 6, **_reporter(rng),
        )
        added += 1
        if state == ComplaintState.RECEIVED:
            continue
        services.complaint_accept(actor=actor, complaint=complaint, note="已受理，安排执法人员核查。")
        if state == ComplaintState.HANDLING:
            continue
        if verdict == ComplaintVerdict.CONVERTED:
            spec = next((s for s in STANDARDS[dept] if s.industries and any(entity.industry_code.startswith(i) for i in s.industries)), STANDARDS[dept][0])
            stage = (CaseStage.FILED, CaseStage.INVESTIGATION, CaseStage.REVIEW)[converted % 3]
            _seed_case(Plan(dept=dept, standard=spec, entity=entity, target=stage, filed_on=timezone.localdate(),
                            extra={"complaint": complaint}), ctx)
            converted += 1
        else:
            services.complaint_close(actor=actor, complaint=complaint, verdict=verdict, outcome=OUTCOMES[verdict])
        closed += 1
    return {"added": added, "closed": closed, "converted": converted}


# --- the whole demo ----------------------------------------------------------------------------


def _continue_numbering(depts: dict, years) -> None:
    """Decisions already pushed to credit (the credit demo's ``郑市监罚〔2026〕N号``) keep their numbers;
    the new ones continue after them."""
    from credit.models import CreditRecord

    for dept in depts.values():
        for year in years:
            prefix = f"{dept.short_name or dept.name}罚〔{year}〕"
            pattern = re.compile(rf"{re.escape(prefix)}(\d+)号")
            used = CreditRecord.objects.filter(department=dept, source_ref__startswith=prefix).values_list("source_ref", flat=True)
            top = max((int(m.group(1)) for ref in used if (m := pattern.fullmatch(ref))), default=0)
            if top:
                services.document_sequence_continue(actor=ACTOR, department=dept, kind="罚", year=year, last_number=top)


def _feature(ctx: dict) -> int:
    by_kind = {}
    for p, decision in ctx["decisions"]:
        if p.target == "published" and p.standard is not None:
            by_kind.setdefault(p.standard.code, []).append(decision)
    featured = 0
    for key, note in zip(FEATURED_CODES, FEATURE_NOTES, strict=True):
        for decision in by_kind.get(key, []):
            disclosure = PenaltyDisclosure.objects.get(decision=decision)
            if disclosure.state == DisclosureState.PUBLISHED:
                services.disclosure_feature(actor=ctx["officials"].get(decision.department.code) or ACTOR, disclosure=disclosure, featured=True,
                                            note=note)
                featured += 1
                break
    return featured


def seed_enforcement_demo(*, stdout=None) -> dict:
    """Seed the enforcement demo through the services; returns what was added. Running it again adds nothing."""
    depts = {d.code: d for d in Department.objects.filter(code__in=DEPARTMENTS)}
    if set(depts) != set(DEPARTMENTS):
        if stdout:
            stdout.write(f"  执法监管演示数据：缺少部门 {'、'.join(sorted(set(DEPARTMENTS) - set(depts)))}，跳过")
        return {}
    started = time.monotonic()
    today = timezone.localdate()
    rng = random.Random(SEED)
    stats = {}
    decisions_before = PenaltyDecision.objects.count()
    with transaction.atomic():
        roster = Roster(rng, depts, today, today - dt.timedelta(days=220))
        logins = seed_logins(depts, roster)
        User = get_user_model()
        officials = {code: User.objects.filter(username=code.lower()).first() for code in DEPARTMENTS}
        ctx = {
            "depts": depts, "roster": roster, "rng": rng, "cases": [], "decisions": [],
            "officials": {k: v for k, v in officials.items() if v is not None},
            "reviewers": {"ZZSJ": logins["users"]["fzsh"], "ZZWJ": logins["users"]["wjfzsh"]},
            "heads": {"ZZSJ": logins["users"]["sjfzr"], "ZZWJ": logins["users"]["wjfzr"]},
            "officer": Inspector.objects.filter(user=logins["users"]["zfry"]).first(),
        }
        seeded = seed_standards(depts)
        ctx["standards"], stats["standards_added"] = seeded["standards"], seeded["added"]
        plans = _plans(rng, roster, today) + _inspection_plans(roster, today)
        # Issued in date order, so the gap-free numbers (立 and 罚) rise with the dates as they would have.
        plans.sort(key=lambda p: (p.decided_on or p.filed_on, p.filed_on))
        _continue_numbering(depts, sorted({p.decided_on.year for p in plans if p.decided_on}))
        for p in plans:
            party, title = _case_key(p)
            if Case.objects.filter(department=depts[p.dept], party_name=party, title=title).exists():
                continue
            _seed_case(p, ctx)
        demo_disclosure.seed_disclosure_rules(depts)  # 总局令第45号 for the market regulators, before publishing
        published = services.disclosures_publish(actor=ACTOR) if ctx["decisions"] else {"published": 0, "withdrawn": 0}
        for p, decision in ctx["decisions"]:
            if p.target == "revoked":
                services.decision_revoke(
                    actor=ctx["officials"].get(p.dept) or ACTOR, decision=decision, revoked_on=_working_day(p.decided_on + dt.timedelta(days=45), today),
                    reason="当事人申请行政复议，郑州市人民政府以认定违法所得的证据不足为由撤销该处罚决定（郑政复决〔2026〕58号），本机关将依法重新调查处理。",
                )
        stats["featured"] = _feature(ctx) if ctx["decisions"] else 0
        stats["complaints"] = seed_complaints(ctx)
        stats["early_stop"] = demo_disclosure.seed_early_stop(today)
    stats.update(
        logins_added=logins["added"], cases_added=len(ctx["cases"]), decisions_added=PenaltyDecision.objects.count() - decisions_before,
        published=published["published"], withdrawn=published["withdrawn"],
    )
    if ctx["cases"] or stats["complaints"]["added"]:
        from credit.scan import run_risk_scan

        run_risk_scan(trigger="seed_demo")  # the 投诉举报激增 warning, as the nightly scan leaves it
    stats["seconds"] = round(time.monotonic() - started, 1)
    if stdout:
        _report(stdout, stats)
    return stats


def _report(stdout, stats: dict) -> None:
    cases = Case.objects.filter(department__code__in=DEPARTMENTS)
    by_stage = dict(cases.values_list("stage").annotate(n=Count("id")).order_by())
    labels = dict(CaseStage.choices)
    stdout.write(f"执法监管演示数据已就绪（用时 {stats['seconds']} 秒）：")
    stdout.write(f"  执法案件：新增 {stats['cases_added']}，共 {cases.count()}（" + "，".join(f"{labels[s]} {by_stage.get(s, 0)}" for s in labels) + "）")
    public = PenaltyDisclosure.objects.filter(state=DisclosureState.PUBLISHED)
    stdout.write(f"  处罚决定：新增 {stats['decisions_added']}，本次公示 {stats['published']}；"
                 f"已公示共 {public.count()}，其中曝光台 {public.filter(featured=True).count()}")
    complaints = Complaint.objects.all()
    stdout.write(f"  投诉举报：新增 {stats['complaints']['added']}，共 {complaints.count()}（办结 {complaints.filter(state=ComplaintState.CLOSED).count()}）")
    stdout.write("  演示账号：zfry / demo12345（执法人员）；fzsh / demo12345（法制审核人员，市场监管）；wjfzsh / demo12345（法制审核人员，卫生健康）；"
                 "sjfzr / wjfzr / demo12345（部门负责人）")

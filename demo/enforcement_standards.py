"""Enforcement demo data, part 1: the demo's constants and the discretion benchmarks (自由裁量基准)
of 郑州市市场监督管理局 (食品安全法, 广告法, 价格法, 电子商务法) and 郑州市卫生健康委员会 (公共场所卫生,
医疗机构管理), imported through the benchmark import service as an official's XLSX would be."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core.choices import Role
from credit.choices import PenaltyType
from enforcement import services
from enforcement.models import DiscretionStandard

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
MAJOR_FINE = (
    100000  # yuan: benchmarks whose 一般 range starts here make a 重大执法决定 (local 重大执法决定法制审核目录)
)
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
            "SJ-SP-001",
            "经营超过保质期的食品",
            f"{FOOD_LAW}第三十四条第（十）项",
            f"{FOOD_LAW}第一百二十四条第一款第（五）项",
            (50000, 65000, 65000, 85000, 85000, 100000),
            ("F5212", "F5211", "F5221", "F5224", "F5226", "H62"),
            "经查，当事人于{month}在其经营场所销售超过保质期的“{product}”，货值金额{value}元，违法所得{income}元。涉案食品已依法予以没收。",
            (
                "原味酸奶（200克/杯）",
                "全麦面包（400克/袋）",
                "速冻水饺（1千克/袋）",
                "低温鲜牛奶（950毫升/盒）",
                "H62|卤味鸭脖（250克/盒）",
                "H62|预包装辣椒酱（500克/瓶）",
                "F5226|罐装啤酒（500毫升/罐）",
            ),
            "现场检查笔录、询问笔录、涉案食品照片及扣押清单、进货票据、销售记录",
            (PenaltyType.CONFISCATE_INCOME,),
            ("revoke_licence",),
        ),
        StandardSpec(
            "SJ-SP-002",
            "未按规定查验记录食品进货",
            f"{FOOD_LAW}第五十三条第一款、第二款",
            f"{FOOD_LAW}第一百二十六条第一款第（三）项",
            (5000, 15000, 15000, 35000, 35000, 50000),
            ("F5212", "F5121", "F5123", "H62", "C14"),
            "经查，当事人自{month}起采购“{product}”等食品原料，未查验供货者的许可证和产品合格证明，未建立食品进货查验记录制度，"
            "涉及货值金额{value}元。",
            ("散装食用植物油", "冷冻鸡胸肉", "鲜切蔬菜", "面粉（25千克/袋）"),
            "现场检查笔录、询问笔录、采购单据、供货者资质材料（缺失）",
            (),
            ("suspend_business", "revoke_licence"),
        ),
        StandardSpec(
            "SJ-SP-003",
            "安排未取得健康证明的人员从事接触直接入口食品的工作",
            f"{FOOD_LAW}第四十五条",
            f"{FOOD_LAW}第一百二十六条第一款第（六）项",
            (5000, 15000, 15000, 35000, 35000, 50000),
            ("H62", "H6291", "C1411"),
            "经查，当事人于{month}安排3名未取得健康证明的人员从事凉菜制作和传菜等接触直接入口食品的工作。",
            ("凉菜间", "面点间", "传菜岗"),
            "现场检查笔录、询问笔录、员工花名册、排班表、现场照片",
            (),
            ("suspend_business",),
        ),
        StandardSpec(
            "SJ-SP-004",
            "餐具、饮具未按规定洗净、消毒",
            f"{FOOD_LAW}第三十三条第一款第（五）项",
            f"{FOOD_LAW}第一百二十六条第一款第（五）项",
            (5000, 15000, 15000, 35000, 35000, 50000),
            ("H62", "H6291"),
            "经查，当事人于{month}使用未经清洗消毒的餐具、饮具，经抽样检验大肠菌群项目不合格，餐饮具消毒设施未正常运转。",
            ("碗碟", "茶杯", "筷子"),
            "现场检查笔录、抽样单、检验报告、询问笔录、现场照片",
            (),
            ("suspend_business",),
        ),
        StandardSpec(
            "SJ-GG-001",
            "发布虚假广告",
            f"{AD_LAW}第四条、第二十八条",
            f"{AD_LAW}第五十五条第一款",
            (200000, 400000, 400000, 700000, 700000, 1000000),
            ("L7251", "L7259", "I6432", "F5251", "O8040"),
            "经查，当事人自{month}起在其微信公众号和短视频账号发布“{product}”的广告，宣称“七天见效”“无效退款”，"
            "所宣传的功效无事实依据，广告费用无法计算。",
            ("祛斑霜", "减肥代餐粉", "护眼贴", "助眠香囊"),
            "网页截图及公证书、询问笔录、广告制作合同、销售记录",
            (),
            ("revoke_licence",),
            10000,
        ),
        StandardSpec(
            "SJ-GG-002",
            "广告使用“国家级”“最高级”“最佳”等用语",
            f"{AD_LAW}第九条第（三）项",
            f"{AD_LAW}第五十七条第（一）项",
            (200000, 400000, 400000, 700000, 700000, 1000000),
            ("L7251", "L7259", "F5211", "F5232", "K7010"),
            "经查，当事人于{month}在其门店灯箱和网店详情页发布的“{product}”广告中使用“全网最低价”“国家级品质”“行业第一”等用语。",
            ("F5232|品牌服装", "F5211|家用净水器", "K7010|精装商品房", "智能手表"),
            "现场检查笔录、网页截图及公证书、询问笔录、广告发布记录",
            (),
            (),
            10000,
        ),
        StandardSpec(
            "SJ-GG-003",
            "普通商品广告涉及疾病治疗功能",
            f"{AD_LAW}第十七条",
            f"{AD_LAW}第五十八条第一款第（二）项",
            (100000, 130000, 130000, 170000, 170000, 200000),
            ("F5251", "F5234", "O8040", "I6432"),
            "经查，当事人于{month}在其经营场所张贴“{product}”的宣传海报，宣称“降血压、降血糖、治疗失眠”，广告费用无法计算。",
            ("富硒茶", "远红外理疗贴", "负离子床垫"),
            "现场检查笔录、宣传海报原件、询问笔录、进货票据",
            (),
            (),
            10000,
        ),
        StandardSpec(
            "SJ-JG-001",
            "不按规定明码标价",
            f"{PRICE_LAW}第十三条；《明码标价和禁止价格欺诈规定》第四条",
            f"{PRICE_LAW}第四十二条；《明码标价和禁止价格欺诈规定》第二十一条",
            (0, 1000, 1000, 3000, 3000, 5000),
            ("F52", "H6121", "O80", "R89"),
            "经查，当事人于{month}销售“{product}”等商品未标明价格，服务项目价目表未标明计价单位，经责令改正后逾期仍未改正。",
            (
                "F5223|进口水果礼盒",
                "F52|散装坚果",
                "F5232|羽绒服",
                "O80|洗剪吹服务",
                "H6121|客房服务",
                "R89|健身私教课",
                "部分商品",
            ),
            "现场检查笔录、责令改正通知书、现场照片、询问笔录",
            (),
            (),
            500,
        ),
        StandardSpec(
            "SJ-JG-002",
            "利用虚假的或者使人误解的价格手段诱骗消费者交易（价格欺诈）",
            f"{PRICE_LAW}第十四条第（四）项",
            f"{PRICE_LAW}第四十条；《价格违法行为行政处罚规定》第七条",
            (50000, 150000, 150000, 300000, 300000, 500000),
            ("F5211", "F5212", "F5232", "F5261", "H6121"),
            "经查，当事人于{month}开展促销活动时，标示“{product}”原价虚构、无交易记录，以虚构的原价作为折扣计算基准，"
            "违法所得{income}元。",
            (
                "F5232|冬季羽绒服",
                "H6121|酒店双人套餐",
                "F5211|家电套装",
                "F5212|白酒礼盒",
                "F5261|新车精品装饰套餐",
                "促销商品",
            ),
            "现场检查笔录、价签照片、销售记录、询问笔录、情况说明",
            (PenaltyType.CONFISCATE_INCOME,),
            (),
            5000,
        ),
        StandardSpec(
            "SJ-DS-001",
            "电子商务经营者未在首页显著位置公示营业执照信息",
            "《中华人民共和国电子商务法》第十五条",
            "《中华人民共和国电子商务法》第七十六条第一款第（一）项",
            (0, 2000, 2000, 6000, 6000, 10000),
            ("I6450", "I6432", "I6513"),
            "经查，当事人自{month}起通过网站和小程序从事“{product}”经营活动，未在首页显著位置持续公示营业执照信息。",
            ("数据标注服务", "算力租赁服务", "社区团购"),
            "网页截图及电子数据取证记录、询问笔录、营业执照",
            (),
            (),
            500,
        ),
    ],
    "ZZWJ": [
        StandardSpec(
            "WJ-GC-001",
            "公共场所安排未获得有效健康合格证明的从业人员从事直接为顾客服务的工作",
            "《公共场所卫生管理条例实施细则》第十条",
            "《公共场所卫生管理条例实施细则》第三十八条",
            (500, 1500, 1500, 3500, 3500, 5000),
            ("O8040", "O8051", "H6121", "R8930"),
            "经查，当事人于{month}安排2名未取得有效健康合格证明的从业人员从事“{product}”等直接为顾客服务的工作。",
            ("O8040|美容护理", "O8051|沐浴搓澡", "H6121|客房清扫", "R8930|健身指导", "顾客接待"),
            "现场检查笔录、询问笔录、从业人员名单、健康合格证明（缺失）",
            (PenaltyType.WARNING,),
            (),
            500,
        ),
        StandardSpec(
            "WJ-GC-002",
            "未按规定对公共场所的空气、微小气候、水质进行卫生检测",
            "《公共场所卫生管理条例实施细则》第十九条",
            "《公共场所卫生管理条例实施细则》第三十六条第（一）项",
            (500, 1000, 1000, 2000, 2000, 20000),
            ("O8051", "H6121", "R8930", "R9011"),
            "经查，当事人{month}以来未按规定对“{product}”的空气、微小气候和水质进行卫生检测，亦未公示检测结果。",
            ("R8930|游泳池", "O8051|浴池", "H6121|客房", "R9011|歌舞厅", "经营场所"),
            "现场检查笔录、询问笔录、卫生管理档案（缺失检测报告）",
            (PenaltyType.WARNING,),
            (),
            500,
        ),
        StandardSpec(
            "WJ-YL-001",
            "使用非卫生技术人员从事医疗卫生技术工作",
            "《医疗机构管理条例》第二十七条",
            "《医疗机构管理条例》第四十七条",
            (10000, 40000, 40000, 70000, 70000, 100000),
            ("Q8425",),
            "经查，当事人于{month}安排1名未取得医师资格的人员从事“{product}”等诊疗活动，涉及诊疗收入{income}元。",
            ("针灸推拿", "静脉输液", "口腔诊疗"),
            "现场检查笔录、处方及病历登记、询问笔录、人员资质材料",
            (),
            ("revoke_licence", "suspend_business"),
            5000,
        ),
        StandardSpec(
            "WJ-YL-002",
            "诊疗活动超出登记或者备案范围",
            "《医疗机构管理条例》第二十六条",
            "《医疗机构管理条例》第四十六条",
            (10000, 40000, 40000, 70000, 70000, 100000),
            ("Q8425", "O8040"),
            "经查，当事人于{month}超出登记的诊疗科目范围开展“{product}”项目，违法所得{income}元。",
            ("注射美容", "光子嫩肤", "激光脱毛", "Q8425|静脉输液"),
            "现场检查笔录、医疗机构执业许可证、收费记录、询问笔录",
            (PenaltyType.CONFISCATE_INCOME,),
            ("revoke_licence",),
            5000,
        ),
    ],
}


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
            rows.append(
                {
                    "code": spec.code,
                    "violation_type": spec.violation_type,
                    "violation_basis": spec.violation_basis,
                    "penalty_basis": spec.penalty_basis,
                    "lighter_min": lm,
                    "lighter_max": lx,
                    "general_min": gm,
                    "general_max": gx,
                    "heavier_min": hm,
                    "heavier_max": hx,
                    "heavy_penalty_types": list(spec.heavy_penalty_types),
                    "effective_from": STANDARDS_FROM,
                }
            )
        if rows:
            added += services.discretion_standards_import(actor=ACTOR, department=depts[code], rows=rows)["created"]
        for spec in specs:
            standards[spec.code] = (
                DiscretionStandard.objects.filter(department=depts[code], code=spec.code)
                .order_by("-effective_from")
                .first()
            )
    return {"standards": standards, "added": added}

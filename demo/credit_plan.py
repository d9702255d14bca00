"""Credit demo data for ``manage.py seed_demo`` (郑州市), the plan: records from several departments,
list entries, and grades in all four colours (``seed_credit_demo`` in demo/credit.py pushes it).

``manage.py seed_demo`` (demo/) seeds it after supervision's demo. Every write goes through the services:
``credit_records_push`` per department in batches, ``list_entry_add`` and ``list_entry_remove``.
Then ``evaluate()`` grades everyone once.

Deterministic and idempotent:
- Each demo entity (organisation code ``MA…``, see demo/city.py) gets a plan from its own RNG, seeded
  with ``SEED`` and its USCC. Entities are planned in USCC order, so document numbers such as
  ``郑市监罚〔2026〕12号`` are the same on every run.
- Dates count back from the demo's day: the day the credit demo was first seeded, read from the
  audit trail (the first push by ``ACTOR``), else today. A rerun on a later day therefore plans the
  same rows, with the same numbers, and adds none.
- Records are keyed by ``(department, source_ref)`` and list entries by
  ``(entity, list_type, decision_no)``. A row that exists is left as it is.

Target mix over the ~2,000 demo entities: about 70% 良好, 12% 警示, 12% 失信 and 6% 严重失信.

Then the remedies (``seed_remedies``, demo/credit_remedies.py): commitments of each type in each state, a few repair
applications and objections at each stage, through the commitment, repair and objection services.
"""

import datetime as dt
import random
from collections import Counter, defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models.functions import Substr
from django.utils import timezone

from core.models import AuditEvent
from core.workdays import add_working_days
from credit.choices import Grade, ListGround, ListType, Polarity, RecordCategory, RemovalReason, Severity
from supervision.models import MarketEntity

ACTOR = "task:seed_demo"
SEED = "credit-demo-v1"
DEMO_ORG_PREFIX = "MA"  # positions 9–10 of the demo entities' USCCs (demo.city.DEMO_ORG_PREFIX)
PUSH_BATCH = 1000
# Cumulative shares of the target grades; the rest (about 70%) stays 良好.
TARGETS = [(0.06, Grade.SERIOUSLY_DISHONEST), (0.18, Grade.DISHONEST), (0.30, Grade.WARNING)]

DSRY = "《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）"
COMMITMENT_BASIS = "《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）"
NEW_MECHANISM = (
    "《国务院办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见》（国办发〔2019〕35号）"
)
GUIDANCE = "《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）"
SERIOUS_LIST_BASIS = "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）第二条、第十条"
ABNORMAL_BASIS = {
    ListGround.NO_ANNUAL_REPORT: "《企业信息公示暂行条例》第十七条；《企业经营异常名录管理暂行办法》第四条第（一）项",
    ListGround.INFO_NOT_PUBLISHED: "《企业信息公示暂行条例》第十七条；《企业经营异常名录管理暂行办法》第四条第（二）项",
    ListGround.FALSE_INFO: "《企业信息公示暂行条例》第十七条；《企业经营异常名录管理暂行办法》第四条第（三）项",
    ListGround.UNREACHABLE: "《企业信息公示暂行条例》第十七条；《企业经营异常名录管理暂行办法》第四条第（四）项",
}
TAX_BASIS = "《中华人民共和国税收征收管理法》第四十五条、第四十六条；《欠税公告办法（试行）》（国家税务总局令第9号）"

# --- penalties: (title, facts, legal basis, fine range in yuan or None for 警告) -------------------------
MARKET = "market"  # the entity's registration authority (a 市场监督管理局)
PENALTIES = {
    MARKET: {
        Severity.MINOR: [
            (
                "未在经营场所醒目位置公示营业执照",
                "经查，当事人未将营业执照置于住所或者主要经营场所的醒目位置，系初次违法且危害后果轻微，已当场改正，给予警告。",
                "《中华人民共和国市场主体登记管理条例》第四十八条",
                None,
            ),
            (
                "商品价签标示不规范",
                "经查，当事人部分商品价签未标明规格、计价单位，已责令改正，给予警告。",
                "《中华人民共和国价格法》第十三条、第四十二条；《明码标价和禁止价格欺诈规定》第二十一条",
                None,
            ),
            (
                "从业人员健康证明过期仍从事接触直接入口食品工作",
                "经查，当事人1名从业人员健康证明已过期，仍从事接触直接入口食品的工作，已当场调离岗位。",
                "《中华人民共和国食品安全法》第一百二十六条第一款第（六）项",
                (500, 2000),
            ),
        ],
        Severity.GENERAL: [
            (
                "经营超过保质期的食品",
                "经查，当事人经营超过保质期的预包装食品，货值金额较小，涉案食品已没收并销毁。",
                "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项",
                (5000, 50000),
            ),
            (
                "未按规定明码标价",
                "经查，当事人销售商品、提供服务未按规定明码标价，经责令改正后仍未改正。",
                "《中华人民共和国价格法》第四十二条；《明码标价和禁止价格欺诈规定》第二十一条",
                (2000, 5000),
            ),
            (
                "对商品作引人误解的商业宣传",
                "经查，当事人在其网店页面宣称商品“全网销量第一”“国家级品质”，无事实依据，构成引人误解的商业宣传。",
                "《中华人民共和国反不正当竞争法》第八条第一款、第二十条第一款",
                (20000, 100000),
            ),
            (
                "销售不合格产品",
                "经抽样检验，当事人销售的产品经检验不合格，违法所得已没收。",
                "《中华人民共和国产品质量法》第四十九条",
                (5000, 50000),
            ),
            (
                "未建立并执行进货查验记录制度",
                "经查，当事人采购食品原料未查验供货者的许可证和产品合格证明，未建立进货查验记录。",
                "《中华人民共和国食品安全法》第一百二十六条第一款第（三）项",
                (5000, 20000),
            ),
            (
                "使用未经定期检验的特种设备",
                "经查，当事人使用的1台电梯超过检验有效期未申请定期检验，仍继续使用。",
                "《中华人民共和国特种设备安全法》第八十四条第（一）项",
                (30000, 100000),
            ),
            (
                "销售侵犯注册商标专用权的商品",
                "经查，当事人销售侵犯他人注册商标专用权的商品，涉案商品已没收。",
                "《中华人民共和国商标法》第六十条第二款",
                (10000, 80000),
            ),
        ],
        Severity.SERIOUS: [
            (
                "生产经营添加非食品用化学物质的食品",
                "经查，当事人在其生产的食品中添加非食品用化学物质，情节严重，除罚款外吊销食品经营许可证。",
                "《中华人民共和国食品安全法》第一百二十三条第一款第（一）项",
                (300000, 1500000),
                ListGround.LICENCE_REVOKED,
            ),
            (
                "销售假药",
                "经查，当事人销售的药品经检验为假药，货值金额较大，依法从重处罚。",
                "《中华人民共和国药品管理法》第一百一十六条",
                (500000, 2000000),
                ListGround.HEAVY_FINE,
            ),
            (
                "未经许可从事食品生产经营且拒不改正",
                "经查，当事人未取得食品生产许可从事食品生产，经责令改正拒不改正，责令停产停业。",
                "《中华人民共和国食品安全法》第一百二十二条",
                (100000, 500000),
                ListGround.BUSINESS_RESTRICTED,
            ),
            (
                "以欺骗手段取得许可证件",
                "经查，当事人提交虚假材料取得许可证件，依法撤销许可并从重处罚。",
                "《中华人民共和国行政许可法》第七十九条；《中华人民共和国食品安全法》第一百二十二条",
                (100000, 300000),
                ListGround.LICENCE_REVOKED,
            ),
        ],
    },
    "ZZHJ": {
        Severity.GENERAL: [
            (
                "超过排放标准排放大气污染物",
                "经监测，当事人排放的颗粒物浓度超过国家排放标准，已责令改正。",
                "《中华人民共和国大气污染防治法》第九十九条第（二）项",
                (100000, 300000),
            ),
            (
                "未按规定设置危险废物识别标志",
                "经查，当事人危险废物贮存场所未设置危险废物识别标志。",
                "《中华人民共和国固体废物污染环境防治法》第一百一十二条第一款第（一）项",
                (10000, 100000),
            ),
        ],
        Severity.SERIOUS: [
            (
                "通过暗管逃避监管排放水污染物",
                "经查，当事人通过暗管排放生产废水，逃避监管，责令停产整治。",
                "《中华人民共和国水污染防治法》第八十三条第（三）项",
                (200000, 1000000),
                ListGround.BUSINESS_RESTRICTED,
            ),
        ],
    },
    "ZZYJ": {
        Severity.GENERAL: [
            (
                "未按规定对从业人员进行安全生产教育和培训",
                "经查，当事人3名从业人员未经安全生产教育和培训即上岗作业。",
                "《中华人民共和国安全生产法》第九十七条第（三）项",
                (10000, 100000),
            ),
            (
                "危险化学品储存不符合国家标准",
                "经查，当事人将危险化学品与禁忌物料混合储存。",
                "《危险化学品安全管理条例》第八十条第一款第（五）项",
                (50000, 100000),
            ),
        ],
        Severity.SERIOUS: [
            (
                "未取得危险化学品经营许可证经营危险化学品",
                "经查，当事人未取得危险化学品经营许可证从事危险化学品经营，责令停止经营活动。",
                "《危险化学品安全管理条例》第七十七条第三款",
                (100000, 200000),
                ListGround.BUSINESS_RESTRICTED,
            ),
        ],
    },
    "ZZWJ": {
        Severity.GENERAL: [
            (
                "公共场所卫生检测不合格",
                "经抽检，当事人公共用品用具卫生检测不合格，经责令限期改正，逾期未改正。",
                "《公共场所卫生管理条例实施细则》第三十六条",
                (1000, 20000),
            ),
            (
                "使用非卫生技术人员从事医疗卫生技术工作",
                "经查，当事人使用1名未取得执业资格的人员从事医疗卫生技术工作。",
                "《医疗机构管理条例》第四十七条",
                (20000, 50000),
            ),
        ],
        Severity.SERIOUS: [
            (
                "未取得医疗机构执业许可证擅自执业",
                "经查，当事人未取得医疗机构执业许可证擅自开展诊疗活动，责令停止执业活动。",
                "《中华人民共和国基本医疗卫生与健康促进法》第九十九条",
                (100000, 300000),
                ListGround.BUSINESS_RESTRICTED,
            ),
        ],
    },
    "ZZJT": {
        Severity.GENERAL: [
            (
                "未取得道路运输经营许可擅自从事道路运输经营",
                "经查，当事人未取得道路运输经营许可，擅自从事道路普通货物运输经营。",
                "《中华人民共和国道路运输条例》第六十三条",
                (30000, 100000),
            ),
            (
                "货运车辆超限运输",
                "经检测，当事人货运车辆车货总质量超过规定限值。",
                "《公路安全保护条例》第六十四条",
                (5000, 30000),
            ),
        ],
    },
    "ZZJS": {
        Severity.GENERAL: [
            (
                "未取得施工许可证擅自施工",
                "经查，当事人承建的项目未取得施工许可证即开工建设，已责令停止施工、限期改正。",
                "《中华人民共和国建筑法》第六十四条",
                (20000, 100000),
            ),
        ],
        Severity.SERIOUS: [
            (
                "违反工程建设强制性标准降低工程质量",
                "经查，当事人在施工中偷工减料，使用不合格的建筑材料，责令停业整顿。",
                "《建设工程质量管理条例》第六十四条",
                (300000, 1000000),
                ListGround.BUSINESS_RESTRICTED,
            ),
        ],
    },
    "ZZWL": {
        Severity.MINOR: [
            (
                "娱乐场所未按规定悬挂警示标志",
                "经查，当事人未在显著位置悬挂未成年人禁入标志，已当场改正，给予警告。",
                "《娱乐场所管理条例》第五十一条",
                None,
            ),
        ],
        Severity.GENERAL: [
            (
                "互联网上网服务营业场所接纳未成年人",
                "经查，当事人营业场所内有2名未成年人上网。",
                "《互联网上网服务营业场所管理条例》第三十一条第（二）项",
                (5000, 15000),
            ),
        ],
    },
    "ZZNY": {
        Severity.GENERAL: [
            (
                "经营未取得登记证的农药",
                "经查，当事人经营未依法取得农药登记证的农药，涉案农药已没收。",
                "《农药管理条例》第五十五条第一款第（一）项",
                (5000, 50000),
            ),
        ],
        Severity.MINOR: [
            (
                "未按规定建立养殖档案",
                "经查，当事人未按规定建立畜禽养殖档案，已责令限期改正，给予警告。",
                "《中华人民共和国畜牧法》第八十六条",
                None,
            ),
        ],
    },
    "ZZSW": {
        Severity.GENERAL: [
            (
                "单用途商业预付卡发卡企业未按规定备案",
                "经查，当事人发行单用途商业预付卡未按规定办理备案，经责令限期改正，逾期仍未改正。",
                "《单用途商业预付卡管理办法（试行）》第三十六条",
                (10000, 30000),
            ),
        ],
    },
    "ZZJY": {
        Severity.GENERAL: [
            (
                "超出办学许可范围开展培训活动",
                "经查，当事人超出办学许可范围招收学员、开展培训，已责令限期改正。",
                "《中华人民共和国民办教育促进法》第六十二条",
                (10000, 50000),
            ),
        ],
    },
}

# Other departments with a say over an industry (GB/T 4754 prefix, longest first wins).
INDUSTRY_DEPARTMENTS = [
    ("G5435", ["ZZYJ", "ZZJT"]),
    ("F5265", ["ZZYJ"]),
    ("K7010", ["ZZJS"]),
    ("F5211", ["ZZSW"]),
    ("F5212", ["ZZSW"]),
    ("O80", ["ZZWJ", "ZZSW"]),
    ("H61", ["ZZWJ"]),
    ("C", ["ZZHJ", "ZZYJ"]),
    ("G", ["ZZJT"]),
    ("E", ["ZZJS"]),
    ("R", ["ZZWL"]),
    ("Q", ["ZZWJ"]),
    ("P", ["ZZJY"]),
    ("A", ["ZZNY"]),
]

# Licences (行政许可, positive): (industry prefix, department or MARKET, title, number pattern, legal basis).
# Number patterns get ``year``, ``n``, ``region`` and ``uscc``.
FOOD_TRADE = (
    "食品经营许可证",
    "JY{kind}{region}{n:06d}{check}",
    "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
)
LICENCES = [
    ("H62", MARKET, *FOOD_TRADE),
    ("F512", MARKET, *FOOD_TRADE),
    ("F5212", MARKET, *FOOD_TRADE),
    ("F522", MARKET, *FOOD_TRADE),
    (
        "C13",
        "ZZSJ",
        "食品生产许可证",
        "SC1{region}{n:06d}{check}",
        "《中华人民共和国食品安全法》第三十五条；《食品生产许可管理办法》",
    ),
    (
        "C14",
        "ZZSJ",
        "食品生产许可证",
        "SC1{region}{n:06d}{check}",
        "《中华人民共和国食品安全法》第三十五条；《食品生产许可管理办法》",
    ),
    (
        "F5251",
        "ZZSJ",
        "药品经营许可证（零售）",
        "豫CA371{n:04d}",
        "《中华人民共和国药品管理法》第五十一条；《药品经营和使用质量监督管理办法》",
    ),
    ("C", "ZZHJ", "排污许可证", "{uscc}001V", "《排污许可管理条例》第二条"),
    ("F5265", "ZZYJ", "危险化学品经营许可证", "豫郑危化经字〔{year}〕{n:06d}", "《危险化学品安全管理条例》第三十三条"),
    (
        "G54",
        "ZZJT",
        "道路运输经营许可证",
        "豫交运管许可郑字{region}{n:06d}号",
        "《中华人民共和国道路运输条例》第二十四条",
    ),
    (
        "G6020",
        "ZZJT",
        "道路运输经营许可证",
        "豫交运管许可郑字{region}{n:06d}号",
        "《中华人民共和国道路运输条例》第二十四条",
    ),
    ("E", "ZZJS", "建筑业企业资质证书", "D341{n:06d}", "《中华人民共和国建筑法》第十三条；《建筑业企业资质管理规定》"),
    (
        "K7010",
        "ZZJS",
        "商品房预售许可证",
        "郑房预售字〔{year}〕第{n}号",
        "《中华人民共和国城市房地产管理法》第四十五条",
    ),
    ("H61", "ZZWJ", "公共场所卫生许可证", "郑卫公证字〔{year}〕第{n:04d}号", "《公共场所卫生管理条例》第八条"),
    ("O80", "ZZWJ", "公共场所卫生许可证", "郑卫公证字〔{year}〕第{n:04d}号", "《公共场所卫生管理条例》第八条"),
    ("Q8425", "ZZWJ", "医疗机构执业许可证", "郑卫医证字〔{year}〕第{n:04d}号", "《医疗机构管理条例》第十五条"),
    ("R9011", "ZZWL", "娱乐经营许可证", "郑文旅娱许字〔{year}〕第{n:04d}号", "《娱乐场所管理条例》第九条"),
    ("R9013", "ZZWL", "网络文化经营许可证", "豫网文〔{year}〕{n:04d}号", "《互联网上网服务营业场所管理条例》第七条"),
    ("P83", "ZZJY", "民办学校办学许可证", "教民{region}{n:07d}号", "《中华人民共和国民办教育促进法》第十八条"),
    ("A03", "ZZNY", "动物防疫条件合格证", "（{region}）动防合字第{n:06d}号", "《中华人民共和国动物防疫法》第二十五条"),
]

INSPECTION_TOPICS = {
    MARKET: (
        "市场主体登记事项和信息公示情况",
        ["未按规定公示年度报告中的联系电话", "经营场所与登记住所不一致", "进货查验记录不完整"],
    ),
    "ZZHJ": ("排污单位污染物排放情况", ["自行监测记录不完整", "污染防治设施运行台账不规范"]),
    "ZZYJ": ("安全生产主体责任落实情况", ["安全生产教育培训档案不全", "应急预案未按规定演练"]),
    "ZZWJ": ("公共场所卫生管理情况", ["从业人员健康检查档案不全", "消毒记录不完整"]),
    "ZZJT": ("道路运输企业安全生产情况", ["车辆技术档案不全", "驾驶员安全教育记录缺失"]),
    "ZZJS": ("建筑施工现场质量安全情况", ["施工现场扬尘防治措施不到位", "特种作业人员持证记录不全"]),
    "ZZWL": ("文化市场经营场所情况", ["未按规定登记上网人员身份信息", "营业日志记录不全"]),
    "ZZNY": ("农资经营和畜禽养殖情况", ["农药经营台账不完整", "养殖档案记录不全"]),
    "ZZSW": ("单用途商业预付卡发行情况", ["预付卡资金存管比例不足"]),
    "ZZJY": ("校外培训机构办学情况", ["收费公示不完整"]),
}
COMPLAINTS = [
    "预付卡消费后商家拒不退还余额",
    "销售商品缺斤短两",
    "餐饮食品中发现异物",
    "不履行“三包”售后义务",
    "服务项目收费与宣传不符",
    "以赠品名义搭售商品",
]
COMMITMENTS = [
    ("食品经营许可", "食品安全管理制度文本"),
    ("公共场所卫生许可", "卫生检测报告"),
    ("道路运输经营许可", "停车场地使用证明"),
    ("住所（经营场所）登记", "住所使用证明"),
]


class Planner:
    """Builds the deterministic demo plan: records per department, and list entries."""

    def __init__(self, *, today: dt.date, depts: dict):
        self.today = today
        self.depts = depts
        self.counters = Counter()
        self.records = defaultdict(list)  # department code → record dicts as pushed
        self.entries = []  # list_entry_add arguments (+ "remove" for entries that were removed)

    # -- helpers --------------------------------------------------------------------------------
    def number(self, dept_code: str, kind: str, year: int) -> int:
        self.counters[dept_code, kind, year] += 1
        return self.counters[dept_code, kind, year]

    def ref(self, dept_code: str, kind: str, day: dt.date) -> str:
        """A document number such as 郑市监罚〔2026〕12号 (the department's short name, the kind, the year)."""
        return f"{self.depts[dept_code].short_name}{kind}〔{day.year}〕{self.number(dept_code, kind, day.year)}号"

    def day(self, rng, e, lo: int, hi: int) -> dt.date:
        """A day ``lo``–``hi`` days before the demo day, never before the entity was established."""
        day = self.today - dt.timedelta(days=rng.randint(lo, hi))
        founded = (e["established_on"] or dt.date(2000, 1, 1)) + dt.timedelta(days=7)
        return min(max(day, founded), self.today)

    def old_day(self, rng, e, lo: int, hi: int) -> dt.date | None:
        """As ``day``, or None when the entity did not exist then (history must not be moved later)."""
        day = self.today - dt.timedelta(days=rng.randint(lo, hi))
        return day if e["established_on"] is None or day >= e["established_on"] + dt.timedelta(days=7) else None

    def market(self, e) -> str:
        return e["authority"] if e["authority"] in self.depts else "ZZSJ"

    @staticmethod
    def industry_depts(e) -> list[str]:
        for prefix, codes in INDUSTRY_DEPARTMENTS:
            if e["industry_code"].startswith(prefix):
                return codes
        return []

    def add(
        self,
        dept_code,
        e,
        *,
        source_ref,
        category,
        polarity,
        title,
        content,
        decided_on,
        legal_basis,
        severity="",
        amount=None,
        restriction_ends_on=None,
    ):
        self.records[dept_code].append(
            {
                "source_ref": source_ref,
                "uscc": e["uscc"],
                "category": category,
                "polarity": polarity,
                "severity": severity,
                "title": title,
                "content": content,
                "decided_on": decided_on,
                "legal_basis": legal_basis,
                "amount": None if amount is None else Decimal(amount),
                "restriction_ends_on": restriction_ends_on,
            }
        )

    @staticmethod
    def fine(rng, bounds) -> int | None:
        if bounds is None:
            return None
        lo, hi = bounds
        return rng.randint(lo // 100, hi // 100) * 100

    # -- one entity -----------------------------------------------------------------------------
    def plan(self, e) -> None:
        rng = random.Random(f"{SEED}:{e['uscc']}")
        roll = rng.random()
        target = next((grade for bound, grade in TARGETS if roll < bound), Grade.GOOD)
        self.background(rng, e)
        {
            Grade.GOOD: self.good,
            Grade.WARNING: self.warning,
            Grade.DISHONEST: self.dishonest,
            Grade.SERIOUSLY_DISHONEST: self.seriously_dishonest,
        }[target](rng, e)

    def background(self, rng, e) -> None:
        """What most entities have: a licence, inspections without findings, now and then an award."""
        licence = next((spec for spec in LICENCES if e["industry_code"].startswith(spec[0])), None)
        if licence and rng.random() < 0.75:
            _prefix, dept_code, title, pattern, basis = licence
            dept_code = self.market(e) if dept_code == MARKET else dept_code
            day = self.day(rng, e, 30, 1000)
            n = self.number(dept_code, title, 0)
            ref = pattern.format(
                year=day.year,
                n=n,
                region=e["region_code"],
                uscc=e["uscc"],
                check=n % 10,
                kind=2 if e["industry_code"][0] == "H" else 1,
            )
            renewal = rng.random() < 0.3
            self.add(
                dept_code,
                e,
                source_ref=ref,
                category=RecordCategory.LICENCE,
                polarity=Polarity.POSITIVE,
                decided_on=day,
                legal_basis=basis,
                title=f"准予{'延续' if renewal else ''}行政许可：{title}",
                content=f"经审查，申请材料齐全、符合法定形式，决定准予{'延续' if renewal else ''}许可，颁发{title}（编号 {ref}），有效期5年。",
            )
        if rng.random() < 0.45:
            dept_code = (
                self.market(e)
                if rng.random() < 0.7 or not self.industry_depts(e)
                else rng.choice(self.industry_depts(e))
            )
            self.inspection(rng, e, dept_code, finding=None, day=self.day(rng, e, 20, 700))
        if rng.random() < 0.04:
            day = self.day(rng, e, 60, 700)
            self.add(
                "ZZSWJ",
                e,
                source_ref=self.ref("ZZSWJ", "税信A", day),
                category=RecordCategory.AWARD,
                polarity=Polarity.POSITIVE,
                title=f"{day.year - 1}年度纳税信用A级纳税人",
                content=f"经纳税信用评价，{day.year - 1}年度纳税信用级别为A级。",
                decided_on=day,
                legal_basis="《纳税信用管理办法（试行）》（国家税务总局公告2014年第40号）",
            )

    def inspection(self, rng, e, dept_code, *, finding, day, severity=Severity.MINOR) -> None:
        topic, _findings = INSPECTION_TOPICS.get(dept_code, INSPECTION_TOPICS[MARKET])
        ref = self.ref(dept_code, "检", day)
        if finding is None:
            self.add(
                dept_code,
                e,
                source_ref=ref,
                category=RecordCategory.INSPECTION,
                polarity=Polarity.NEUTRAL,
                decided_on=day,
                legal_basis=DSRY,
                title="“双随机、一公开”抽查：未发现问题",
                content=f"抽查事项：{topic}。检查结果：未发现问题。",
            )
        else:
            self.add(
                dept_code,
                e,
                source_ref=ref,
                category=RecordCategory.INSPECTION,
                polarity=Polarity.NEGATIVE,
                severity=severity,
                decided_on=day,
                legal_basis=DSRY,
                title="“双随机、一公开”抽查：发现问题，已责令改正",
                content=f"抽查事项：{topic}。检查发现：{finding}。已责令限期改正。",
            )

    def penalty(self, rng, e, severity, *, dept_code=None, day=None) -> tuple:
        """A penalty of this severity from the market regulator or an industry department; returns (dept, day, spec)."""
        if dept_code is None:
            others = [d for d in self.industry_depts(e) if severity in PENALTIES.get(d, {})]
            dept_code = rng.choice(others) if others and rng.random() < 0.35 else MARKET
        spec = rng.choice(PENALTIES[dept_code][severity])
        dept = self.market(e) if dept_code == MARKET else dept_code
        day = day or self.day(
            rng, e, *{Severity.MINOR: (3, 80), Severity.GENERAL: (10, 330), Severity.SERIOUS: (20, 1000)}[severity]
        )
        title, facts, basis, bounds = spec[:4]
        amount = self.fine(rng, bounds)
        punishment = f"罚款人民币{amount}元" if amount else "警告"
        if severity == Severity.SERIOUS and spec[4] == ListGround.LICENCE_REVOKED:
            punishment += "，吊销许可证件"
        elif severity == Severity.SERIOUS and spec[4] == ListGround.BUSINESS_RESTRICTED:
            punishment += "，责令停产停业"
        self.add(
            dept,
            e,
            source_ref=self.ref(dept, "罚", day),
            category=RecordCategory.PENALTY,
            polarity=Polarity.NEGATIVE,
            severity=severity,
            title=title,
            content=f"{facts}处罚决定：{punishment}。",
            decided_on=day,
            legal_basis=basis,
            amount=amount,
        )
        return dept, day, spec

    def entry(self, e, **kw) -> None:
        self.entries.append({"entity_uscc": e["uscc"], **kw})

    # -- by target grade ------------------------------------------------------------------------
    def good(self, rng, e) -> None:
        roll = rng.random()
        if roll < 0.05:
            # An old 一般 penalty whose window has closed: history, no longer counted.
            day = self.old_day(rng, e, 400, 900)
            if day:
                self.penalty(rng, e, Severity.GENERAL, day=day)
        elif roll < 0.08 and e["uscc"][:2] == "91":
            self.red_list(rng, e)
        elif roll < 0.10 and e["uscc"][:2] == "91":
            self.abnormal_removed(rng, e)

    def warning(self, rng, e) -> None:
        roll = rng.random()
        dept = self.market(e)
        if roll < 0.4:
            others = self.industry_depts(e)
            dept = rng.choice(others) if others and rng.random() < 0.4 else dept
            _topic, findings = INSPECTION_TOPICS.get(dept, INSPECTION_TOPICS[MARKET])
            self.inspection(rng, e, dept, finding=rng.choice(findings), day=self.day(rng, e, 3, 80))
        elif roll < 0.6:
            minors = [d for d in self.industry_depts(e) if Severity.MINOR in PENALTIES.get(d, {})]
            self.penalty(
                rng, e, Severity.MINOR, dept_code=rng.choice(minors) if minors and rng.random() < 0.5 else MARKET
            )
        elif roll < 0.85:
            day = self.day(rng, e, 30, 700)
            self.entry(
                e,
                list_type=ListType.KEY_ATTENTION,
                ground=ListGround.DISHONEST_BELOW_SERIOUS,
                legal_basis=NEW_MECHANISM,
                department=dept,
                decided_on=day,
                decision_no=self.ref(dept, "重关", day),
                facts="近两年内多次被投诉举报并经核实，且存在一般失信行为，未达到严重失信认定标准，列为重点关注对象，实施重点监管。",
            )
        else:
            # ≥3 verified complaints in 12 months (DOMAIN §3); some within 90 days, so the burst rule fires too.
            recent = rng.random() < 0.5
            for _ in range(rng.randint(3, 4)):
                day = self.day(rng, e, 2, 85 if recent else 330)
                topic = rng.choice(COMPLAINTS)
                self.add(
                    dept,
                    e,
                    source_ref=self.ref(dept, "投", day),
                    category=RecordCategory.COMPLAINT,
                    polarity=Polarity.NEGATIVE,
                    severity=Severity.MINOR,
                    decided_on=day,
                    title=f"经核实的投诉举报：{topic}",
                    content=f"消费者通过全国12315平台投诉，经调查核实：{topic}。已责令当事人改正，并督促与消费者和解。",
                    legal_basis="《市场监督管理投诉举报处理暂行办法》（国家市场监督管理总局令第20号）",
                )

    def dishonest(self, rng, e) -> None:
        roll = rng.random()
        enterprise = e["uscc"][:2] in ("91", "93")
        if roll < 0.45 or (roll < 0.72 and not enterprise):
            self.penalty(rng, e, Severity.GENERAL)
        elif roll < 0.72:
            self.abnormal(rng, e)
        elif roll < 0.87:
            day = self.day(rng, e, 15, 330)
            amount = self.fine(rng, (5000, 300000))
            self.add(
                "ZZSWJ",
                e,
                source_ref=self.ref("ZZSWJ", "欠税公告", day),
                category=RecordCategory.TAX_ARREARS,
                polarity=Polarity.NEGATIVE,
                severity=Severity.GENERAL,
                decided_on=day,
                amount=amount,
                legal_basis=TAX_BASIS,
                title="欠缴税款",
                content=f"截至{day.year}年{day.month}月{day.day}日，当事人欠缴增值税、城市维护建设税等税款合计人民币{amount}元，经催缴仍未缴纳，依法予以公告。",
            )
        else:
            matter, material = rng.choice(COMMITMENTS)
            dept = self.market(e)
            day = self.day(rng, e, 15, 330)
            self.add(
                dept,
                e,
                source_ref=self.ref(dept, "诺", day),
                category=RecordCategory.COMMITMENT,
                polarity=Polarity.NEGATIVE,
                severity=Severity.GENERAL,
                decided_on=day,
                legal_basis=COMMITMENT_BASIS,
                title=f"违反信用承诺：{matter}告知承诺未履行",
                content=f"当事人在办理{matter}时作出告知承诺，承诺限期补交{material}。经核查，逾期未履行承诺，承诺内容与实际情况不符。",
            )

    def seriously_dishonest(self, rng, e) -> None:
        if rng.random() < 0.6:
            # 严重违法失信名单: a heavier penalty, prior notice, then the decision (DOMAIN §3).
            dept, day, spec = self.penalty(rng, e, Severity.SERIOUS, dept_code=MARKET)
            notice = day - dt.timedelta(days=rng.randint(12, 30))
            decided = min(day + dt.timedelta(days=rng.randint(0, 10)), self.today)
            self.entry(
                e,
                list_type=ListType.SERIOUS,
                ground=spec[4],
                legal_basis=SERIOUS_LIST_BASIS,
                department=dept,
                decided_on=decided,
                notice_on=notice,
                decision_no=self.ref(dept, "严列", decided),
                facts=f"当事人{spec[0]}，已被依法{('吊销许可证件' if spec[4] == ListGround.LICENCE_REVOKED else '从重处罚')}。"
                f"作出列入决定前已于{notice:%Y年%m月%d日}告知当事人，当事人未在规定期限内提出陈述、申辩或者陈述、申辩理由不成立。",
            )
        else:
            dept, day, spec = self.penalty(rng, e, Severity.SERIOUS)
            if spec[4] == ListGround.BUSINESS_RESTRICTED and rng.random() < 0.5:
                record = self.records[dept][-1]
                record["restriction_ends_on"] = day + relativedelta(years=rng.choice([3, 4, 5]))

    # -- lists -----------------------------------------------------------------------------------
    def abnormal(self, rng, e) -> None:
        """An active 经营异常名录 entry; about a quarter listed more than 3 years ago (→ a proposal)."""
        dept = self.market(e)
        old = rng.random() < 0.25
        ground = rng.choice(list(ABNORMAL_BASIS))
        if ground == ListGround.NO_ANNUAL_REPORT:
            # No annual report by 30 June: the ground is established on 1 July.
            latest = self.today - relativedelta(years=3, days=20) if old else self.today - dt.timedelta(days=20)
            year = latest.year if dt.date(latest.year, 7, 1) <= latest else latest.year - 1
            if not old:
                year -= rng.randint(0, 1)
            established = dt.date(year, 7, 1)
            facts = f"未按照《企业信息公示暂行条例》第八条规定于{year}年6月30日前报送{year - 1}年度报告。"
            if e["established_on"] and e["established_on"] > dt.date(year - 1, 12, 31):
                ground, established = ListGround.UNREACHABLE, None
        else:
            established = None
        if established is None:
            established = self.old_day(rng, e, 1150, 1500) if old else self.day(rng, e, 25, 1000)
            if established is None:
                old, established = False, self.day(rng, e, 25, 1000)
            facts = {
                ListGround.INFO_NOT_PUBLISHED: "未在市场监督管理部门责令的期限内公示股东认缴和实缴的出资额、出资时间等即时信息。",
                ListGround.FALSE_INFO: "经抽查，公示的年度报告中从业人数、资产总额等信息隐瞒真实情况、弄虚作假。",
                ListGround.UNREACHABLE: "经实地核查并以挂号信函联系，通过登记的住所或者经营场所无法联系。",
            }.get(ground, "经实地核查并以挂号信函联系，通过登记的住所或者经营场所无法联系。")
        listed = min(add_working_days(established, rng.randint(3, 9)).date, self.today)
        self.entry(
            e,
            list_type=ListType.ABNORMAL,
            ground=ground,
            legal_basis=ABNORMAL_BASIS[ground],
            department=dept,
            decided_on=listed,
            ground_established_on=established,
            decision_no=self.ref(dept, "经异", listed),
            facts=facts,
        )

    def abnormal_removed(self, rng, e) -> None:
        """History: listed for a missing annual report, removed after filing it (within 5 working days)."""
        dept = self.market(e)
        year = self.today.year - rng.randint(1, 2)
        established = dt.date(year, 7, 1)
        if e["established_on"] and e["established_on"] > dt.date(year - 1, 12, 31):
            return
        listed = add_working_days(established, rng.randint(3, 9)).date
        fulfilled = listed + dt.timedelta(days=rng.randint(20, 150))
        removed = add_working_days(fulfilled, rng.randint(1, 5)).date
        if removed > self.today:
            return
        self.entry(
            e,
            list_type=ListType.ABNORMAL,
            ground=ListGround.NO_ANNUAL_REPORT,
            legal_basis=ABNORMAL_BASIS[ListGround.NO_ANNUAL_REPORT],
            department=dept,
            decided_on=listed,
            ground_established_on=established,
            decision_no=self.ref(dept, "经异", listed),
            facts=f"未按照《企业信息公示暂行条例》第八条规定于{year}年6月30日前报送{year - 1}年度报告。",
            remove={
                "reason": RemovalReason.DUTY_FULFILLED,
                "removed_on": removed,
                "duty_fulfilled_on": fulfilled,
                "note": f"已于{fulfilled:%Y年%m月%d日}补报年度报告并公示，申请移出",
            },
        )

    def red_list(self, rng, e) -> None:
        day = self.day(rng, e, 60, 500)
        self.add(
            "ZZSJ",
            e,
            source_ref=self.ref("ZZSJ", "表", day),
            category=RecordCategory.AWARD,
            polarity=Polarity.POSITIVE,
            decided_on=day,
            title=f"郑州市“守合同重信用”企业（{day.year - 1}年度）",
            legal_basis=GUIDANCE,
            content="经企业申报、部门审核和社会公示，认定为郑州市“守合同重信用”企业。",
        )
        self.entry(
            e,
            list_type=ListType.RED,
            ground=ListGround.TRUSTWORTHY,
            legal_basis=GUIDANCE,
            department="ZZSJ",
            decided_on=day,
            decision_no=self.ref("ZZSJ", "信激", day),
            facts="连续三年无失信记录，被认定为“守合同重信用”企业，列入守信激励对象名单。",
        )


# --- seeding ------------------------------------------------------------------------------------------


def demo_today() -> dt.date:
    """The day the credit demo was first seeded (from the audit trail), else today."""
    first = (
        AuditEvent.objects.filter(action="credit_record.push", actor_label=ACTOR)
        .order_by("id")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return timezone.localdate(first) if first else timezone.localdate()


def demo_entities() -> list[dict]:
    rows = (
        MarketEntity.objects.annotate(org=Substr("uscc", 9, 2))
        .filter(org=DEMO_ORG_PREFIX)
        .order_by("uscc")
        .values("uscc", "industry_code", "region_code", "established_on", "registration_authority__code")
    )
    return [{**r, "authority": r.pop("registration_authority__code")} for r in rows]


def build_plan(*, today: dt.date, depts: dict, entities: list[dict]) -> Planner:
    planner = Planner(today=today, depts=depts)
    for e in entities:
        planner.plan(e)
    return planner


# --- remedies (issue 4 §5): commitments, repair applications and objections -----------------------
#
# A handful of each, on demo entities and records picked with their own RNG from lists that do not
# depend on what the remedies changed (a repaired or revoked record stays a candidate), so a rerun
# picks the same ones. Keys: a commitment by (entity, type, made-on date); a repair application or an
# objection by its record. A row that exists is left as it is; tracking numbers are random.

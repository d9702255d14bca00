"""``manage.py seed_demo``: a realistic, idempotent demo city (郑州市).

Departments, about 2,000 market entities with valid USCCs, supervision items with versions and
checklists, inspectors with conflicts, observation periods and three demo logins. Running it again
adds nothing: every row has a natural key (department code, USCC, catalogue code, certificate
number …) and existing rows are left as they are. Everything is deterministic (fixed seeds).

The word lists and the entity builder are module-level so that ``bench/generate.py`` produces the
same kind of rows at scale.
"""

import datetime as dt
import hashlib
import random
from decimal import Decimal
from itertools import accumulate

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core import audit
from core.choices import Role
from core.uscc import ALPHABET, ORG_WEIGHTS, check_character, entity_type_from_code
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

ACTOR = "task:seed_demo"
CITY_REGION = "410100"
# Positions 9–10 of the organisation code: demo rows use "MA" (as real post-2015 codes do);
# bench/generate.py uses BENCH_ORG_PREFIX so its rows can be found and deleted.
DEMO_ORG_PREFIX = "MA"
BENCH_ORG_PREFIX = "MX"
ORG_SPACE = 31**6  # six free characters of the organisation code
ORG_MULTIPLIER = 104_729  # prime, coprime with 31: n -> n*M+K mod 31^6 is a bijection
ORG_OFFSET = 7_654_321

# ---------------------------------------------------------------------------------------------
# Departments
# ---------------------------------------------------------------------------------------------
# code, name, short name, level, region, parent code, number (for catalogue codes)
DEPARTMENTS = [
    ("ZZSJ", "郑州市市场监督管理局", "郑市监", "city", CITY_REGION, None, 1),
    ("ZZWJ", "郑州市卫生健康委员会", "郑卫健", "city", CITY_REGION, None, 2),
    ("ZZHJ", "郑州市生态环境局", "郑环", "city", CITY_REGION, None, 3),
    ("ZZYJ", "郑州市应急管理局", "郑应急", "city", CITY_REGION, None, 4),
    ("ZZJT", "郑州市交通运输局", "郑交", "city", CITY_REGION, None, 5),
    ("ZZJS", "郑州市住房和城乡建设局", "郑建", "city", CITY_REGION, None, 6),
    ("ZZSW", "郑州市商务局", "郑商务", "city", CITY_REGION, None, 7),
    ("ZZWL", "郑州市文化广电和旅游局", "郑文广旅", "city", CITY_REGION, None, 8),
    ("ZZNY", "郑州市农业农村局", "郑农", "city", CITY_REGION, None, 9),
    ("ZZJY", "郑州市教育局", "郑教", "city", CITY_REGION, None, 10),
    ("ZZSWJ", "国家税务总局郑州市税务局", "郑税", "city", CITY_REGION, None, 11),
    ("JSSJ", "郑州市金水区市场监督管理局", "金市监", "county", "410105", "ZZSJ", 21),
    ("ZYSJ", "郑州市中原区市场监督管理局", "中市监", "county", "410102", "ZZSJ", 22),
    ("EQSJ", "郑州市二七区市场监督管理局", "二七市监", "county", "410103", "ZZSJ", 23),
    ("GCSJ", "郑州市管城回族区市场监督管理局", "管市监", "county", "410104", "ZZSJ", 24),
    ("HJSJ", "郑州市惠济区市场监督管理局", "惠市监", "county", "410108", "ZZSJ", 25),
]
# The registration authority of an entity: its district's 市场监督管理局, else the city's.
REGISTRATION_DEPARTMENT = {"410105": "JSSJ", "410102": "ZYSJ", "410103": "EQSJ", "410104": "GCSJ", "410108": "HJSJ"}

# ---------------------------------------------------------------------------------------------
# Regions (real Zhengzhou division codes), roads, towns
# ---------------------------------------------------------------------------------------------
# code, full name, short name, weight for enterprises, roads, towns (for cooperatives)
REGIONS = [
    ("410102", "中原区", "中原", 12, ["建设西路", "中原西路", "桐柏路", "伏牛路", "嵩山北路", "棉纺路", "秦岭路", "华山路", "工人路"], []),
    ("410103", "二七区", "二七", 12, ["大学路", "京广中路", "长江路", "航海中路", "兴华南街", "大学南路", "解放路", "政通路"], ["侯寨", "马寨"]),
    ("410104", "管城回族区", "管城", 10, ["紫荆山南路", "城东南路", "商都路", "航海东路", "南三环", "东大街", "港湾路"], []),
    ("410105", "金水区", "金水", 25, ["花园路", "经三路", "农业路", "纬五路", "文化路", "东风路", "北三环", "丰产路", "国基路", "金水路"], []),
    ("410106", "上街区", "上街", 2, ["中心路", "济源路", "新安西路", "工业路"], ["峡窝"]),
    ("410108", "惠济区", "惠济", 6, ["开元路", "天河路", "英才街", "迎宾路", "江山路", "长兴路"], ["花园口", "古荥"]),
    ("410122", "中牟县", "中牟", 6, ["青年路", "建设路", "官渡大道", "商都大道", "东风路"], ["雁鸣湖", "官渡", "狼城岗", "刘集", "韩寺", "姚家"]),
    ("410181", "巩义市", "巩义", 5, ["杜甫路", "嵩山路", "紫荆路", "新兴路"], ["回郭镇", "小关", "竹林", "康店", "河洛"]),
    ("410182", "荥阳市", "荥阳", 5, ["索河路", "京城路", "郑上路", "织机路"], ["广武", "高村", "汜水", "王村", "崔庙"]),
    ("410183", "新密市", "新密", 5, ["青屏大街", "开阳路", "西大街", "嵩山大道"], ["曲梁", "大隗", "刘寨", "平陌", "超化"]),
    ("410184", "新郑市", "新郑", 7, ["中华北路", "人民路", "轩辕路", "新华路", "金城路"], ["孟庄", "八千", "薛店", "龙湖", "辛店"]),
    ("410185", "登封市", "登封", 5, ["中岳大街", "少林大道", "嵩阳路", "崇高路"], ["大冶", "告成", "卢店", "唐庄", "君召"]),
]
REGION_BY_CODE = {r[0]: r for r in REGIONS}
REGION_CODES = [r[0] for r in REGIONS]
REGION_CUM = list(accumulate(r[3] for r in REGIONS))
COOP_REGIONS = [r for r in REGIONS if r[5]]
COOP_REGION_CUM = list(accumulate({"410122": 30, "410184": 15, "410182": 15}.get(r[0], 8) for r in COOP_REGIONS))

# ---------------------------------------------------------------------------------------------
# Industries (GB/T 4754-2017): code -> (name, words for company names, words for shop names)
# ---------------------------------------------------------------------------------------------
INDUSTRIES = {
    "A0112": ("小麦种植", [], ["小麦种植", "优质小麦种植"]),
    "A0141": ("蔬菜种植", [], ["大蒜种植", "蔬菜种植", "韭菜种植"]),
    "A0142": ("食用菌种植", [], ["食用菌种植"]),
    "A0151": ("仁果类和核果类水果种植", [], ["红枣种植", "桃种植", "樱桃种植"]),
    "A0159": ("其他水果种植", [], ["石榴种植", "软籽石榴种植"]),
    "A0313": ("猪的饲养", [], ["生猪养殖"]),
    "A0321": ("鸡的饲养", [], ["蛋鸡养殖", "肉鸡养殖"]),
    "C1391": ("淀粉及淀粉制品制造", ["淀粉制品", "粉条加工"], []),
    "C1411": ("糕点、面包制造", ["食品", "烘焙食品"], ["蛋糕店", "面包房"]),
    "C1432": ("速冻食品制造", ["速冻食品", "食品"], []),
    "C1441": ("液体乳制造", ["乳业", "乳品"], []),
    "C1810": ("机织服装制造", ["服饰", "服装"], []),
    "C2720": ("化学药品制剂制造", ["制药", "药业"], []),
    "C2770": ("卫生材料及医药用品制造", ["医疗器械", "卫生材料"], []),
    "C3089": ("耐火陶瓷制品及其他耐火材料制造", ["耐火材料", "耐材"], []),
    "C3511": ("矿山机械制造", ["矿山机械", "重工机械"], []),
    "C3670": ("汽车零部件及配件制造", ["汽车配件", "汽车零部件"], []),
    "C3922": ("通信终端设备制造", ["电子科技", "通信设备"], []),
    "E4710": ("住宅房屋建筑", ["建筑工程", "建设工程"], []),
    "E5012": ("住宅装饰和装修", ["装饰工程", "装饰设计工程"], ["装饰工程部"]),
    "F5121": ("米、面制品及食用油批发", ["粮油贸易", "粮油"], []),
    "F5123": ("果品、蔬菜批发", ["农产品", "果蔬"], ["果蔬批发部"]),
    "F5211": ("百货零售", ["商贸", "百货"], ["百货店"]),
    "F5212": ("超级市场零售", ["超市", "商业连锁"], ["便利店", "超市", "便民超市"]),
    "F5221": ("粮油零售", [], ["粮油店"]),
    "F5223": ("果品、蔬菜零售", [], ["水果店", "蔬菜店", "果蔬店"]),
    "F5224": ("肉、禽、蛋、奶及水产品零售", [], ["鲜肉店", "水产店", "冷鲜肉店"]),
    "F5226": ("酒、饮料及茶叶零售", [], ["烟酒店", "茶叶店", "名酒行"]),
    "F5232": ("服装零售", ["服饰"], ["服装店", "女装店", "童装店"]),
    "F5234": ("化妆品及卫生用品零售", [], ["化妆品店"]),
    "F5236": ("钟表、眼镜零售", [], ["眼镜店"]),
    "F5251": ("西药零售", ["大药房", "医药连锁"], ["药店", "大药房"]),
    "F5261": ("汽车新车零售", ["汽车销售服务"], []),
    "F5265": ("机动车燃油零售", ["石油销售", "能源"], ["加油站"]),
    "F5274": ("通信设备零售", ["通讯器材"], ["手机店", "通讯器材店"]),
    "G5431": ("普通货物道路运输", ["物流", "货运"], ["货运部", "物流部"]),
    "G5435": ("危险货物道路运输", ["危险货物运输", "危化品运输"], []),
    "G6020": ("快递服务", ["快递", "速递"], []),
    "H6121": ("经济型连锁酒店", ["酒店管理"], ["宾馆", "快捷酒店"]),
    "H6210": ("正餐服务", ["餐饮管理", "餐饮服务"], ["烩面馆", "家常菜馆", "饭店", "火锅店", "酒家", "羊肉汤馆", "餐馆"]),
    "H6220": ("快餐服务", ["快餐管理"], ["快餐店", "黄焖鸡米饭店", "面馆", "米线店"]),
    "H6232": ("咖啡馆服务", ["咖啡"], ["咖啡馆"]),
    "H6291": ("小吃服务", [], ["胡辣汤馆", "小吃店", "灌汤包子铺", "烧饼店", "凉皮店", "饺子馆"]),
    "I6420": ("互联网信息服务", ["网络科技"], []),
    "I6432": ("互联网生活服务平台", ["网络科技", "电子商务"], []),
    "I6450": ("互联网数据服务", ["数据科技", "云计算"], []),
    "I6513": ("应用软件开发", ["软件科技", "信息技术"], []),
    "K7010": ("房地产开发经营", ["置业", "房地产开发"], []),
    "K7020": ("物业管理", ["物业服务", "物业管理"], []),
    "L7212": ("投资与资产管理", ["投资管理", "资产管理"], []),
    "L7243": ("社会经济咨询", ["企业管理咨询", "商务咨询"], []),
    "L7251": ("互联网广告服务", ["网络传媒", "文化传媒"], []),
    "L7259": ("其他广告服务", ["广告", "文化传播"], ["广告部", "图文广告部"]),
    "M7520": ("知识产权服务", ["知识产权代理"], []),
    "O8040": ("理发及美容服务", ["美容美发"], ["理发店", "美容美发店", "美甲店", "造型工作室"]),
    "O8051": ("洗浴服务", ["洗浴"], ["浴池", "洗浴中心"]),
    "O8111": ("汽车修理与维护", ["汽车服务"], ["汽修厂", "汽车美容店", "轮胎店"]),
    "P8391": ("职业技能培训", [], ["职业技能培训学校"]),
    "P8393": ("文化艺术培训", ["教育咨询"], ["艺术培训学校", "美术培训学校", "舞蹈培训学校"]),
    "Q8425": ("门诊部（所）", ["医疗管理"], ["诊所", "中医诊所"]),
    "Q8514": ("老年人、残疾人养护服务", [], ["养老院", "颐养中心", "老年公寓"]),
    "R8930": ("健身休闲活动", ["健身", "体育文化"], ["健身房"]),
    "R9011": ("歌舞厅娱乐活动", ["娱乐"], ["KTV"]),
    "R9013": ("网吧活动", ["网络会所"], ["网吧"]),
}


def _weighted(pairs):
    codes = [c for c, _ in pairs]
    return codes, list(accumulate(w for _, w in pairs))


ENTERPRISE_INDUSTRIES = _weighted([
    ("F5211", 3), ("F5212", 3), ("F5121", 3), ("F5123", 2), ("F5232", 2), ("F5251", 3), ("F5261", 2), ("F5265", 1), ("F5274", 1),
    ("H6210", 5), ("H6220", 3), ("H6121", 2), ("H6232", 1),
    ("C1391", 1), ("C1432", 2), ("C1411", 1), ("C1441", 0.5), ("C1810", 2), ("C2720", 1), ("C2770", 1), ("C3089", 1.5),
    ("C3511", 1), ("C3670", 1.5), ("C3922", 1),
    ("E4710", 3), ("E5012", 3), ("G5431", 3), ("G5435", 0.5), ("G6020", 1),
    ("I6420", 3), ("I6432", 1.5), ("I6450", 1), ("I6513", 3), ("K7010", 1.5), ("K7020", 2),
    ("L7212", 1.5), ("L7243", 3), ("L7251", 1), ("L7259", 3), ("M7520", 1),
    ("O8040", 1), ("O8051", 0.5), ("O8111", 2), ("P8393", 1), ("Q8425", 0.5), ("R8930", 1), ("R9011", 0.5), ("R9013", 0.5),
])
INDIVIDUAL_INDUSTRIES = _weighted([
    ("H6210", 6), ("H6220", 3), ("H6291", 5), ("H6232", 1), ("F5212", 5), ("F5221", 2), ("F5223", 3), ("F5224", 2), ("F5226", 3),
    ("F5232", 3), ("F5234", 1), ("F5236", 1), ("F5251", 1), ("F5274", 2), ("O8040", 4), ("O8051", 1), ("O8111", 2), ("E5012", 1),
    ("G5431", 1), ("R9013", 1), ("C1411", 1), ("L7259", 1), ("F5123", 1), ("Q8425", 1), ("H6121", 1),
])
COOP_INDUSTRIES = _weighted([("A0141", 5), ("A0151", 3), ("A0159", 1), ("A0112", 2), ("A0142", 1), ("A0313", 1), ("A0321", 1)])
SOCIAL_INDUSTRIES = _weighted([("P8393", 3), ("P8391", 2), ("Q8514", 2)])

# Entity kinds: USCC positions 1–2 and their share.
KINDS = ["91", "92", "93", "52"]
KIND_CUM = list(accumulate([80, 14, 4, 2]))

# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------
SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭"
    "廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文牛楚申岳"
)
SURNAME_CUM = list(accumulate(max(1.0, 12 - i * 0.25) for i in range(len(SURNAMES))))
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志新春梅鹏飞宇浩然子轩梓涵欣怡思雨佳琪晨阳博文雅婷振东海燕立峰永亮俊凯鑫")
ZIHAO_A = list("金鑫华瑞宏恒盛嘉博汇福永天泰德佳明惠众凯锦安隆和聚君睿智云星朗豫中新长润兴祥丰源达通鼎诚信远景")
ZIHAO_B = list("鼎源泰丰达通盛华瑞祥和润辉宇诚信安康隆发昌茂森晟坤晨阳升航成远翔博创豪桥越邦德聚汇")
OWNER_STYLES = ["老{s}", "{s}记", "{s}姐", "{s}家", "小{s}", "{z}", "{z}", "{s}氏"]


def pick(rng: random.Random, items, cum):
    """One weighted choice (``cum`` = cumulative weights), without building lists."""
    return rng.choices(items, cum_weights=cum)[0]


def person_name(rng: random.Random) -> str:
    surname = pick(rng, SURNAMES, SURNAME_CUM)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return surname + given


def trade_name(rng: random.Random) -> str:
    """A two-character 字号."""
    a, b = rng.choice(ZIHAO_A), rng.choice(ZIHAO_B)
    return a + b if a != b else a + "源"


def enterprise_name(rng: random.Random, region, industry: str) -> str:
    word = rng.choice(INDUSTRIES[industry][1])
    zihao = trade_name(rng)
    r = rng.random()
    if r < 0.05:
        return f"{zihao}（郑州）{word}有限公司"
    prefix = "郑州" if r < 0.55 else "郑州市" if r < 0.72 else "河南" if r < 0.9 else "河南省"
    s = rng.random()
    suffix = "有限公司" if s < 0.8 else "有限责任公司" if s < 0.92 else "股份有限公司" if s < 0.95 else f"有限公司{region[2]}分公司"
    return f"{prefix}{zihao}{word}{suffix}"


def individual_name(rng: random.Random, region, industry: str) -> str:
    style = rng.choice(OWNER_STYLES)
    owner = style.format(s=pick(rng, SURNAMES, SURNAME_CUM), z=trade_name(rng))
    shop = rng.choice(INDUSTRIES[industry][2])
    prefix = ("郑州市" if rng.random() < 0.45 else "") + region[1]
    tag = "（个体工商户）" if rng.random() < 0.3 else ""
    return f"{prefix}{owner}{shop}{tag}"


def cooperative_name(rng: random.Random, region, industry: str) -> str:
    place = rng.choice(region[5]).removesuffix("镇")
    product = rng.choice(INDUSTRIES[industry][2])
    middle = place if rng.random() < 0.6 else trade_name(rng)
    return f"{region[1]}{middle}{product}专业合作社"


def social_org_name(rng: random.Random, region, industry: str) -> str:
    kind = rng.choice(INDUSTRIES[industry][2])
    return f"郑州市{region[1]}{trade_name(rng)}{kind}"


def address(rng: random.Random, region, rural: bool = False) -> str:
    if rural:
        town = rng.choice(region[5])
        town = town if town.endswith("镇") else town + "镇"
        village = pick(rng, SURNAMES, SURNAME_CUM) + rng.choice("庄寨营岗楼洼")
        return f"河南省郑州市{region[1]}{town}{village}村{rng.randint(1, 12)}组"
    road = rng.choice(region[4])
    text = f"河南省郑州市{region[1]}{road}{rng.randint(1, 300)}号"
    r = rng.random()
    if r < 0.3:
        text += f"{rng.randint(1, 30)}号楼{rng.randint(1, 3)}单元{rng.randint(1, 30)}{rng.randint(1, 4):02d}室"
    elif r < 0.45:
        text += f"{rng.choice('ABCD')}座{rng.randint(2, 28)}{rng.randint(1, 20):02d}室"
    elif r < 0.6:
        text += f"{rng.randint(1, 3)}层{rng.randint(101, 130)}号商铺"
    return text


# ---------------------------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------------------------
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
ID_BIRTH_REGIONS = [*REGION_CODES, "410302", "410402", "410502", "411302", "411402", "411502", "411602", "411702"]
PHONE_PREFIXES = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157", "158", "159",
                  "166", "176", "177", "178", "180", "181", "182", "183", "185", "186", "187", "188", "189", "199"]


def org_code(body8: str) -> str:
    """GB 11714 organisation code: 8 body characters plus the check character (10 -> X, 11 -> 0)."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def make_uscc(first2: str, region: str, org9: str) -> str:
    body = f"{first2}{region}{org9}"
    return body + check_character(body)


def sequence_org_code(seq: int, prefix: str = DEMO_ORG_PREFIX) -> str:
    """A unique organisation code for ``seq`` (a bijection onto 31^6 scrambled values)."""
    n = (seq * ORG_MULTIPLIER + ORG_OFFSET) % ORG_SPACE
    chars = []
    for _ in range(6):
        n, r = divmod(n, 31)
        chars.append(ALPHABET[r])
    return org_code(prefix + "".join(chars))


def id_number(rng: random.Random) -> str:
    """A fake resident ID number in the 18-character format, with a correct check digit."""
    birth = dt.date(1958, 1, 1) + dt.timedelta(days=rng.randrange(365 * 45))
    body = f"{rng.choice(ID_BIRTH_REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def phone_number(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


# ---------------------------------------------------------------------------------------------
# One entity
# ---------------------------------------------------------------------------------------------
STATUSES = ["active", "suspended", "revoked", "cancelled", "moved_out"]
STATUS_CUM = list(accumulate([90, 2, 3, 4, 1]))
CAPITAL_ENTERPRISE = [10, 20, 30, 50, 50, 100, 100, 100, 200, 300, 500, 500, 1000, 1000, 2000, 3000, 5000, 10000, 20000]
CAPITAL_INDIVIDUAL = [1, 2, 3, 5, 5, 10, 10, 20, 30, 50]
CAPITAL_COOP = [50, 100, 200, 300, 500, 1000]
CAPITAL_SOCIAL = [3, 5, 10, 20, 30, 50]
ESTABLISHED_FROM = dt.date(1998, 1, 1)
ESTABLISHED_DAYS = (dt.date(2026, 10, 31) - ESTABLISHED_FROM).days


def build_entity(rng: random.Random, seq: int, org_prefix: str = DEMO_ORG_PREFIX) -> dict:
    """The fields of one plausible entity; its USCC is unique for (``seq``, ``org_prefix``)."""
    first2 = pick(rng, KINDS, KIND_CUM)
    if first2 == "93":
        region = pick(rng, COOP_REGIONS, COOP_REGION_CUM)
        industry = pick(rng, *COOP_INDUSTRIES)
        name = cooperative_name(rng, region, industry)
        capital = rng.choice(CAPITAL_COOP)
    else:
        region = REGIONS[pick(rng, range(len(REGIONS)), REGION_CUM)]
        if first2 == "91":
            industry = pick(rng, *ENTERPRISE_INDUSTRIES)
            name = enterprise_name(rng, region, industry)
            capital = rng.choice(CAPITAL_ENTERPRISE)
        elif first2 == "92":
            industry = pick(rng, *INDIVIDUAL_INDUSTRIES)
            name = individual_name(rng, region, industry)
            capital = rng.choice(CAPITAL_INDIVIDUAL) if rng.random() < 0.5 else None
        else:
            industry = pick(rng, *SOCIAL_INDUSTRIES)
            name = social_org_name(rng, region, industry)
            capital = rng.choice(CAPITAL_SOCIAL)
    code = make_uscc(first2, region[0], sequence_org_code(seq, org_prefix))
    # More entities were founded recently: a triangular distribution leaning to the end.
    established = ESTABLISHED_FROM + dt.timedelta(days=int(rng.triangular(0, ESTABLISHED_DAYS, ESTABLISHED_DAYS)))
    return {
        "uscc": code,
        "name": name,
        "entity_type": entity_type_from_code(code) or "other",
        "legal_representative": person_name(rng),
        "legal_rep_id_number": id_number(rng) if rng.random() < 0.6 else "",
        "contact_phone": phone_number(rng) if rng.random() < 0.55 else "",
        "registered_address": address(rng, region, rural=first2 == "93"),
        "region_code": region[0],
        "industry_code": industry,
        "registered_capital": None if capital is None else Decimal(capital),
        "established_on": established,
        "status": pick(rng, STATUSES, STATUS_CUM),
    }


def department_uscc(code: str, region: str) -> str:
    """A deterministic '11' (机构编制) code for a demo department."""
    digits = str(int(hashlib.sha256(code.encode()).hexdigest(), 16))[:8]
    return make_uscc("11", region, org_code(digits))


# ---------------------------------------------------------------------------------------------
# Supervision items (一单): main items with sub-items, real legal bases
# ---------------------------------------------------------------------------------------------
FOOD = "《中华人民共和国食品安全法》第一百一十条；《食品生产经营监督检查管理办法》（国家市场监督管理总局令第49号）"
PUBLICITY = "《企业信息公示暂行条例》第十四条"
PROCEDURE = "制定年度抽查计划→随机抽取检查对象和执法检查人员→实施检查并制作检查记录→录入检查结果→20个工作日内向社会公示→后续处置"

ITEMS = [
    {"dept": "ZZSJ", "no": 1, "name": "对食品生产经营活动的监督检查", "basis": FOOD, "object": "all", "method": "on_site", "ratio": "0.05",
     "unit": "食品生产安全监督管理处", "subs": [
         {"name": "对食品生产者生产活动的监督检查", "object": "enterprise", "ratio": "0.10", "freq": "half_yearly",
          "checks": ["食品生产许可证是否合法有效", "生产环境条件是否符合要求", "进货查验记录和原料控制", "生产过程控制及出厂检验记录", "标签标识是否符合规定"]},
         {"name": "对餐饮服务提供者的监督检查", "unit": "餐饮服务食品安全监督管理处", "ratio": "0.05",
          "checks": ["食品经营许可证及从业人员健康证明", "原料进货查验及索证索票", "加工制作过程及餐用具清洗消毒", "食品添加剂使用及公示"]},
         {"name": "食品安全监督抽检", "basis": "《中华人民共和国食品安全法》第八十七条；《食品安全抽样检验管理办法》（国家市场监督管理总局令第15号）",
          "object": "product", "method": "sampling", "ratio": "0.05", "freq": "quarterly", "unit": "食品安全抽检监测处",
          "checks": ["按抽检计划抽取样品并封样", "样品检验及结果告知", "不合格食品核查处置"]},
     ]},
    {"dept": "ZZSJ", "no": 2, "name": "对企业公示信息的抽查", "basis": PUBLICITY, "object": "enterprise", "method": "documentary", "ratio": "0.03",
     "unit": "信用监督管理处",
     "versions": [
         ("2021-01-01", {"ratio": "0.03"}),
         ("2025-01-01", {"ratio": "0.05", "standard": "抽查比例不低于5%，对信用风险C、D类企业提高抽查比例和频次"}),
     ],
     "subs": [
         {"name": "对企业年度报告公示信息的抽查", "ratio": "0.03",
          "versions": [
              ("2021-01-01", {"ratio": "0.03"}),
              ("2025-01-01", {"ratio": "0.05", "standard": "年度报告公示信息与实际情况一致；抽查比例自2025年起提高至5%"}),
          ],
          "checks": ["年度报告是否按期公示", "公示的资产状况信息是否真实", "股东及出资信息是否真实", "网站网店及对外投资信息"]},
         {"name": "对企业即时公示信息的抽查",
          "checks": ["股东认缴和实缴出资信息", "行政许可取得、变更、延续信息", "知识产权出质登记信息", "受到行政处罚的信息"]},
         {"name": "对个体工商户年度报告信息的抽查", "basis": "《促进个体工商户发展条例》；《个体工商户年度报告暂行办法》", "object": "individual",
          "checks": ["年度报告是否按期报送", "经营者及经营场所信息是否真实", "联系方式是否有效"]},
     ]},
    {"dept": "ZZSJ", "no": 3, "name": "对产品质量的监督检查", "basis": "《中华人民共和国产品质量法》第十五条", "object": "product", "method": "sampling",
     "ratio": "0.05", "unit": "产品质量安全监督管理处", "subs": [
         {"name": "产品质量监督抽查", "checks": ["抽样程序合法", "样品检验", "不合格产品后处理"]},
         {"name": "对重点工业产品生产企业的监督检查", "object": "enterprise", "method": "on_site",
          "checks": ["生产许可证或强制性产品认证", "原材料进货查验", "出厂检验能力及记录", "产品标识标注"]},
     ]},
    {"dept": "ZZSJ", "no": 4, "name": "对特种设备安全的监督检查", "basis": "《中华人民共和国特种设备安全法》第五十七条",
     "object": "enterprise", "method": "on_site",
     "key": True, "freq": "yearly", "unit": "特种设备安全监察处", "subs": [
         {"name": "对电梯使用单位的监督检查", "checks": ["使用登记及定期检验", "维护保养合同及记录", "安全管理人员持证", "应急救援演练"]},
         {"name": "对锅炉、压力容器使用单位的监督检查", "checks": ["使用登记及定期检验", "作业人员持证上岗", "安全附件校验", "隐患排查治理记录"]},
         {"name": "对气瓶充装单位的监督检查", "checks": ["充装许可", "充装前后检查记录", "气瓶追溯信息"]},
     ]},
    {"dept": "ZZSJ", "no": 5, "name": "对药品、医疗器械经营使用的监督检查", "basis": "《中华人民共和国药品管理法》第九十九条", "object": "enterprise",
     "method": "on_site", "ratio": "0.10", "unit": "药品医疗器械监督管理处", "subs": [
         {"name": "对药品零售企业的监督检查", "checks": ["药品经营许可证", "执业药师在岗", "处方药销售管理", "药品储存养护条件"]},
         {"name": "对医疗器械经营企业的监督检查", "basis": "《医疗器械监督管理条例》", "ratio": "0.05",
          "checks": ["经营许可或备案", "进货查验记录", "贮存条件"]},
     ]},
    {"dept": "ZZSJ", "no": 6, "name": "对广告及网络交易的监督检查",
     "basis": "《中华人民共和国广告法》第四十九条；《网络交易监督管理办法》（国家市场监督管理总局令第37号）", "object": "enterprise",
     "method": "online", "ratio": "0.03", "unit": "网络交易监督管理处", "subs": [
         {"name": "对广告发布活动的监督检查", "checks": ["广告内容真实合法", "广告审查批准文件", "广告发布登记"]},
         {"name": "对网络交易经营者的监督检查", "checks": ["主体信息亮照亮证", "商品或服务信息真实", "七日无理由退货执行", "个人信息保护"]},
     ]},
    {"dept": "ZZSJ", "no": 7, "name": "对计量器具的监督检查", "basis": "《中华人民共和国计量法》", "object": "site", "method": "on_site", "ratio": "0.05",
     "unit": "计量处", "subs": [
         {"name": "对加油站计量器具的监督检查", "ratio": "0.10", "checks": ["加油机强制检定", "计量作弊行为", "计量器具铅封完好"]},
         {"name": "对集贸市场计量器具的监督检查", "checks": ["电子计价秤强制检定", "公平秤设置", "计量器具管理制度"]},
     ]},
    {"dept": "ZZWJ", "no": 1, "name": "对公共场所卫生的监督检查", "basis": "《公共场所卫生管理条例》；《公共场所卫生管理条例实施细则》",
     "object": "site", "method": "on_site", "ratio": "0.05", "unit": "卫生监督所", "subs": [
         {"name": "对住宿场所卫生的监督检查", "checks": ["卫生许可证", "从业人员健康合格证明", "公共用品用具清洗消毒", "卫生检测报告"]},
         {"name": "对沐浴场所卫生的监督检查", "ratio": "0.10", "checks": ["卫生许可证", "池水水质检测", "通风设施"]},
         {"name": "对美容美发场所卫生的监督检查", "checks": ["从业人员健康合格证明", "工具消毒", "化妆品索证"]},
     ]},
    {"dept": "ZZWJ", "no": 2, "name": "对医疗机构执业活动的监督检查", "basis": "《医疗机构管理条例》；《中华人民共和国基本医疗卫生与健康促进法》",
     "object": "all", "method": "on_site", "ratio": "0.05", "unit": "卫生监督所", "subs": [
         {"name": "对诊所执业活动的监督检查", "checks": ["医疗机构执业许可证或备案", "医师执业注册", "诊疗科目核准范围"]},
         {"name": "对医疗废物处置的监督检查", "basis": "《医疗废物管理条例》", "ratio": "0.10", "checks": ["分类收集", "暂存设施", "交接转运登记"]},
     ]},
    {"dept": "ZZHJ", "no": 1, "name": "对排污单位的监督检查", "basis": "《中华人民共和国环境保护法》第二十四条；《排污许可管理条例》",
     "object": "enterprise", "method": "on_site", "ratio": "0.05", "unit": "生态环境综合行政执法支队", "subs": [
         {"name": "对排污许可证执行情况的检查", "checks": ["持证排污", "自行监测", "执行报告及环境管理台账"]},
         {"name": "对危险废物规范化环境管理的检查", "basis": "《中华人民共和国固体废物污染环境防治法》", "ratio": "0.10",
          "checks": ["危险废物管理计划", "贮存场所标识", "转移联单"]},
     ]},
    {"dept": "ZZYJ", "no": 1, "name": "对生产经营单位安全生产的监督检查", "basis": "《中华人民共和国安全生产法》第六十五条", "object": "enterprise",
     "method": "on_site", "ratio": "0.05", "unit": "应急管理综合行政执法支队", "subs": [
         {"name": "对工贸企业安全生产的监督检查", "checks": ["安全生产责任制", "安全培训教育", "隐患排查治理", "有限空间作业管理"]},
         {"name": "对危险化学品经营单位的监督检查", "basis": "《危险化学品安全管理条例》", "key": True,
          "checks": ["危险化学品经营许可证", "储存设施", "从业人员培训", "应急预案"]},
     ]},
    {"dept": "ZZJT", "no": 1, "name": "对道路运输经营者的监督检查", "basis": "《中华人民共和国道路运输条例》", "object": "enterprise",
     "method": "on_site", "ratio": "0.05", "unit": "交通运输综合行政执法支队", "subs": [
         {"name": "对道路普通货物运输经营者的监督检查", "checks": ["道路运输经营许可证", "车辆技术档案", "驾驶员从业资格"]},
         {"name": "对道路危险货物运输经营者的监督检查", "basis": "《中华人民共和国道路运输条例》；《道路危险货物运输管理规定》", "key": True,
          "checks": ["危险货物运输资质", "专用车辆及罐体检验", "押运人员", "动态监控"]},
     ]},
    {"dept": "ZZJS", "no": 1, "name": "对建设工程质量安全的监督检查",
     "basis": "《中华人民共和国建筑法》；《建设工程质量管理条例》；《建设工程安全生产管理条例》",
     "object": "enterprise", "method": "on_site", "ratio": "0.05", "unit": "建设工程质量安全监督站", "subs": [
         {"name": "对建设工程施工质量的监督检查", "checks": ["施工图审查", "材料进场检验", "隐蔽工程验收"]},
         {"name": "对建筑施工安全生产的监督检查", "ratio": "0.10", "checks": ["安全生产许可证", "危大工程专项方案", "起重机械管理"]},
     ]},
    {"dept": "ZZSW", "no": 1, "name": "对单用途商业预付卡发卡企业的监督检查", "basis": "《单用途商业预付卡管理办法（试行）》（商务部令2012年第9号）",
     "object": "enterprise", "method": "documentary", "ratio": "0.05", "unit": "市场运行和消费促进处", "subs": [
         {"name": "对发卡企业备案情况的检查", "checks": ["备案材料", "发卡业务信息报送"]},
         {"name": "对预收资金存管情况的检查", "checks": ["资金存管协议", "存管比例"]},
     ]},
    {"dept": "ZZWL", "no": 1, "name": "对文化和旅游市场的监督检查", "basis": "《娱乐场所管理条例》；《互联网上网服务营业场所管理条例》",
     "object": "site", "method": "on_site", "ratio": "0.05", "unit": "文化市场综合行政执法支队", "subs": [
         {"name": "对娱乐场所的监督检查", "basis": "《娱乐场所管理条例》", "checks": ["娱乐经营许可证", "曲库内容", "未成年人保护"]},
         {"name": "对互联网上网服务营业场所的监督检查", "basis": "《互联网上网服务营业场所管理条例》",
          "checks": ["网络文化经营许可证", "实名登记", "接纳未成年人"]},
         {"name": "对旅行社经营活动的监督检查", "basis": "《旅行社条例》", "object": "enterprise", "ratio": "0.03",
          "checks": ["旅行社业务经营许可证", "旅游合同", "质量保证金"]},
     ]},
    {"dept": "ZZNY", "no": 1, "name": "对农业投入品经营的监督检查", "basis": "《农药管理条例》；《兽药管理条例》", "object": "all",
     "method": "on_site", "ratio": "0.05", "unit": "农业综合行政执法支队", "subs": [
         {"name": "对农药经营者的监督检查", "basis": "《农药管理条例》", "checks": ["农药经营许可证", "进货查验和销售台账", "限制使用农药定点经营"]},
         {"name": "对兽药经营者的监督检查", "basis": "《兽药管理条例》", "checks": ["兽药经营许可证", "兽药追溯", "储存条件"]},
     ]},
    {"dept": "ZZJY", "no": 1, "name": "对校外培训机构的监督检查", "basis": "《中华人民共和国民办教育促进法》", "object": "all", "method": "on_site",
     "ratio": "0.05", "unit": "校外教育培训监管处", "subs": [
         {"name": "对校外培训机构办学行为的监督检查", "checks": ["办学许可证", "培训内容和时间", "从业人员资质"]},
         {"name": "对校外培训预收费资金的监督检查", "method": "documentary", "checks": ["预收费资金监管账户", "收费周期"]},
     ]},
]


def catalogue_code(dept_no: int, main_no: int, sub_no: int) -> str:
    """A 14-digit demo catalogue code: 4101 · department · main item · sub-item."""
    return f"4101{dept_no:02d}{main_no:04d}{sub_no:04d}"


# ---------------------------------------------------------------------------------------------
# Inspectors
# ---------------------------------------------------------------------------------------------
INSPECTOR_COUNTS = {
    "ZZSJ": 22, "JSSJ": 12, "ZYSJ": 10, "EQSJ": 10, "GCSJ": 9, "HJSJ": 8, "ZZWJ": 10, "ZZHJ": 6, "ZZYJ": 6,
    "ZZJT": 6, "ZZJS": 6, "ZZSW": 3, "ZZWL": 5, "ZZNY": 4, "ZZJY": 3,
}
SPECIALITIES = {
    "SJ": ["食品安全", "特种设备", "产品质量", "企业信息公示", "药品流通", "医疗器械", "计量", "价格监管", "广告监管", "网络交易"],
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


class Command(BaseCommand):
    help = "载入郑州市演示数据（可重复运行，不会重复创建）"

    def add_arguments(self, parser):
        parser.add_argument("--entities", type=int, default=2000, help="市场主体数量（默认 2000）")

    def handle(self, *args, entities, **options):
        with transaction.atomic():
            stats = {}
            depts = self.seed_departments(stats)
            generated = self.seed_entities(stats, depts, entities)
            self.seed_items(stats, depts)
            inspectors = self.seed_inspectors(stats, depts)
            self.seed_conflicts(stats, inspectors, generated)
            self.seed_observation_periods(stats, depts, generated)
            self.seed_users(stats, depts)
        self.stdout.write(self.style.SUCCESS("郑州市演示数据已就绪："))
        for label, value in stats.items():
            text = f"新增 {value[0]}，共 {value[1]}" if isinstance(value, tuple) else f"共 {value}"
            self.stdout.write(f"  {label}：{text}")
        # Apps that build on supervision (credit, …) add their demo data; supervision never imports them.
        for config in apps.get_app_configs():
            hook = getattr(config, "seed_demo", None)
            if callable(hook):
                hook(self.stdout)

    # -- departments ---------------------------------------------------------------------------
    def seed_departments(self, stats) -> dict[str, Department]:
        depts, added = {}, 0
        for code, name, short, level, region, parent, _no in DEPARTMENTS:
            dept = Department.objects.filter(code=code).first() or Department.objects.filter(name=name).first()
            if dept is None:
                dept = services.department_save(
                    actor=ACTOR, code=code, name=name, short_name=short, level=level, uscc=department_uscc(code, region),
                    region_code=region, parent=depts.get(parent),
                )
                added += 1
            depts[code] = dept
        stats["监管部门"] = (added, Department.objects.count())
        return depts

    # -- entities ------------------------------------------------------------------------------
    def seed_entities(self, stats, depts, count: int) -> list[dict]:
        rng = random.Random("seed-demo-entities")
        rows = [build_entity(rng, seq) for seq in range(count)]
        codes = [r["uscc"] for r in rows]
        before = MarketEntity.objects.filter(uscc__in=codes).count()
        authority = {region: depts[REGISTRATION_DEPARTMENT.get(region, "ZZSJ")] for region in REGION_CODES}
        MarketEntity.objects.bulk_create(
            [MarketEntity(registration_authority=authority[r["region_code"]], **r) for r in rows], batch_size=1000, ignore_conflicts=True
        )
        added = MarketEntity.objects.filter(uscc__in=codes).count() - before
        if added:
            audit.record(actor=ACTOR, action="entity.seed", target=("supervision.marketentity", "bulk"), after={"count": added})
        stats["市场主体"] = (added, MarketEntity.objects.count())
        return rows

    # -- items, versions, checklists -----------------------------------------------------------
    def seed_items(self, stats, depts):
        dept_no = {d[0]: d[6] for d in DEPARTMENTS}
        rng = random.Random("seed-demo-items")
        counts = {"main": 0, "sub": 0, "version": 0, "checklist": 0}
        for main in ITEMS:
            dept = depts[main["dept"]]
            person = person_name(rng)
            item = self._item(counts, "main", catalogue_code(dept_no[main["dept"]], main["no"], 0), main["name"], dept, None)
            self._versions(counts, item, main, {}, person)
            for i, sub in enumerate(main["subs"], start=1):
                child = self._item(counts, "sub", catalogue_code(dept_no[main["dept"]], main["no"], i), sub["name"], dept, item)
                self._versions(counts, child, sub, main, person_name(rng))
                self._checklists(counts, child, sub, main, dept)
        stats["监管事项（主项）"] = (counts["main"], SupervisionItem.objects.filter(parent__isnull=True).count())
        stats["监管事项（子项）"] = (counts["sub"], SupervisionItem.objects.filter(parent__isnull=False).count())
        stats["事项版本"] = (counts["version"], SupervisionItemVersion.objects.count())
        stats["检查实施清单"] = (counts["checklist"], InspectionChecklist.objects.count())

    def _item(self, counts, kind, code, name, dept, parent):
        item = SupervisionItem.objects.filter(catalogue_code=code).first()
        if item is None:
            item = services.item_save(actor=ACTOR, catalogue_code=code, name=name, parent=parent, department=dept)
            counts[kind] += 1
        return item

    def _versions(self, counts, item, spec, main, person):
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

    def _checklists(self, counts, item, spec, main, dept):
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
            services.checklist_save(actor=ACTOR, item=item, department=dept, code=code, name=name, content=content, method=method)
            counts["checklist"] += 1

    # -- inspectors ----------------------------------------------------------------------------
    def seed_inspectors(self, stats, depts) -> list[Inspector]:
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
                        actor=ACTOR, name=name, department=dept, certificate_no=cert, certificate_valid_from=valid_from,
                        certificate_valid_to=valid_to, specialities=specialities, active=i not in inactive,
                    )
                    added += 1
                inspectors.append(inspector)
                i += 1
        stats["执法检查人员"] = (added, Inspector.objects.count())
        stats["其中执法证已过期"] = Inspector.objects.filter(certificate_valid_to__lt=timezone.localdate()).count()
        return inspectors

    def seed_conflicts(self, stats, inspectors, generated):
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
                services.inspector_conflict_declare(actor=ACTOR, inspector=inspector, entity_uscc=entity["uscc"], reason=reason, declared_on=declared_on)
                added += 1
        stats["回避申报"] = (added, InspectorConflict.objects.count())

    # -- 包容审慎 -------------------------------------------------------------------------------
    def seed_observation_periods(self, stats, depts, generated):
        zzsj = depts["ZZSJ"]
        specs = [
            {"industry_code": "I6450", "starts_on": dt.date(2025, 7, 1), "ends_on": dt.date(2027, 6, 30),
             "reason": "新业态：互联网数据服务（数据标注、算力服务等）实行包容审慎监管，观察期内首次轻微违法依法不予处罚"},
            {"industry_code": "I6432", "starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2027, 12, 31),
             "reason": "新模式：互联网生活服务平台（即时配送、社区团购等）实行包容审慎监管"},
        ]
        newcomer = next((e for e in generated if e["industry_code"] in ("I6450", "I6513") and e["status"] == "active"), None)
        if newcomer is not None:
            entity = MarketEntity.objects.filter(uscc=newcomer["uscc"]).first()
            if entity is not None:
                specs.append({"entity": entity, "starts_on": dt.date(2026, 3, 1), "ends_on": dt.date(2027, 2, 28),
                              "reason": "新技术：人工智能应用软件初创企业，首违不罚、轻微免罚"})
        added = 0
        for spec in specs:
            key = {"department": zzsj, "starts_on": spec["starts_on"]}
            key.update({"entity": spec["entity"]} if "entity" in spec else {"industry_code": spec["industry_code"], "entity__isnull": True})
            if not ObservationPeriod.objects.filter(**key).exists():
                services.observation_period_save(actor=ACTOR, department=zzsj, **spec)
                added += 1
        stats["观察期"] = (added, ObservationPeriod.objects.count())

    # -- logins --------------------------------------------------------------------------------
    def seed_users(self, stats, depts):
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
            user = make(username=username, password=password, email="", department=depts[dept_code], is_staff=True, first_name=full_name)
            user.groups.add(Group.objects.get(name=role))
            audit.record(
                actor=ACTOR, action="user.create", target=user,
                after={"username": username, "department": depts[dept_code].pk, "groups": [str(role)], "is_superuser": superuser, "is_staff": True},
            )
            added += 1
        stats["登录账号"] = (added, User.objects.count())

"""The demo city (郑州市): word lists and the entity builder.

Departments, real Zhengzhou division codes, roads and towns, GB/T 4754-2017 industries, names, and
``build_entity``, which makes one deterministic market entity with a valid USCC (GB 32100) from a
seeded RNG. ``manage.py seed_demo`` (demo/supervision.py) and ``bench/generate.py`` build their rows
with it, so the benchmarks load the same kind of rows at scale.
"""

import datetime as dt
import hashlib
import random
from decimal import Decimal
from itertools import accumulate

from core.uscc import ALPHABET, ORG_WEIGHTS, check_character, entity_type_from_code

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
    (
        "410102",
        "中原区",
        "中原",
        12,
        ["建设西路", "中原西路", "桐柏路", "伏牛路", "嵩山北路", "棉纺路", "秦岭路", "华山路", "工人路"],
        [],
    ),
    (
        "410103",
        "二七区",
        "二七",
        12,
        ["大学路", "京广中路", "长江路", "航海中路", "兴华南街", "大学南路", "解放路", "政通路"],
        ["侯寨", "马寨"],
    ),
    (
        "410104",
        "管城回族区",
        "管城",
        10,
        ["紫荆山南路", "城东南路", "商都路", "航海东路", "南三环", "东大街", "港湾路"],
        [],
    ),
    (
        "410105",
        "金水区",
        "金水",
        25,
        ["花园路", "经三路", "农业路", "纬五路", "文化路", "东风路", "北三环", "丰产路", "国基路", "金水路"],
        [],
    ),
    ("410106", "上街区", "上街", 2, ["中心路", "济源路", "新安西路", "工业路"], ["峡窝"]),
    ("410108", "惠济区", "惠济", 6, ["开元路", "天河路", "英才街", "迎宾路", "江山路", "长兴路"], ["花园口", "古荥"]),
    (
        "410122",
        "中牟县",
        "中牟",
        6,
        ["青年路", "建设路", "官渡大道", "商都大道", "东风路"],
        ["雁鸣湖", "官渡", "狼城岗", "刘集", "韩寺", "姚家"],
    ),
    (
        "410181",
        "巩义市",
        "巩义",
        5,
        ["杜甫路", "嵩山路", "紫荆路", "新兴路"],
        ["回郭镇", "小关", "竹林", "康店", "河洛"],
    ),
    ("410182", "荥阳市", "荥阳", 5, ["索河路", "京城路", "郑上路", "织机路"], ["广武", "高村", "汜水", "王村", "崔庙"]),
    (
        "410183",
        "新密市",
        "新密",
        5,
        ["青屏大街", "开阳路", "西大街", "嵩山大道"],
        ["曲梁", "大隗", "刘寨", "平陌", "超化"],
    ),
    (
        "410184",
        "新郑市",
        "新郑",
        7,
        ["中华北路", "人民路", "轩辕路", "新华路", "金城路"],
        ["孟庄", "八千", "薛店", "龙湖", "辛店"],
    ),
    (
        "410185",
        "登封市",
        "登封",
        5,
        ["中岳大街", "少林大道", "嵩阳路", "崇高路"],
        ["大冶", "告成", "卢店", "唐庄", "君召"],
    ),
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
    "H6210": (
        "正餐服务",
        ["餐饮管理", "餐饮服务"],
        ["烩面馆", "家常菜馆", "饭店", "火锅店", "酒家", "羊肉汤馆", "餐馆"],
    ),
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


ENTERPRISE_INDUSTRIES = _weighted(
    [
        ("F5211", 3),
        ("F5212", 3),
        ("F5121", 3),
        ("F5123", 2),
        ("F5232", 2),
        ("F5251", 3),
        ("F5261", 2),
        ("F5265", 1),
        ("F5274", 1),
        ("H6210", 5),
        ("H6220", 3),
        ("H6121", 2),
        ("H6232", 1),
        ("C1391", 1),
        ("C1432", 2),
        ("C1411", 1),
        ("C1441", 0.5),
        ("C1810", 2),
        ("C2720", 1),
        ("C2770", 1),
        ("C3089", 1.5),
        ("C3511", 1),
        ("C3670", 1.5),
        ("C3922", 1),
        ("E4710", 3),
        ("E5012", 3),
        ("G5431", 3),
        ("G5435", 0.5),
        ("G6020", 1),
        ("I6420", 3),
        ("I6432", 1.5),
        ("I6450", 1),
        ("I6513", 3),
        ("K7010", 1.5),
        ("K7020", 2),
        ("L7212", 1.5),
        ("L7243", 3),
        ("L7251", 1),
        ("L7259", 3),
        ("M7520", 1),
        ("O8040", 1),
        ("O8051", 0.5),
        ("O8111", 2),
        ("P8393", 1),
        ("Q8425", 0.5),
        ("R8930", 1),
        ("R9011", 0.5),
        ("R9013", 0.5),
    ]
)
INDIVIDUAL_INDUSTRIES = _weighted(
    [
        ("H6210", 6),
        ("H6220", 3),
        ("H6291", 5),
        ("H6232", 1),
        ("F5212", 5),
        ("F5221", 2),
        ("F5223", 3),
        ("F5224", 2),
        ("F5226", 3),
        ("F5232", 3),
        ("F5234", 1),
        ("F5236", 1),
        ("F5251", 1),
        ("F5274", 2),
        ("O8040", 4),
        ("O8051", 1),
        ("O8111", 2),
        ("E5012", 1),
        ("G5431", 1),
        ("R9013", 1),
        ("C1411", 1),
        ("L7259", 1),
        ("F5123", 1),
        ("Q8425", 1),
        ("H6121", 1),
    ]
)
COOP_INDUSTRIES = _weighted(
    [("A0141", 5), ("A0151", 3), ("A0159", 1), ("A0112", 2), ("A0142", 1), ("A0313", 1), ("A0321", 1)]
)
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
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志新春梅鹏飞宇浩然子轩梓涵欣怡思雨佳琪晨阳博文雅婷振东海燕立峰永亮俊凯鑫"
)
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
    suffix = (
        "有限公司"
        if s < 0.8
        else "有限责任公司"
        if s < 0.92
        else "股份有限公司"
        if s < 0.95
        else f"有限公司{region[2]}分公司"
    )
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
PHONE_PREFIXES = [
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
]


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

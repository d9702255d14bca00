"""Registration facts of the demo city's entities (issue 18 §1.4): 营业期限, 经营范围 and the registered
English names of its foreign-invested firms, as the 国家企业信用信息公示系统 shows them."""

import datetime as dt
import random

from demo.city import INDUSTRIES

# Pinyin of the 字号 characters (demo.city ZIHAO_A, ZIHAO_B), for the registered English names of the demo's foreign-invested
# firms (a registered name, as filed with the registration authority; the platform translates none).
ZIHAO_PINYIN = dict(
    zip(
        "中丰云众佳信兴凯创升华博发君和嘉坤天宇安宏康德恒惠成新昌明星晟晨景智朗桥森永汇泰润源瑞盛睿祥福翔聚航茂诚豪豫越辉达远通邦金鑫锦长阳隆鼎",
        [
            "zhong",
            "feng",
            "yun",
            "zhong",
            "jia",
            "xin",
            "xing",
            "kai",
            "chuang",
            "sheng",
            "hua",
            "bo",
            "fa",
            "jun",
            "he",
            "jia",
            "kun",
            "tian",
            "yu",
            "an",
            "hong",
            "kang",
            "de",
            "heng",
            "hui",
            "cheng",
            "xin",
            "chang",
            "ming",
            "xing",
            "sheng",
            "chen",
            "jing",
            "zhi",
            "lang",
            "qiao",
            "sen",
            "yong",
            "hui",
            "tai",
            "run",
            "yuan",
            "rui",
            "sheng",
            "rui",
            "xiang",
            "fu",
            "xiang",
            "ju",
            "hang",
            "mao",
            "cheng",
            "hao",
            "yu",
            "yue",
            "hui",
            "da",
            "yuan",
            "tong",
            "bang",
            "jin",
            "xin",
            "jin",
            "chang",
            "yang",
            "long",
            "ding",
        ],
        strict=True,
    )
)
BUSINESS_SCOPE_TAIL = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
LICENSED_INDUSTRIES = ("C14", "C27", "F5212", "F5221", "F5224", "F5226", "H62")  # 许可项目: food, drugs


def registration_facts(row: dict) -> dict:
    """营业期限, 经营范围 and, for about one enterprise in 40, a registered English name, as GSXT shows
    them: deterministic from the entity's code (its own generator, so the roster's stream is unchanged)."""
    rng = random.Random(f"registration:{row['uscc']}")
    industry = row["industry_code"]
    activity = INDUSTRIES[industry][0] if industry in INDUSTRIES else "商品零售"
    general = "技术服务、技术开发、技术咨询；信息咨询服务（不含许可类信息咨询服务）"
    if industry.startswith(LICENSED_INDUSTRIES):
        scope = f"许可项目：{activity}（依法须经批准的项目，经相关部门批准后方可开展经营活动）。一般项目：{general}"
    else:
        scope = f"一般项目：{activity}；{general}"
    scope += BUSINESS_SCOPE_TAIL
    term_to = None
    founded = row["established_on"]
    if row["uscc"].startswith("91") and rng.random() < 0.4:
        years = rng.choice((10, 20, 30, 50))
        term_to = dt.date(founded.year + years, founded.month, min(founded.day, 28)) - dt.timedelta(days=1)
    name_en = ""
    if row["uscc"].startswith("91") and "分公司" not in row["name"] and rng.random() < 0.025:
        zihao = "".join(ch for ch in row["name"] if ch in ZIHAO_PINYIN)[:2]
        if len(zihao) == 2:
            place = "Henan" if row["name"].startswith("河南") else "Zhengzhou"
            name_en = f"{place} {ZIHAO_PINYIN[zihao[0]].title()}{ZIHAO_PINYIN[zihao[1]]} Co., Ltd."
    return {
        "operating_from": founded,
        "operating_to": term_to,
        "business_scope": scope,
        "name_en": name_en,
    }

"""The first versions of the rules (publicity windows, evaluation model), the industry risk table,
the joint-measures catalogue, the credit roles and the nightly risk scan."""

import datetime as dt

from django.db import migrations

EFFECTIVE = dt.date(2026, 4, 1)  # NDRC 《信用修复管理办法》 in force

BANDS = [
    ("GOOD", "良好", "green", 800, 1000, "无有效期内的失信、警示信息"),
    ("WARNING", "警示", "yellow", 600, 799, "有轻微失信信息、列入重点关注对象名单或近12个月经核实投诉3件及以上"),
    ("DISHONEST", "失信", "red", 400, 599, "列入经营异常名录、有一般失信信息或近12个月违反信用承诺"),
    ("SERIOUSLY_DISHONEST", "严重失信", "black", 0, 399, "列入严重违法失信名单或有严重失信信息"),
]

INDUSTRY_RISK = [
    # food (食品安全)
    ("C13", "农副食品加工业", "high"), ("C14", "食品制造业", "high"), ("C15", "酒、饮料和精制茶制造业", "high"),
    ("F512", "食品、饮料及烟草制品批发", "high"), ("F5212", "超级市场零售", "high"), ("F5221", "粮油零售", "high"),
    ("F5222", "糕点、面包零售", "high"), ("F5223", "果品、蔬菜零售", "high"), ("F5224", "肉、禽、蛋、奶及水产品零售", "high"),
    ("F5225", "营养和保健品零售", "high"), ("F5226", "酒、饮料及茶叶零售", "high"), ("H62", "餐饮业", "high"),
    # drugs and medical devices (药品、医疗器械)
    ("C27", "医药制造业", "high"), ("C358", "医疗仪器设备及器械制造", "high"), ("F5151", "西药批发", "high"), ("F5152", "中药批发", "high"),
    ("F5154", "医疗用品及器材批发", "high"), ("F5251", "西药零售", "high"), ("F5252", "中药零售", "high"), ("F5254", "医疗用品及器材零售", "high"),
    # special equipment (特种设备)
    ("C341", "锅炉及原动设备制造", "high"), ("C343", "物料搬运设备制造（起重机、电梯等）", "high"),
    # hazardous chemicals (危险化学品)
    ("C26", "化学原料和化学制品制造业", "high"), ("F5162", "石油及制品批发", "high"), ("F5265", "机动车燃油零售", "high"),
    ("G5435", "危险货物道路运输", "high"),
    # general
    ("E", "建筑业", "medium"), ("G54", "道路运输业", "medium"), ("H61", "住宿业", "medium"), ("K70", "房地产业", "medium"),
    ("P", "教育", "medium"), ("I", "信息传输、软件和信息技术服务业", "low"),
]

GUIDANCE = "《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）"
NEW_MECHANISM = "《国务院办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见》（国办发〔2019〕35号）"
SERIOUS_RULES = "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）第十二条"
MEASURES = [
    ("P-GOV-PROCUREMENT", "限制参加政府采购活动", "punish", ["serious"], "《中华人民共和国政府采购法》第二十二条；《政府采购法实施条例》第十九条；" + SERIOUS_RULES, "财政部门、政府采购代理机构"),
    ("P-FISCAL-FUNDS", "限制申请财政性资金项目", "punish", ["serious"], GUIDANCE, "发展改革部门、财政部门"),
    ("P-BIDDING", "限制参与政府投资项目招标投标", "punish", ["serious"], "《招标投标法实施条例》；" + GUIDANCE, "发展改革部门、住房城乡建设部门"),
    ("P-OFFICERS", "依法限制担任其他企业法定代表人、负责人", "punish", ["serious"], SERIOUS_RULES, "市场监督管理部门"),
    ("P-HONOURS", "不予授予相关荣誉称号，取消参加评先评优资格", "punish", ["serious", "abnormal"], SERIOUS_RULES + "；《企业信息公示暂行条例》第十八条", "各有关部门"),
    ("P-MORE-INSPECTIONS", "列为重点监管对象，提高抽查比例和频次", "punish", ["serious", "abnormal", "key_attention"], SERIOUS_RULES + "；" + NEW_MECHANISM, "各监管部门"),
    ("P-ABNORMAL-RESTRICT", "在政府采购、工程招投标、国有土地出让、授予荣誉称号等工作中依法予以限制或者禁入", "punish", ["abnormal"], "《企业信息公示暂行条例》第十八条", "各有关部门"),
    ("P-NO-TOLERANCE", "不适用告知承诺制、容缺受理等便利措施", "punish", ["serious", "abnormal"], NEW_MECHANISM, "政务服务部门、各审批部门"),
    ("P-HIGH-CONSUMPTION", "限制高消费（失信被执行人）", "punish", ["serious"], "《最高人民法院关于限制被执行人高消费及有关消费的若干规定》", "人民法院"),
    ("R-GREEN-CHANNEL", "绿色通道、容缺受理", "reward", ["red"], NEW_MECHANISM, "政务服务部门、各审批部门"),
    ("R-FEWER-INSPECTIONS", "降低抽查比例和频次，无事不扰", "reward", ["red"], NEW_MECHANISM, "各监管部门"),
    ("R-FISCAL-PRIORITY", "同等条件下在财政性资金项目安排中优先考虑", "reward", ["red"], GUIDANCE, "发展改革部门、财政部门"),
    ("R-PUBLICITY", "在政府网站和信用中国（河南）网站予以褒扬宣传", "reward", ["red"], GUIDANCE, "发展改革部门（社会信用体系建设牵头部门）"),
]


def seed(apps, schema_editor):
    PublicityRule = apps.get_model("credit", "PublicityRule")
    EvaluationModel = apps.get_model("credit", "EvaluationModel")
    GradeBand = apps.get_model("credit", "GradeBand")
    IndustryRisk = apps.get_model("credit", "IndustryRisk")
    JointMeasure = apps.get_model("credit", "JointMeasure")
    from credit.evaluation import DEFAULT_WEIGHTS

    PublicityRule.objects.get_or_create(version=1, defaults={"effective_from": EFFECTIVE})
    model, created = EvaluationModel.objects.get_or_create(
        version=1, defaults={"effective_from": EFFECTIVE, "weights": DEFAULT_WEIGHTS, "note": "初始版本（DOMAIN §3 默认规则）"}
    )
    if created:
        for grade, label, colour, lo, hi, description in BANDS:
            GradeBand.objects.create(model=model, grade=grade, label=label, colour=colour, score_min=lo, score_max=hi, description=description)
    for prefix, name, level in INDUSTRY_RISK:
        IndustryRisk.objects.get_or_create(industry_prefix=prefix, defaults={"name": name, "level": level})
    for code, name, kind, lists, basis, dept in MEASURES:
        JointMeasure.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "list_types": lists, "legal_basis": basis, "implementing_department": dept})


def roles_and_schedule(apps, schema_editor):
    from core.roles import ensure_roles, ensure_schedules

    ensure_roles(apps)
    ensure_schedules(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0001_initial"),
        ("core", "0004_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(roles_and_schedule, migrations.RunPython.noop),
    ]

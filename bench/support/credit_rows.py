"""The rows ``bench/credit.py --load`` writes: 5,000,000 deterministic credit records, built in child
processes as CSV for COPY. A support module of that script, not a benchmark of its own (bench/support/
is not scanned for scripts). The state below is set by the parent before the pool forks
(``prepare``) and read copy-on-write by the children."""

import csv
import datetime as dt
import io
import random

from credit.choices import Polarity, RecordCategory, Severity
from credit.models import CreditRecord
from credit.services import publicity_window
from demo.credit_plan import COMPLAINTS, INSPECTION_TOPICS, LICENCES, MARKET, PENALTIES, TAX_BASIS

TABLE = CreditRecord._meta.db_table
CHUNK = 100_000
SEED = 20_261_122
MARK = "BENCH-"
BENCH_ENTITIES = "substr(uscc, 9, 2) = 'MX'"
COLUMNS = [
    "uscc",
    "department_id",
    "source_ref",
    "category",
    "polarity",
    "severity",
    "title",
    "content",
    "decided_on",
    "legal_basis",
    "amount",
    "penalty_types",
    "restriction_ends_on",
    "published",
    "publicity_ends_on",
    "repairable_from",
    "publicity_rule_id",
    "state",
    "state_reason",
    "created_at",
    "updated_at",
]
NULL = r"\N"

# Set in the parent before the pool forks (``prepare``; copy-on-write in the children).
_usccs: list[str] = []
_depts: dict[str, int] = {}
_rules: list = []
_today = dt.date.today()
_now = ""
_windows: dict = {}

LICENCE_SPECS = [(title, basis) for _p, _d, title, _n, basis in LICENCES]
MARKET_PENALTIES = {sev: [spec[:4] for spec in specs] for sev, specs in PENALTIES[MARKET].items()}
OTHER_DEPTS = ["ZZHJ", "ZZYJ", "ZZWJ", "ZZJT", "ZZJS", "ZZWL", "ZZNY", "ZZSW", "ZZJY"]
MARKET_DEPTS = ["ZZSJ", "JSSJ", "ZYSJ", "EQSJ", "GCSJ", "HJSJ"]


def rule_for(day: dt.date):
    """As ``credit.services.publicity_rule_in_force``: the latest rule in force, else the first."""
    chosen = None
    for rule in _rules:  # sorted by effective_from
        if rule.effective_from <= day:
            chosen = rule
    return chosen or _rules[0]


def window(polarity: str, severity: str, day: dt.date, restriction):
    key = (polarity == Polarity.NEGATIVE, severity, day, restriction)
    if key not in _windows:
        rule = rule_for(day)
        w = publicity_window(
            rule=rule, polarity=polarity, severity=severity, decided_on=day, restriction_ends_on=restriction
        )
        _windows[key] = (w.published, w.ends_on, w.repairable_from, rule.pk)
    return _windows[key]


def build_record(rng: random.Random, n: int) -> tuple:
    """One record: mostly licences and clean inspections, some negatives of each severity, over the last 6 years."""
    uscc = _usccs[rng.randrange(len(_usccs))]
    roll = rng.random()
    severity, amount, restriction, penalty_types = "", None, None, "{}"
    market = rng.choice(MARKET_DEPTS)
    if roll < 0.40:
        title, basis = rng.choice(LICENCE_SPECS)
        dept, category, polarity = (
            market if title == "食品经营许可证" else rng.choice([market, *OTHER_DEPTS]),
            RecordCategory.LICENCE,
            Polarity.POSITIVE,
        )
        day = _today - dt.timedelta(days=rng.randint(0, 2190))
        title, content = f"准予行政许可：{title}", f"经审查，申请材料齐全、符合法定形式，决定准予许可，颁发{title}。"
    elif roll < 0.65:
        dept = rng.choice([market, market, *OTHER_DEPTS])
        topic = INSPECTION_TOPICS.get(dept, INSPECTION_TOPICS[MARKET])[0]
        category, polarity, basis = RecordCategory.INSPECTION, Polarity.NEUTRAL, "国发〔2019〕5号"
        day = _today - dt.timedelta(days=rng.randint(0, 1825))
        title, content = "“双随机、一公开”抽查：未发现问题", f"抽查事项：{topic}。检查结果：未发现问题。"
    elif roll < 0.68:
        dept, category, polarity, basis = (
            "ZZSWJ",
            RecordCategory.AWARD,
            Polarity.POSITIVE,
            "《纳税信用管理办法（试行）》",
        )
        day = _today - dt.timedelta(days=rng.randint(0, 1825))
        title, content = "纳税信用A级纳税人", "经纳税信用评价，年度纳税信用级别为A级。"
    elif roll < 0.71:
        dept = rng.choice([market, *OTHER_DEPTS])
        topic, findings = INSPECTION_TOPICS.get(dept, INSPECTION_TOPICS[MARKET])
        category, polarity, severity, basis = (
            RecordCategory.INSPECTION,
            Polarity.NEGATIVE,
            Severity.MINOR,
            "国发〔2019〕5号",
        )
        day = _today - dt.timedelta(days=rng.randint(0, 1825))
        finding = rng.choice(findings)
        title, content = "“双随机、一公开”抽查：发现问题，已责令改正", f"抽查事项：{topic}。检查发现：{finding}。"
    elif roll < 0.76:
        dept, category, polarity, severity = market, RecordCategory.COMPLAINT, Polarity.NEGATIVE, Severity.MINOR
        basis = "《市场监督管理投诉举报处理暂行办法》"
        day = _today - dt.timedelta(days=rng.randint(0, 1095))
        topic = rng.choice(COMPLAINTS)
        title, content = f"经核实的投诉举报：{topic}", f"消费者通过全国12315平台投诉，经调查核实：{topic}。"
    elif roll < 0.77:
        dept, category, polarity, severity = market, RecordCategory.COMMITMENT, Polarity.NEGATIVE, Severity.GENERAL
        basis = "国办发〔2020〕42号"
        day = _today - dt.timedelta(days=rng.randint(0, 1095))
        title, content = "违反信用承诺：告知承诺未履行", "当事人作出告知承诺后逾期未履行，承诺内容与实际情况不符。"
    elif roll < 0.79:
        dept, category, polarity, severity, basis = (
            "ZZSWJ",
            RecordCategory.TAX_ARREARS,
            Polarity.NEGATIVE,
            Severity.GENERAL,
            TAX_BASIS,
        )
        day = _today - dt.timedelta(days=rng.randint(0, 2190))
        amount = rng.randint(50, 3000) * 100
        title, content = "欠缴税款", f"当事人欠缴税款合计人民币{amount}元，经催缴仍未缴纳。"
    else:
        sev_roll = rng.random()
        severity = Severity.MINOR if sev_roll < 0.40 else Severity.GENERAL if sev_roll < 0.85 else Severity.SERIOUS
        other = rng.choice(OTHER_DEPTS)
        if rng.random() < 0.3 and severity in PENALTIES.get(other, {}):
            dept, specs = other, [spec[:4] for spec in PENALTIES[other][severity]]
        else:
            dept, specs = market, MARKET_PENALTIES[severity]
        title, facts, basis, bounds = rng.choice(specs)
        category, polarity = RecordCategory.PENALTY, Polarity.NEGATIVE
        day = _today - dt.timedelta(days=rng.randint(0, 2190))
        amount = rng.randint(bounds[0] // 100, bounds[1] // 100) * 100 if bounds else None
        content = f"{facts}处罚决定：{f'罚款人民币{amount}元' if amount else '警告'}。"
        penalty_types = "{fine}" if amount else "{warning}"  # 行政处罚法 第9条 kinds, as a push would carry them
        if severity == Severity.SERIOUS and rng.random() < 0.2:
            restriction = day + dt.timedelta(days=365 * rng.choice([3, 4, 5]))
    published, ends_on, repairable_from, rule_id = window(polarity, severity, day, restriction)
    state, reason = ("expired", "公示期满") if ends_on < _today else ("active", "")
    if (
        state == "active"
        and severity in (Severity.MINOR, Severity.GENERAL)
        and repairable_from <= _today
        and rng.random() < 0.05
    ):
        state, reason = "repaired", "信用修复申请已核准"
    return (
        uscc,
        _depts[dept],
        f"{MARK}{n:09d}",
        category,
        polarity,
        severity,
        title,
        content,
        day.isoformat(),
        basis,
        NULL if amount is None else f"{amount}.00",
        penalty_types,
        NULL if restriction is None else restriction.isoformat(),
        "t" if published else "f",
        ends_on.isoformat(),
        repairable_from.isoformat(),
        rule_id,
        state,
        reason,
        _now,
        _now,
    )


def chunk_csv(args) -> tuple[int, str]:
    start, stop = args
    rng = random.Random(SEED * 1_000_003 + start // CHUNK)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for n in range(start, stop):
        writer.writerow(build_record(rng, n))
    return stop - start, out.getvalue()


def prepare(*, usccs, depts, rules, today, now) -> None:
    """Set the state the children read: entity codes, department ids, publicity rules, the clock."""
    global _today, _now
    _usccs[:] = usccs
    _depts.clear()
    _depts.update(depts)
    _rules[:] = rules
    _windows.clear()
    _today, _now = today, now

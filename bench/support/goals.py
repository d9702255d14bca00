"""The goals of the bench (issue 16: "bench/ reports every goal in one command").

A bench script calls ``record()`` for each goal it measures; ``bench/run.py`` empties the file before
the first script and prints every recorded goal, met or not, after the last one. The file is JSON
Lines under ``var/bench/`` (``BENCH_GOALS_FILE`` overrides it), so each script, a process of its own,
only appends.
"""

import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def goals_file() -> Path:
    return Path(os.environ.get("BENCH_GOALS_FILE") or BASE_DIR / "var" / "bench" / "goals.jsonl")


def reset() -> None:
    path = goals_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("", encoding="utf-8")


def record(goal: str, measured: float, limit: float, unit: str, *, higher_is_better: bool = False) -> None:
    """One measured goal, e.g. ``record("实体名称检索 p99", 83.1, 100, "ms")``."""
    path = goals_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    met = measured >= limit if higher_is_better else measured <= limit
    row = {"goal": goal, "measured": round(float(measured), 3), "limit": limit, "unit": unit, "met": met}
    row["rule"] = "≥" if higher_is_better else "≤"
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"[目标] {goal}: {row['measured']} {unit}（要求 {row['rule']} {limit} {unit}）{'达成' if met else '未达成'}")


def read() -> list[dict]:
    path = goals_file()
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def report() -> str:
    rows = read()
    if not rows:
        return "（没有记录任何目标）"
    width = max(len(r["goal"]) for r in rows)
    lines = ["目标汇总："]
    for r in rows:
        mark = "达成" if r["met"] else "未达成"
        lines.append(
            f"  {r['goal']:<{width}}  {r['measured']:>10} {r['unit']:<4} 要求 {r['rule']} {r['limit']:<8} {mark}"
        )
    met = sum(r["met"] for r in rows)
    lines.append(f"  共 {len(rows)} 项，达成 {met} 项，未达成 {len(rows) - met} 项")
    return "\n".join(lines)

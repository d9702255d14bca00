"""Officials' lists at scale (issue 16 §3): every admin changelist, its searches and its filters, timed
for the platform administrator and for department officials.

    python bench/admin_lists.py                    # every registered ModelAdmin, every role, best of 3
    python bench/admin_lists.py --only credit      # only the lists whose app_label.model contains "credit"
    python bench/admin_lists.py --runs 1           # one request each (the smoke run)

It walks ``admin.site._registry``: for each list the user may see, it times the list itself (page 1,
the default filters), each search (a USCC prefix where the rows carry a USCC, a fragment of the first
row's searched text, and a word that matches nothing, which is the worst case of a text scan) and the
first choice of every list filter, each through Django's test ``Client`` as a logged-in user (the whole
request: middleware, queries and template). A request under 50 ms is not repeated (its best is
already far under the limit); slower ones are repeated up to ``--runs`` and the best is kept.

Goals (issue 16 §3): for each role, the slowest of all these requests ≤ 500 ms.
The logins are the demo's: ``admin`` (平台管理员), ``zzsj`` (部门工作人员) and ``zfry`` (执法人员); a login that
does not exist is skipped with a message.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib import admin  # noqa: E402
from django.contrib.admin.views.main import SEARCH_VAR  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.signals import request_started  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from support import goals  # noqa: E402  (bench/ is on sys.path: the script's own folder)

LIMIT_MS = 500  # issue 16 §3: every admin list, search and filter ≤ 500 ms at 1M entities / 5M records
QUICK_MS = 50  # a first request this fast is not repeated
USERS = (("admin", "平台管理员"), ("zzsj", "部门工作人员"), ("zfry", "执法人员"))
NO_MATCH = "无此关键词XQ"  # matches no row: a text search must read everything it searches
USCC_LIKE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


# Each request would empty the query log that CaptureQueriesContext counts from (the query count column).
request_started.disconnect(reset_queries)


def timed(client: Client, url: str, runs: int) -> tuple[float, int]:
    """The best of up to ``runs`` GETs in ms (a first one under QUICK_MS is kept as is), and the status."""
    best, status = None, None
    for _ in range(runs):
        t = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - t) * 1000
        status = response.status_code
        best = elapsed if best is None else min(best, elapsed)
        if status != 200 or best < QUICK_MS:
            break
    return best, status


def changelist(model_admin, user, query: str = ""):
    """The admin's own ChangeList for ``user`` (its filters, the first row), built without timing."""
    request = RequestFactory().get("/" + ("?" + query if query else ""))
    request.user = user
    return model_admin.get_changelist_instance(request)


def row_uscc(row) -> str | None:
    for name in ("entity_id", "uscc", "entity_uscc"):
        value = getattr(row, name, None)
        if isinstance(value, str) and USCC_LIKE.match(value):
            return value
    return None


def follow(row, path: str):
    value = row
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def searches(model_admin, request, row) -> list[tuple[str, str]]:
    """``[(kind, term)]`` for this list: a USCC prefix, a fragment of the row's text, a term matching nothing."""
    fields = [f.lstrip("=^@") for f in model_admin.get_search_fields(request)]
    has_uscc_search = fields and (
        hasattr(model_admin, "text_search_fields") or any("uscc" in f for f in fields) or "entity" in fields
    )
    if not fields and not hasattr(model_admin, "text_search_fields"):
        return []
    terms = []
    code = row_uscc(row) if row is not None else None
    if code and has_uscc_search:
        terms.append(("代码前缀", code[:8]))
    for name in fields:
        if "uscc" in name:
            continue
        value = follow(row, name) if row is not None else None
        text = str(value).strip() if value not in (None, "") else ""
        if text:
            terms.append(("常见片段", text[:2]))
            break
    terms.append(("无匹配", NO_MATCH))
    return terms


def filter_queries(cl) -> list[tuple[str, str]]:
    """``[(filter title, query string)]``: the first choice of each list filter other than the current one."""
    out = []
    for spec in cl.filter_specs:
        for choice in spec.choices(cl):
            if not choice.get("selected") and choice.get("query_string", "?") not in ("?", ""):
                out.append((str(spec.title), choice["query_string"].lstrip("?")))
                break
    return out


def measure(only: str, runs: int) -> None:
    user_model = get_user_model()
    factory_request = RequestFactory().get("/")
    rows = []
    worst_by_role = {}
    for username, role in USERS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            print(f"（跳过：没有登录名 {username}）", flush=True)
            continue
        client = Client()
        client.force_login(user)
        factory_request.user = user
        worst = (0.0, "")
        for model, model_admin in sorted(admin.site._registry.items(), key=lambda kv: kv[0]._meta.label):
            label = model._meta.label_lower
            if only and only not in label:
                continue
            if not model_admin.has_view_or_change_permission(factory_request):
                continue
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            ms, status = timed(client, url, runs)
            if status != 200:
                raise SystemExit(f"{url}（{username}）返回 {status}")
            reset_queries()  # the log keeps at most 9,000 queries
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            n_queries = len(queries)
            cl = changelist(model_admin, user)
            first = cl.result_list[0] if len(cl.result_list) else None
            shown = f"{'约' if getattr(cl.paginator, 'count_is_estimate', False) else ''}{cl.result_count:,}"
            checks = [("列表", "", url, ms)]
            request = RequestFactory().get(url)
            request.user = user
            for kind, term in searches(model_admin, request, first):
                query = f"{SEARCH_VAR}={term}"
                checks.append((f"搜索·{kind}", term, f"{url}?{query}", None))
            for title, query in filter_queries(cl):
                checks.append((f"筛选·{title}", query, f"{url}?{query}", None))
            for i, (what, detail, target, ms) in enumerate(checks):
                if ms is None:
                    ms, status = timed(client, target, runs)
                    if status not in (200, 302):  # 302: the admin's ?e=1 for a lookup it refuses
                        raise SystemExit(f"{target}（{username}）返回 {status}")
                    checks[i] = (what, detail, target, ms)
                if ms > worst[0]:
                    worst = (ms, f"{label} {what} {detail}".strip())
            slowest = max(checks, key=lambda c: c[3])
            rows.append((role, label, shown, n_queries, checks[0][3], slowest[0], slowest[1], slowest[3], len(checks)))
            print_row(rows[-1])
        worst_by_role[role] = worst
    print_table(rows)
    for role, (ms, where) in worst_by_role.items():
        print(f"{role}：最慢 {ms:.0f} ms（{where}）", flush=True)
        goals.record(f"后台列表最慢（{role}，含搜索与筛选）", ms, LIMIT_MS, "ms")


def print_row(row) -> None:
    role, label, shown, nq, list_ms, what, detail, ms, n = row
    slow = f"{what} {detail[:30]}".strip()
    mark = "  ← 超过 500 ms" if max(list_ms, ms) > LIMIT_MS else ""
    print(f"{role:<8}{label:<40}{shown:>14}{nq:>6}{list_ms:>10.0f}  {slow}: {ms:.0f} ms（{n}）{mark}", flush=True)


def print_table(rows) -> None:
    print(f"\n{'角色':<8}{'列表':<40}{'条数':>14}{'查询数':>6}{'列表 ms':>10}  最慢的一项（共几项）", flush=True)
    for row in rows:
        print_row(row)


def main() -> None:
    parser = argparse.ArgumentParser(description="后台列表（每个 ModelAdmin 的列表、搜索和筛选）按角色计时")
    parser.add_argument("--only", default="", help="只测 app_label.model 中含此字符串的列表")
    parser.add_argument("--runs", type=int, default=3, help="每个请求最多重复几次取最好（默认 3）")
    args = parser.parse_args()
    measure(args.only.lower(), max(1, args.runs))


if __name__ == "__main__":
    main()

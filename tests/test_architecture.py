"""Architecture rules of DESIGN.md, read off the source with the stdlib ``ast`` (issue 13 §5 "Lock it in").

DESIGN.md "Layout": imports point one way (credit imports supervision; inspections imports supervision
and credit; enforcement may import all three; everything may import core; core imports none of them).
No app imports another app's ``admin``, ``views``, ``templatetags`` or underscore names (an API may extend
a lower app's API). No module outside migrations and tests passes 600 lines. Issue 13 "Done when": no
import cycles. Every import counts: at the top of a module, inside a function, and ``__import__`` /
``import_module`` with a literal name. Left out of the cycle check: imports under ``if TYPE_CHECKING:`` (they
never run) and the imports DESIGN.md allows inside functions, in task bodies and ``ready()``.

No Django, no database: the checks read files, so they run in a second.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict, deque
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The project's own top-level packages, lowest layer first. `demo` is the demo city (issue 13 §4) and
# `enterprise` the entity side (issue 14), `portal` the project package (settings, root urls, celery app): both sit above every domain app.
APPS = (
    "core",
    "supervision",
    "credit",
    "inspections",
    "enforcement",
    "oversight",
    "enterprise",
    "opendata",
    "demo",
    "portal",
)
DOMAIN_APPS = ("supervision", "credit", "inspections", "enforcement", "oversight", "enterprise", "opendata", "demo")

# DESIGN.md "Imports point one way": the apps each app may import besides itself.
ALLOWED = {
    "core": set(),
    "supervision": {"core"},
    "credit": {"core", "supervision"},
    "inspections": {"core", "supervision", "credit"},
    "enforcement": {"core", "supervision", "credit", "inspections"},
    # Oversight (issue 17: figures, dashboard, 履职评估, 督办) reads every domain app; none imports it.
    "oversight": {"core", "supervision", "credit", "inspections", "enforcement"},
    # The entity side (issue 14) reads every domain app; none of them imports it.
    "enterprise": {"core", "supervision", "credit", "inspections", "enforcement"},
    # Open data (issue 15) publishes what every domain app holds; no domain app imports it.
    "opendata": {"core", "supervision", "credit", "inspections", "enforcement"},
    "demo": {"core", "supervision", "credit", "inspections", "enforcement", "oversight", "enterprise", "opendata"},
    "portal": set(APPS) - {"portal"},
}

# Another app's user-facing layers: off limits. `credit.admin_exits`, `credit.views_acts` are admin and
# view modules too; `core.admin_base` is the shared admin kit every app is meant to use, so core is exempt
# from the prefix form.
PRIVATE_LAYERS = ("admin", "views", "templatetags")

MAX_LINES = 600

# Modules whose function bodies may import (task bodies, AppConfig.ready()); see _sanctioned_lazy.
LAZY_IMPORT_MODULES = ("tasks", "apps")


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name of the importing file
    path: str  # file, relative to the repository
    lineno: int
    target: str  # dotted module name imported (resolved to a project module when it is one)
    names: tuple[str, ...] = ()  # names taken from the target by `from target import ...` (not submodules)
    where: str = "top"  # "top", "function" or "dynamic" (__import__/import_module)
    type_checking: bool = False

    def __str__(self):
        names = f" ({', '.join(self.names)})" if self.names else ""
        how = "" if self.where == "top" else f" [{self.where}]"
        return f"{self.path}:{self.lineno} {self.importer} -> {self.target}{names}{how}"


def app_of(module: str) -> str:
    return module.split(".", 1)[0]


def _is_excluded(rel: Path) -> bool:
    parts = rel.parts
    return "migrations" in parts or "tests" in parts or "__pycache__" in parts or rel.name.startswith("test_")


@cache
def modules() -> dict[str, Path]:
    """Every project module outside migrations and tests: dotted name -> file."""
    found = {}
    for app in APPS:
        base = ROOT / app
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            rel = path.relative_to(ROOT)
            if _is_excluded(rel):
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _resolve(dotted: str) -> str:
    """The longest prefix of ``dotted`` that is a project module, else ``dotted`` itself."""
    mods = modules()
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in mods:
            return name
    return dotted


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, path: Path):
        self.module = module
        self.path = str(path.relative_to(ROOT))
        self.is_package = path.name == "__init__.py"
        self.depth = 0
        self.type_checking = 0
        self.imports: list[Import] = []
        self.aliases: dict[str, str] = {}  # local name -> project module it is bound to
        self.private_uses: list[tuple[int, str, str]] = []  # (lineno, module, private attribute)

    # -- context -------------------------------------------------------------------------------
    def _nested(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _nested

    def visit_If(self, node):
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            self.type_checking += 1
            for child in node.body:
                self.visit(child)
            self.type_checking -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def _add(self, node, target, names=(), where=None):
        self.imports.append(
            Import(
                importer=self.module,
                path=self.path,
                lineno=node.lineno,
                target=target,
                names=tuple(names),
                where=where or ("function" if self.depth else "top"),
                type_checking=bool(self.type_checking),
            )
        )

    # -- imports -------------------------------------------------------------------------------
    def visit_Import(self, node):
        for alias in node.names:
            target = _resolve(alias.name)
            self._add(node, target)
            if alias.asname:
                self.aliases[alias.asname] = target
            else:
                top = alias.name.split(".")[0]
                self.aliases[top] = top

    def visit_ImportFrom(self, node):
        if node.level:
            package = self.module.split(".")
            if not self.is_package:
                package = package[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join(package + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        mods = modules()
        plain = []
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            if sub in mods:
                self._add(node, sub)
                self.aliases[alias.asname or alias.name] = sub
            else:
                plain.append(alias.name)
        if plain or not node.names:
            self._add(node, _resolve(base), names=plain)

    def visit_Call(self, node):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if (
            name in ("__import__", "import_module")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            self._add(node, _resolve(node.args[0].value), where="dynamic")
        self.generic_visit(node)

    # -- attribute access on an imported module: services._date -------------------------------
    def visit_Attribute(self, node):
        chain = []
        cur = node
        while isinstance(cur, ast.Attribute):
            chain.append(cur.attr)
            cur = cur.value
        if isinstance(cur, ast.Name) and cur.id in self.aliases:
            chain.reverse()
            base = self.aliases[cur.id]
            mods = modules()
            for attr in chain:
                if f"{base}.{attr}" in mods:
                    base = f"{base}.{attr}"
                    continue
                if base in mods and _is_private(attr):
                    self.private_uses.append((node.lineno, base, attr))
                break
            return  # the whole chain is handled; don't revisit its inner attributes
        self.generic_visit(node)


@cache
def scanned() -> dict[str, _Collector]:
    result = {}
    for module, path in modules().items():
        collector = _Collector(module, path)
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        result[module] = collector
    return result


def all_imports() -> list[Import]:
    return [imp for c in scanned().values() for imp in c.imports]


def cross_app_imports() -> list[Import]:
    """Imports of another project app's modules."""
    return [imp for imp in all_imports() if app_of(imp.target) in APPS and app_of(imp.target) != app_of(imp.importer)]


def _report(title: str, offenders) -> str:
    lines = sorted(set(map(str, offenders)))
    return f"{title}: {len(lines)}\n  " + "\n  ".join(lines)


def _is_layer(target: str) -> bool:
    """Is ``target`` an app's admin, views or templatetags (package or module)?"""
    for part in target.split(".")[1:]:
        if part in PRIVATE_LAYERS:
            return True
        if app_of(target) != "core" and part.startswith(("admin_", "views_")):
            return True
    return False


def _in_api(module: str) -> bool:
    return module.split(".")[1:2] == ["api"]


# ---------------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------------


def test_scanner_sees_the_apps():
    """Guard against a vacuous pass: the scan finds the apps and their imports."""
    mods = modules()
    for app in ("core", "supervision", "credit", "inspections", "enforcement", "portal"):
        assert app in mods, f"扫描未找到应用 {app}"
    assert len(all_imports()) > 500


def test_no_app_imports_another_apps_admin_views_or_templatetags():
    """DESIGN.md: no app imports another app's admin, views or templatetags; an app's api may extend a
    lower app's api (credit's entity endpoint extends supervision's). portal (root urls) wires them all."""
    offenders = [
        imp
        for imp in cross_app_imports()
        if app_of(imp.importer) != "portal"
        and _is_layer(imp.target)
        and not (_in_api(imp.importer) and _in_api(imp.target))
    ]
    assert not offenders, _report("导入了其他应用的 admin / views / templatetags", offenders)


def test_no_app_uses_another_apps_underscore_names():
    """DESIGN.md: no app imports another app's underscore names. Shared helpers become public names in
    core/ (issue 13 §1)."""
    offenders = []
    for imp in cross_app_imports():
        private_names = [n for n in imp.names if _is_private(n)]
        private_parts = [p for p in imp.target.split(".") if _is_private(p)]
        if private_names or private_parts:
            offenders.append(
                f"{imp.path}:{imp.lineno} {imp.importer} -> {imp.target} ({', '.join(private_names or private_parts)})"
            )
    for module, collector in scanned().items():
        for lineno, target, attr in collector.private_uses:
            if app_of(target) != app_of(module):
                offenders.append(f"{collector.path}:{lineno} {module} uses {target}.{attr}")
    assert not offenders, _report("使用了其他应用的下划线（私有）名称", offenders)


def test_core_imports_no_domain_app():
    """DESIGN.md: core is cross-cutting and imports no domain app (nor the project package)."""
    offenders = [
        imp for imp in all_imports() if app_of(imp.importer) == "core" and app_of(imp.target) in set(APPS) - {"core"}
    ]
    assert not offenders, _report("core 导入了领域应用", offenders)


def test_imports_point_one_way():
    """DESIGN.md: credit imports supervision; inspections imports supervision and credit; enforcement may
    import all three; everything may import core; core imports none. No upward import."""
    offenders = [imp for imp in cross_app_imports() if app_of(imp.target) not in ALLOWED[app_of(imp.importer)]]
    assert not offenders, _report("反向（向上）导入", offenders)


def _sanctioned_lazy(imp: Import) -> bool:
    """DESIGN.md allows imports inside functions only in task bodies (``tasks.py``: services import the task
    at the top, the task imports the service in its body, as the HackSoft styleguide prescribes) and in
    ``AppConfig.ready()`` (``apps.py``). Those are how the design breaks a cycle, so they make no edge."""
    return imp.where == "function" and imp.importer.rsplit(".", 1)[-1] in LAZY_IMPORT_MODULES


def _graph():
    """Module -> {imported module: first import that makes the edge}; only project modules, no TYPE_CHECKING."""
    mods = modules()
    graph: dict[str, dict[str, Import]] = defaultdict(dict)
    for imp in all_imports():
        if imp.type_checking or imp.target not in mods or imp.target == imp.importer or _sanctioned_lazy(imp):
            continue
        graph[imp.importer].setdefault(imp.target, imp)
    return graph


def _strongly_connected(graph) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph has a few hundred nodes)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def _shortest_cycle(graph, start: str, members: set[str]) -> list[str] | None:
    parent = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(graph.get(node, ())):
            if child not in members:
                continue
            if child == start:
                path = [node]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if child not in parent:
                parent[child] = node
                queue.append(child)
    return None


def _chain(graph, cycle: list[str]) -> str:
    steps = [cycle[0]]
    for a, b in itertools.pairwise(cycle):
        imp = graph[a][b]
        how = "" if imp.where == "top" else f", {imp.where}"
        steps.append(f"-> {b} ({imp.path}:{imp.lineno}{how})")
    return " ".join(steps)


def import_cycles() -> list[str]:
    """One readable chain per elementary cycle found (the shortest through each module of every tangle)."""
    graph = _graph()
    report = []
    for component in _strongly_connected(graph):
        members = set(component)
        seen = set()
        chains = []
        for start in component:
            cycle = _shortest_cycle(graph, start, members)
            if cycle is None:
                continue
            key = frozenset(itertools.pairwise(cycle))
            if key in seen:
                continue
            seen.add(key)
            chains.append(_chain(graph, cycle))
        report.append(f"{len(component)} modules in one tangle: {', '.join(component)}")
        report.extend(f"    {c}" for c in chains)
    return report


def test_import_graph_has_no_cycle():
    """Issue 13 "Done when": no import cycles, counting imports inside functions too."""
    cycles = import_cycles()
    assert not cycles, "模块导入图存在环：\n  " + "\n  ".join(cycles)


def test_no_module_over_600_lines():
    """DESIGN.md: no module outside migrations and tests passes 600 lines."""
    offenders = []
    bench = sorted((ROOT / "bench").rglob("*.py"))  # the benchmark scripts are modules too
    for path in [*modules().values(), *bench]:
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES:
            offenders.append(f"{path.relative_to(ROOT)}: {count} 行")
    assert not offenders, _report(f"超过 {MAX_LINES} 行的模块", offenders)

"""The modules of bot/ and actions/ import each other without a cycle.

A cycle (a imports b, b imports a, perhaps through others) makes the import order matter:
a name used before its module finished loading is an ImportError or AttributeError that
depends on which module a process happened to import first, and the modules cannot be
understood, tested or moved one at a time. The graph is read from the source with `ast`,
without importing anything.

What counts as an edge "a imports b" (b one of our modules):
- every `import b` / `from b import x` / relative `from .b import x`, wherever it is: at
  module level, inside a function or method, under `if TYPE_CHECKING:`, in a try block. An
  import inside a function is still a dependency; it only runs later, which is how a cycle
  hides until a code path meets it (bot.settings <-> bot.web.origins was one);
- `from pkg import name` is an edge to pkg.name when that is a module of ours, else to pkg;
- `importlib.import_module("b")` and `__import__("b")` with a literal name.

Not counted, and why:
- a package's `__init__` that the import system runs before any of its submodules: it is not
  an import the module wrote (each `__init__`'s own imports are counted as its edges);
- imports by a name computed at run time: bot.db.load_models() and bot.cli's sub-commands
  import modules listed as data (registries); the checker cannot know them, so
  test_dynamic_imports_by_computed_name_are_only_the_known_registries keeps that list short
  and visible;
- third-party and standard-library modules (they cannot import ours).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "actions")
KNOWN_REGISTRIES = {"bot.db", "bot.cli"}  # import_module(name) over a tuple of module names


def module_files(root: Path, packages=PACKAGES) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the packages."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _ours(name: str, modules: dict) -> str | None:
    """The longest dotted prefix of `name` that is one of our modules (a.b.c -> a.b)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _literal_dynamic_import(node: ast.Call) -> str | None | bool:
    """The module name of importlib.import_module("x") / __import__("x"); False when the call is
    not a dynamic import; None when it is one with a computed name."""
    func = node.func
    is_dynamic = (isinstance(func, ast.Name) and func.id in ("__import__", "import_module")) or (
        isinstance(func, ast.Attribute) and func.attr == "import_module"
    )
    if not is_dynamic:
        return False
    if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value
    return None


def imports_of(module: str, path: Path, modules: dict) -> tuple[set[str], bool]:
    """(our modules that `module` imports, whether it also imports by a computed name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    computed = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if target := _ours(alias.name, modules):
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's package, one level up per extra dot
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                target = submodule if submodule in modules else _ours(base, modules)
                if target:
                    found.add(target)
        elif isinstance(node, ast.Call):
            name = _literal_dynamic_import(node)
            if name is None:
                computed = True
            elif name and (target := _ours(name, modules)):
                found.add(target)
    found.discard(module)
    return found, computed


def import_graph(root: Path = ROOT, packages=PACKAGES) -> tuple[dict[str, set[str]], set[str]]:
    """(module -> the modules of ours it imports, modules that import by a computed name)."""
    modules = module_files(root, packages)
    graph, computed = {}, set()
    for module, path in modules.items():
        graph[module], by_name = imports_of(module, path, modules)
        if by_name:
            computed.add(module)
    return graph, computed


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle (a -> b -> ... -> a) per strongly connected group of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(start: str) -> None:  # Tarjan's algorithm, iterative (no recursion limit)
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [_shortest_cycle(graph, group) for group in groups]


def _shortest_cycle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """The shortest a -> ... -> a within the group (breadth-first from each member)."""
    best: list[str] = []
    for start in sorted(group):
        paths = {start: [start]}
        frontier, found = [start], None
        while frontier and found is None:
            following = []
            for node in frontier:
                for child in sorted(graph[node] & group):
                    if child == start:
                        found = found or paths[node] + [start]
                    elif child not in paths:
                        paths[child] = paths[node] + [child]
                        following.append(child)
            frontier = following
        if found and (not best or len(found) < len(best)):
            best = found
    return best


# ----------------------------------------------------------------------------- the checks


def test_bot_and_actions_import_each_other_without_a_cycle():
    graph, _ = import_graph()
    found = cycles(graph)
    assert not found, "import cycles (a -> b: a imports b):\n" + "\n".join(
        "  " + " -> ".join(cycle) for cycle in found
    )


def test_settings_import_no_web_code():
    graph, _ = import_graph()
    reached, todo = set(), ["bot.settings"]
    while todo:  # everything bot.settings imports, directly or not
        for module in graph[todo.pop()] - reached:
            reached.add(module)
            todo.append(module)
    assert not {m for m in reached if m.startswith("bot.web")}, sorted(reached)


def test_dynamic_imports_by_computed_name_are_only_the_known_registries():
    _, computed = import_graph()
    assert computed == KNOWN_REGISTRIES, (
        "a new import by computed name is invisible to the cycle check: import the module "
        f"by name, or add it to KNOWN_REGISTRIES with a reason: {sorted(computed - KNOWN_REGISTRIES)}"
    )


def test_the_graph_sees_the_imports_it_should():
    """Guards the checker itself: module level, function level, `from pkg import module`."""
    graph, _ = import_graph()
    assert "bot.sales.outbox" in graph["bot.sales.repository"]  # from bot.sales import outbox
    assert "bot.db" in graph["bot.cli"]  # `from bot import db` inside _db_upgrade()
    assert "bot.serve" in graph["bot.cli"]  # __import__("bot.serve")
    assert "bot.settings" in graph["bot.web.origins"]
    assert "bot" not in graph["bot.sales.crm"]  # `from bot.sales import alerts` is bot.sales.alerts


def test_a_cycle_is_found_and_printed(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg import b\n")
    (package / "b.py").write_text("def later():\n    from pkg.sub import c\n")  # in a function
    (package / "sub" / "c.py").write_text("from .. import a\n")  # relative, two levels
    (package / "d.py").write_text("import importlib\nimportlib.import_module('pkg.e')\n")
    (package / "e.py").write_text("import pkg.d\n")
    (package / "f.py").write_text("import pkg.a\n")  # into the cycle, not part of it
    graph, computed = import_graph(tmp_path, ("pkg",))
    assert not computed
    assert sorted(map(tuple, cycles(graph))) == [
        ("pkg.a", "pkg.b", "pkg.sub.c", "pkg.a"),
        ("pkg.d", "pkg.e", "pkg.d"),
    ]

"""No module of ours imports itself round about: an import cycle is refused before it lands
(import-linter's contracts cover cycles between siblings; this covers every module). Tests
share their helpers through tests/support only."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

from tests.support import PROJECT_ROOT

PACKAGES = ("registry", "signing", "certs", "basics")


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The graph's strongly connected components of more than one module (Tarjan's)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative: the graph is deep enough to reach Python's recursion limit.
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        order[start] = low[start] = len(order)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in order:
                    order[other] = low[other] = len(order)
                    stack.append(other)
                    on_stack.add(other)
                    work.append(
                        (other, iter(sorted(graph.find_modules_directly_imported_by(other))))
                    )
                    break
                if other in on_stack:
                    low[module] = min(low[module], order[other])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == order[module]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == module:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in order:
            visit(module)
    return cycles


def test_our_modules_import_one_another_without_a_cycle() -> None:
    assert import_cycles(grimp.build_graph(*PACKAGES)) == []


def test_a_cycle_is_found_however_long() -> None:
    graph = grimp.ImportGraph()
    for module in ("p", "p.a", "p.b", "p.c", "p.d"):
        graph.add_module(module)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    graph.add_import(importer="p.d", imported="p.a")
    assert import_cycles(graph) == [["p.a", "p.b", "p.c"]]


def _imported_by(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_tests_share_helpers_only_through_tests_support() -> None:
    """No test imports another test module, a conftest or a benchmark."""
    tests = PROJECT_ROOT / "tests"
    wrong = {
        f"{path.relative_to(PROJECT_ROOT)} imports {name}"
        for path in tests.rglob("*.py")
        if "corpus/tools" not in path.as_posix()
        for name in _imported_by(path)
        if name.split(".")[0] == "benchmarks"
        or (name.startswith("tests.") and not name.startswith("tests.support"))
        or name.split(".")[-1] == "conftest"
    }
    assert wrong == set()

"""Dependency direction: no import cycle in src, and importing a subpackage stays light."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "mlops_notebooks"
SUBPACKAGES = ("data", "eda", "drift", "evaluation", "segments", "sentiment", "runner", "cli")
# Importing a subpackage must not import these: they load on first use.
HEAVY = ("sklearn", "matplotlib", "scipy.stats", "fairlearn", "statsmodels", "cleanlab")
# Compute packages never import the interface layers.
COMPUTE = ("data", "eda", "drift", "evaluation", "segments", "sentiment")
INTERFACES = (f"{PACKAGE}.cli", f"{PACKAGE}.runner")


def _modules() -> dict[str, tuple[Path, bool]]:
    modules = {}
    for path in (SOURCE / PACKAGE).rglob("*.py"):
        parts = list(path.relative_to(SOURCE).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    # compiled extensions (rl/_steprec.c) are modules too: their stub stands for them
    for path in (SOURCE / PACKAGE).rglob("*.pyi"):
        if not path.with_suffix(".py").exists():
            modules[".".join(path.relative_to(SOURCE).with_suffix("").parts)] = (path, False)
    return modules


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            lines.update(n.lineno for n in ast.walk(node) if hasattr(n, "lineno"))
    return lines


def _targets(module: str, is_package: bool, node: ast.AST, known: set[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    assert isinstance(node, ast.ImportFrom)
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    return [
        f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target
        for alias in node.names
    ]


def import_graph() -> dict[str, set[str]]:
    """Module → modules of the package it imports, at any level (function bodies included)."""
    modules = _modules()
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for module, (path, is_package) in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_lines(tree)
        edges = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and node.lineno not in skip:
                edges.update(_targets(module, is_package, node, known))
        graph[module] = {t for t in edges if t in known and t != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph[node]:
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_finds_a_planted_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_graph_sees_function_level_imports() -> None:
    graph = import_graph()
    # errors_analysis imports the segment encoding inside analyze_errors().
    assert f"{PACKAGE}.segments.encoding" in graph[f"{PACKAGE}.evaluation.errors_analysis"]


def test_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_compute_packages_do_not_import_the_interfaces() -> None:
    graph = import_graph()
    offending = {
        module: sorted(t for t in targets if t.startswith(INTERFACES))
        for module, targets in graph.items()
        if module.startswith(tuple(f"{PACKAGE}.{p}" for p in COMPUTE))
    }
    assert {m: t for m, t in offending.items() if t} == {}


def test_no_private_names_across_packages() -> None:
    """``from mlops_notebooks.<a>.<module> import _name`` only within package ``a``."""
    crossings = []
    for module, (path, _) in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                parts = node.module.split(".")
                if parts[0] != PACKAGE or len(parts) < 3:
                    continue
                if parts[1:2] == module.split(".")[1:2]:
                    continue
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private or parts[2].startswith("_"):
                    crossings.append((module, node.module, private))
    assert crossings == []


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_importing_a_subpackage_stays_light(subpackage: str) -> None:
    code = (
        f"import sys, json, {PACKAGE}.{subpackage}; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(completed.stdout) == []

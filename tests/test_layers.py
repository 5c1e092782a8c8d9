"""The house's layout: imports run one way, with no cycle, not even deferred.

Every ``import`` and ``from ... import`` of ``coordogeo/`` counts, wherever it is
written: at the top, under ``TYPE_CHECKING`` or inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "coordogeo"

#: Packages that must not import the ones named (the arrows run downwards).
LAYERS = {
    "coordogeo.maps": ("coordogeo.access", "coordogeo.network", "coordogeo.pipeline",
                       "coordogeo.scenarios", "coordogeo.underserved"),
    "coordogeo.io": ("coordogeo.maps", "coordogeo.pipeline", "coordogeo.scenarios"),
    "coordogeo.network": ("coordogeo.access", "coordogeo.maps", "coordogeo.pipeline"),
    "coordogeo.access": ("coordogeo.maps", "coordogeo.pipeline", "coordogeo.scenarios"),
    "coordogeo.scenarios": ("coordogeo.maps", "coordogeo.pipeline"),
}  # fmt: skip


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in ROOT.rglob("*.py")}


def _imports(name: str) -> set[str]:
    """Return the coordogeo modules ``name`` imports, anywhere in its text."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], base])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name) for name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    for start, targets in graph.items():
        if start in index:
            continue
        work = [(start, iter(sorted(targets)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    out.append(sorted(group))
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c"]
    ]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back():
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_arrows_run_down(package):
    wrong = sorted(
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        if name == package or name.startswith(package + ".")
        for target in targets
        if any(target == f or target.startswith(f + ".") for f in LAYERS[package])
    )
    assert wrong == []


def test_pipeline_modules_import_only_the_ones_before_them():
    """config, ledger, results, then inputs and times, steps, scenarios, renderers."""
    order = ["specs", "schema", "config", "schema_docs", "ledger",
             "outputs", "results", "inputs", "times", "steps", "equity",
             "scenarios", "scenario_tables", "tables", "styles", "project", "report",
             "figures", "write",
             "init", "run"]  # fmt: skip
    rank = {f"coordogeo.pipeline.{m}": k for k, m in enumerate(order)}
    assert set(rank) == {m for m in MODULES if m.startswith("coordogeo.pipeline.")}
    wrong = sorted(
        f"{name} -> {target}"
        for name in rank
        for target in GRAPH[name]
        if target in rank and rank[target] > rank[name]
    )
    assert wrong == []


def test_only_a_package_reads_its_private_modules():
    """``coordogeo.maps._style`` is for ``coordogeo.maps``; the run reads maps' API."""
    wrong = sorted(
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if any(part.startswith("_") for part in target.split(".")[2:])
        and not name.startswith(target.rsplit(".", 1)[0])
    )
    assert wrong == []


def test_run_is_orchestration_only():
    assert len((ROOT / "pipeline" / "run.py").read_text().splitlines()) < 200

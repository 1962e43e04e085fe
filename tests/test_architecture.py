"""The import direction: domain is pure; api → services → domain; projections → domain."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STDLIB = set(sys.stdlib_module_names)


def imports_of(package: str) -> dict[str, set[str]]:
    """Top-level-qualified modules imported by each file of a package."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_domain_imports_only_the_standard_library_eventsourcing_domain_and_itself() -> None:
    for path, names in imports_of("domain").items():
        for name in names:
            top = name.split(".")[0]
            allowed = top in STDLIB or top == "domain" or name == "eventsourcing.domain"
            assert allowed, f"{path} imports {name}"


@pytest.mark.parametrize("package,forbidden", [
    ("domain", ("services", "projections", "api", "tracker", "litestar", "psycopg", "msgspec")),
    ("services", ("api", "projections", "tracker", "litestar")),
    ("projections", ("api", "services", "tracker", "litestar")),
])
def test_layers_do_not_import_upwards(package: str, forbidden: tuple[str, ...]) -> None:
    for path, names in imports_of(package).items():
        for name in names:
            assert name.split(".")[0] not in forbidden, f"{path} imports {name}"


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    """Guard against a checker that passes vacuously: it must find the imports of a real file."""
    names = imports_of("services")
    assert any("eventsourcing.application" in n for n in names["services/store.py"])


PACKAGES = ("domain", "services", "projections", "api", "tracker")


def module_graph() -> dict[str, set[str]]:
    """Every module of the product → the product modules it imports (anywhere in the file)."""
    modules: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path, names in imports_of(package).items():
            module = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
            modules[module] = {n for n in names if n.split(".")[0] in PACKAGES}
    known = set(modules)
    # `from services import idempotency` names a module; `from services.base import X` its module
    return {m: {n if n in known else n.rsplit(".", 1)[0] for n in names} & known - {m}
            for m, names in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_api_does_not_import_the_entry_points() -> None:
    for path, names in imports_of("api").items():
        assert not any(n.split(".")[0] == "tracker" for n in names), f"{path} imports {names}"


def test_no_import_cycles_between_modules() -> None:
    graph = module_graph()
    assert graph["api.app"], "the graph must see the app's imports"
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]

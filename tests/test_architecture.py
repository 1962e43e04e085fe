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

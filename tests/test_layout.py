"""The project's shape: core never imports discord, so it is usable and testable without it."""

from __future__ import annotations

import ast

from .conftest import ROOT


def test_nothing_under_core_imports_discord():
    offenders = []
    modules = list((ROOT / "core").rglob("*.py"))
    assert len(modules) > 10  # the check below reads something
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "discord"]
    assert not offenders, offenders

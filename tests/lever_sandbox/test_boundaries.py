"""The sandbox plays Lever: it must not reach into the product it is talking to."""

import ast
from pathlib import Path

import lever_sandbox

FORBIDDEN = ("integrations", "hr")


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_sandbox_imports_nothing_from_the_product():
    root = Path(lever_sandbox.__file__).parent
    offending = [
        (str(path.relative_to(root)), module)
        for path in root.rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN
    ]
    assert offending == []

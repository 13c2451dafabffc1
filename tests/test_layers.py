"""The layers' one direction of flow, read from every module's imports (function-level ones included):
rules <- store <- services <- ui and notices. A screen that opens the data file itself, or a rule that reads the
clock, would slip past every other test."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "desktop_app"
# layer -> what its modules may never import
FORBIDDEN = {
    "rules": ("desktop_app.store", "desktop_app.services", "desktop_app.ui", "desktop_app.notices", "PySide6",
              "sqlite3", "sqlite_utils", "reportlab"),
    "store": ("desktop_app.services", "desktop_app.ui", "desktop_app.notices", "PySide6", "reportlab"),
    "services": ("desktop_app.ui", "PySide6"),
    "notices": ("desktop_app.store", "desktop_app.ui", "PySide6", "sqlite3", "sqlite_utils"),
    "ui": ("desktop_app.store", "sqlite3", "sqlite_utils"),
}


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_reaches_past_the_one_below_it(layer):
    found = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imports(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer]):
                found.append(f"{path.relative_to(PACKAGE.parent)}: {name}")
    assert found == []


def test_the_rules_read_no_clock():
    """Every date is an input of the rule module: no today(), now() or time() inside it."""
    found = []
    for path in sorted((PACKAGE / "rules").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("today", "now", "utcnow", "time", "monotonic"):
                found.append(f"{path.name}:{node.lineno} {ast.unparse(node.func)}")
    assert found == []

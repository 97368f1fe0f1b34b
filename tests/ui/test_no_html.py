"""No user text can reach raw HTML: the app calls ``st.html`` only with module-level string
constants (our own CSS), and never ``unsafe_allow_html``."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "app_pages").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py"))]


def test_st_html_takes_only_constants_and_nothing_is_unsafe():
    calls = 0
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
                     for t in node.targets if isinstance(t, ast.Name)
                     and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html":
                raise AssertionError(f"{path.name}: unsafe_allow_html")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "html":
                calls += 1
                (arg,) = node.args
                assert isinstance(arg, ast.Name) and arg.id in constants, f"{path.name}:{node.lineno}: st.html of a non-constant"
                assert constants[arg.id].lstrip().startswith("<style>"), f"{path.name}:{node.lineno}: st.html of more than CSS"
    assert calls >= 1  # the strip's CSS (ui/lesson.py): the check sees it

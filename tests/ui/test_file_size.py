"""The house rule that keeps the code readable (CONTRIBUTING.md): no source file of the app passes 500
lines. A file that grows past it is split by concept (tf_core), by topic page (ui/strings, ui/charts) or
by lesson (app_pages/lessons/)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 500


def test_no_source_file_passes_the_limit():
    files = [p for folder in ("app_pages", "ui", "tf_core") for p in sorted((ROOT / folder).rglob("*.py"))]
    assert len(files) > 40  # the folders were found
    long = {str(p.relative_to(ROOT)): n for p in files if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"past {MAX_LINES} lines, split them (CONTRIBUTING.md): {long}"

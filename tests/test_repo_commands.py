"""The README's two commands, the install script and CI stay in step."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)


def test_readme_opens_with_the_two_commands():
    commands = readme_commands()
    assert commands[0] == "bash scripts/install.sh && .venv/bin/python -m streamlit run app.py"
    assert commands[1] == "bash scripts/install.sh test && .venv/bin/python -m pytest -n 2 --dist loadfile"


def test_ci_runs_the_readme_test_command_exactly():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == readme_commands()[1]


def test_torch_is_pinned_exactly_and_lists_are_pinned():
    for name in ("requirements.txt", "requirements-nodeps.txt", "requirements-test.txt"):
        lines = [ln.strip() for ln in (ROOT / name).read_text().splitlines() if ln.strip() and not ln.startswith("#")]
        assert lines, name
        assert all("==" in ln for ln in lines), f"{name}: every package pinned with =="
    assert "torch==2.13.0" in (ROOT / "requirements.txt").read_text().split()


def test_streamlit_config():
    import tomllib

    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["fileWatcherType"] == "none"
    assert cfg["browser"]["gatherUsageStats"] is False


def test_core_stays_free_of_streamlit_and_print():
    for path in (ROOT / "tf_core").rglob("*.py"):
        src = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+streamlit", src, re.M), path
        assert not re.search(r"^\s*print\(", src, re.M) or path.name in ("bench.py", "train.py"), path

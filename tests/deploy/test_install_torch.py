"""scripts/install.sh's choice of torch build, checked by the commands it would run (``--dry-run``):
this machine cannot reach the PyTorch CPU index, and a real install takes minutes.

TDL_TORCH unset (or pypi) must stay exactly the install the README's commands always ran; TDL_TORCH=cpu
adds one command before it, which takes torch alone, at requirements.txt's pin, from the CPU index.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def _dry_run(tmp_path: Path, *args: str, torch: str | None = None) -> tuple[list[list[str]], str]:
    """The commands ``install.sh --dry-run`` prints (each split as the shell would), and its whole output.
    The venv is a path that does not exist, so the run also shows that a dry run creates nothing."""
    env = {k: v for k, v in os.environ.items() if k not in ("TDL_TORCH", "PYTHON")}
    env["TDL_VENV"] = str(tmp_path / "venv")
    if torch is not None:
        env["TDL_TORCH"] = torch
    out = subprocess.run(["bash", "scripts/install.sh", *args, "--dry-run"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert not (tmp_path / "venv").exists(), "a dry run created the virtual environment"
    return [shlex.split(line[2:]) for line in out.stdout.splitlines() if line.startswith("+ ")], out.stdout


def _pip(commands: list[list[str]], venv: Path) -> list[list[str]]:
    prefix = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    return [c[len(prefix):] for c in commands if c[:len(prefix)] == prefix]


def _torch_pin() -> str:
    (pin,) = re.findall(r"^torch==([^\s;#]+)", (ROOT / "requirements.txt").read_text(), re.M)
    return pin


@pytest.mark.parametrize("mode", [(), ("test",)], ids=["app", "test"])
def test_default_install_is_unchanged(tmp_path, mode):
    commands, out = _dry_run(tmp_path, *mode)
    assert commands[0] == ["python3", "-m", "venv", str(tmp_path / "venv")]
    expected = [["-r", "requirements.txt"], ["--no-deps", "-r", "requirements-nodeps.txt"]]
    if mode:
        expected.append(["-r", "requirements-test.txt"])
    assert _pip(commands, tmp_path / "venv") == expected
    assert "download.pytorch.org" not in out and "--index-url" not in out
    # Naming the default changes nothing.
    assert _dry_run(tmp_path, *mode, torch="pypi")[0] == commands


@pytest.mark.parametrize("mode", [(), ("test",)], ids=["app", "test"])
def test_cpu_choice_takes_torch_alone_from_the_cpu_index(tmp_path, mode):
    default = _pip(_dry_run(tmp_path, *mode)[0], tmp_path / "venv")
    commands, out = _dry_run(tmp_path, *mode, torch="cpu")
    pip = _pip(commands, tmp_path / "venv")
    if not sys.platform.startswith("linux"):  # PyPI's torch has no CUDA there: nothing to change
        assert pip == default
        return
    # First, before requirements.txt could fetch PyPI's CUDA build: torch at the file's pin, local
    # version "+cpu" (so a CUDA build already installed is replaced), without its dependencies.
    assert pip[0] == ["--no-deps", "--index-url", CPU_INDEX, f"torch=={_torch_pin()}+cpu"]
    # Then exactly the default install: torch's dependencies and everything else from PyPI.
    assert pip[1:] == default
    assert out.count(CPU_INDEX) == 1  # that one command, nothing else


def test_unknown_choice_is_refused(tmp_path):
    env = {**os.environ, "TDL_TORCH": "cuda", "TDL_VENV": str(tmp_path / "venv")}
    out = subprocess.run(["bash", "scripts/install.sh", "--dry-run"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "TDL_TORCH" in out.stderr
    assert not (tmp_path / "venv").exists()

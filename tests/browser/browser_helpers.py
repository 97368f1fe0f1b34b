"""Helpers shared by the browser tests and benchmarks/rerender.py: start and stop a real
``streamlit run`` server, launch Debian's Chromium through Playwright, wait for a rerun to finish,
and take a whole-page screenshot.

Nothing here imports pytest, so the benchmark script can import it too.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]

APP = '[data-testid="stApp"]'
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
STATUS_WIDGET = '[data-testid="stStatusWidget"]'
EXCEPTION = '[data-testid="stException"]'
PLOTLY = '[data-testid="stPlotlyChart"]'
PLOTLY_SVG = f"{PLOTLY} .main-svg"
ALTAIR = '[data-testid="stVegaLiteChart"]'
# A chart that has drawn: Plotly's SVG, or a Vega view's canvas / SVG marks.
CHART_DRAWN = f'{PLOTLY_SVG}, {ALTAIR} canvas, {ALTAIR} svg.marks'
# Vega renders into a canvas or an svg inside the chart element, once the chart has data.
ALTAIR_DRAWN = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks'
ALERT = '[data-testid="stAlert"], [data-testid="stAlertContainer"]'
CAPTION = '[data-testid="stCaptionContainer"]'
# A line of text under a chart: a lesson's notes that carry numbers are Markdown (ui/lesson.note), not captions.
NOTE = '[data-testid="stMarkdown"], [data-testid="stCaptionContainer"]'
# The first screen (ui/lesson.py): the headline figures and the main chart's container.
FIGURES = ".st-key-lesson-figures"
MAIN_CHART = ".st-key-lesson-main"
FOLD_WIDTH, FOLD_HEIGHT = 1366, 768
FOLD_MAIN_TOP = 518  # px from the window's top: the main chart starts at most here (issue 13)
MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'


# --- server ------------------------------------------------------------------------------------
def free_port() -> int:
    """A free loopback port (bind port 0, read it, release it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log_path: Path, env: dict[str, str] | None = None,
                 cpus: set[int] | None = None) -> subprocess.Popen:
    """``streamlit run app.py`` in its own process group, output to ``log_path``; ``cpus``: the cores it
    may run on (its threads and children inherit them), default all."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "wb")
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
    ]
    try:
        return subprocess.Popen(
            cmd, cwd=ROOT, start_new_session=True, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            preexec_fn=None if cpus is None else (lambda: os.sched_setaffinity(0, cpus)),
        )
    finally:
        log.close()  # the child holds its own copy of the descriptor


def wait_healthy(base_url: str, proc: subprocess.Popen, timeout: float = 60.0, poll: float = 0.05) -> None:
    """Poll ``/_stcore/health`` until it answers "ok"; raise if the server dies or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=1) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(poll)
    raise TimeoutError(f"streamlit did not answer {base_url}/_stcore/health within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM the server's process group, wait, then SIGKILL whatever is left of it (the one copy of this
    is scripts/replicas.py's ``stop``, which stops its replicas the same way)."""
    scripts = str(ROOT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    from replicas import stop

    stop(proc, timeout)


# --- browser -----------------------------------------------------------------------------------
def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_rerun(page, timeout: float = 60_000) -> None:
    """Wait until the script is not running and the status widget ("Running...") is gone.

    The state can read notRunning before a rerun has even started: callers must then also wait
    for the new content they expect.
    """
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)
    page.wait_for_selector(STATUS_WIDGET, state="hidden", timeout=timeout)


def wait_page(page, *, lesson: bool, timeout: float = 90_000) -> None:
    """After a navigation: the title is up, the script is idle and (lesson pages) charts drew."""
    page.wait_for_selector(f"h1, {EXCEPTION}", state="visible", timeout=timeout)
    if lesson:
        # Stop early, with the traceback, when the script raised instead of drawing its charts.
        page.wait_for_selector(f"{CHART_DRAWN}, {EXCEPTION}", state="visible", timeout=timeout)
        raise_on_exception(page)
    wait_rerun(page, timeout)
    raise_on_exception(page)
    if lesson and page.locator(ALTAIR).count():  # Vega draws after its element appears
        page.wait_for_selector(ALTAIR_DRAWN, state="attached", timeout=timeout)


def raise_on_exception(page) -> None:
    """AssertionError with the text of every exception box the page shows."""
    exc = page.locator(EXCEPTION)
    if exc.count():
        raise AssertionError(
            f"{page.url} shows an exception:\n" + "\n---\n".join(exc.all_inner_texts())
        )


def slider(page, label: str):
    """The range input of the slider labelled ``label``.

    Its accessible name is the label twice ("L L": aria-labelledby names both the input and its
    group), so an exact role+name match fails; the input's own aria-label is the label exactly.
    """
    return page.locator(f"input[type=range][aria-label={json.dumps(label, ensure_ascii=False)}]")


def full_page_screenshot(page, path: Path, cap: int = 6000) -> Path:
    """Screenshot the whole page: Streamlit scrolls inside stMain, so grow the viewport to it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    old = page.viewport_size
    height = page.locator(MAIN).evaluate("e => e.scrollHeight")
    height = max(old["height"], min(int(height), cap))
    try:
        if height != old["height"]:
            page.set_viewport_size({"width": old["width"], "height": height})
            page.wait_for_timeout(300)  # let the charts relayout to the new size
            wait_rerun(page)
        page.screenshot(path=str(path), full_page=True)
    finally:
        if height != old["height"]:
            page.set_viewport_size(old)
    return path


def query(url: str) -> dict[str, str]:
    """The query parameters of ``url`` (last value of each)."""
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


# --- process memory ----------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            kids.append(int(entry.name))
    return kids


def rss_kib(pid: int) -> int:
    """VmRSS of ``pid`` and all its descendants, in KiB (0 for a process already gone)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
        todo.extend(_children(p))
    return total


def require_browser() -> None:
    """Fail (or skip, with TDL_SKIP_BROWSER=1) when Chromium or Playwright is missing."""
    import pytest

    skip = os.environ.get("TDL_SKIP_BROWSER") == "1"
    problem = None
    if not os.access(CHROMIUM, os.X_OK):
        problem = f"{CHROMIUM} is missing"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright Python package is missing"
    if problem:
        if skip:
            pytest.skip(f"browser tests skipped (TDL_SKIP_BROWSER=1): {problem}")
        pytest.fail(
            f"{problem}: run `bash scripts/install.sh test` to install the browser test dependencies, "
            "or set TDL_SKIP_BROWSER=1 to skip the browser tests.",
            pytrace=False,
        )

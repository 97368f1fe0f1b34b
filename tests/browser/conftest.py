"""Fixtures for the browser tests: one real ``streamlit run`` server for the whole session (the one
headless Chromium, ``browser``, is in tests/conftest.py, shared with tests/deploy; each test opens its own
context and page).

The browser is Debian's /usr/bin/chromium (``bash scripts/install.sh test`` installs it), never a
Playwright download. Set TDL_SKIP_BROWSER=1 to skip these tests where no browser can be had.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # importlib import mode: make browser_helpers importable
    sys.path.insert(0, str(HERE))

import browser_helpers as bh  # noqa: E402

SERVER_LOG = bh.ARTIFACTS / "browser-tests-server.log"


@pytest.fixture(scope="session")
def server() -> str:
    """Base URL of a ``streamlit run app.py`` server on a free loopback port; stopped at the end."""
    bh.require_browser()
    port = bh.free_port()
    base_url = f"http://127.0.0.1:{port}"
    proc = bh.start_server(port, SERVER_LOG)  # inherits TF_CORE_DEVICE=cpu from tests/conftest.py
    try:
        try:
            bh.wait_healthy(base_url, proc, timeout=90)
        except (RuntimeError, TimeoutError) as e:
            log = SERVER_LOG.read_text(errors="replace")[-4000:] if SERVER_LOG.exists() else ""
            pytest.fail(f"{e}\n--- server log ({SERVER_LOG}) ---\n{log}", pytrace=False)
        yield base_url
    finally:
        bh.stop_server(proc)


@pytest.fixture(scope="session")
def reused_page(browser):
    """A factory for one page per viewport size, kept for the session: the page renders navigate it
    from one URL to the next (each navigation is a new Streamlit session; the browser's cache keeps
    Streamlit's scripts, ~1.3 s of every render in a fresh context on 2 cores). Tests that change a
    page's state beyond its URL (dialogs, clicks) use :func:`new_page`."""
    pages = {}

    def make(width: int = 1366, height: int = 768):
        page = pages.get((width, height))
        if page is None or page.is_closed():
            ctx = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
            ctx.set_default_timeout(60_000)
            page = pages[(width, height)] = ctx.new_page()
        return page

    yield make
    for page in pages.values():
        page.context.close()


@pytest.fixture
def new_page(browser):
    """A factory for a fresh context + page at a given viewport; all closed after the test."""
    contexts = []

    def make(width: int = 1366, height: int = 768):
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
        ctx.set_default_timeout(60_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()

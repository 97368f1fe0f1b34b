"""What the server process does for every learner at once: result caches bounded in entries and age
(ui/caching.py), free heap pages handed back (ui/perf.py), a reconnect after a replica stopped (ui/failover.py)."""
from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from tf_core import limits
from ui import caching

ROOT = Path(__file__).resolve().parents[2]


def test_cached_is_st_cache_data_with_the_apps_age_limit(monkeypatch):
    seen = {}

    def fake_cache_data(**kwargs):
        seen.update(kwargs)
        return lambda f: f

    monkeypatch.setattr(st, "cache_data", fake_cache_data)
    caching.cached(7)
    assert seen == {"max_entries": 7, "ttl": limits.CACHE_SECONDS, "show_spinner": False}
    assert 60 <= limits.CACHE_SECONDS <= 24 * 3600


def test_no_page_caches_results_without_the_bounds():
    """A plain st.cache_data in a page would keep its results for the life of the server."""
    offenders = []
    for path in [*ROOT.glob("app_pages/**/*.py"), *ROOT.glob("ui/**/*.py"), ROOT / "app.py"]:
        if path.name == "caching.py":
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"\s*@st\.cache_data\b", line):
                offenders.append(f"{path.relative_to(ROOT)}:{i}")
    assert not offenders, offenders
    assert any("@cached(" in p.read_text(encoding="utf-8") for p in ROOT.glob("app_pages/*.py"))


def test_the_trimmer_hands_free_pages_back_every_few_seconds(monkeypatch):
    """ui.perf.start_trimmer starts one thread per process calling malloc_trim(0) at its interval, and none
    where there is no glibc."""
    import threading
    import time

    from ui import perf

    calls = []
    monkeypatch.setattr(perf, "malloc_trim", lambda: calls.append)
    monkeypatch.setattr(perf, "_trimmer", [])
    monkeypatch.setattr(perf, "_stop_trimming", threading.Event())
    before = set(threading.enumerate())
    try:
        assert perf.start_trimmer(0.01) and perf.start_trimmer(0.01)
        deadline = time.monotonic() + 5
        while len(calls) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert calls[:3] == [0, 0, 0]
        assert [t.name for t in set(threading.enumerate()) - before] == ["malloc-trim"]
    finally:
        perf._stop_trimming.set()

    monkeypatch.setattr(perf, "malloc_trim", lambda: None)
    monkeypatch.setattr(perf, "_trimmer", [])
    assert perf.start_trimmer(0.01) is False


def test_failover_runs_the_whole_page_for_an_unknown_fragment_of_a_fresh_session(monkeypatch):
    """ui/failover.py: a fragment rerun that a session which never ran the app does not know becomes a rerun of
    the whole page; a known fragment, or a session that has run the app (it holds the language), is left alone."""
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.runtime.app_session import AppSession

    from ui import failover
    from ui.sidebar import LANG_KEY

    asked = []
    monkeypatch.setattr(AppSession, "request_rerun", lambda self, client_state=None: asked.append(client_state))
    assert failover.install() and failover.install()  # the second call does not wrap twice

    class Session:
        def __init__(self, fragments, state):
            self.fragments, self.session_state = fragments, state

        def has_fragment(self, fragment_id):
            return fragment_id in self.fragments

    def rerun(session, fragment):
        AppSession.request_rerun(session, ClientState(fragment_id=fragment, query_string="q=scaling&dk=256"))
        return asked.pop()

    fresh = rerun(Session(set(), {}), "f1")
    assert fresh.fragment_id == "" and fresh.query_string == "q=scaling&dk=256"
    assert rerun(Session({"f1"}, {}), "f1").fragment_id == "f1"  # a fragment it has
    assert rerun(Session(set(), {LANG_KEY: "en"}), "f1").fragment_id == "f1"  # removed by a full run: Streamlit's rule
    assert rerun(Session(set(), {}), "").fragment_id == ""
    AppSession.request_rerun(Session(set(), {}), None)
    assert asked.pop() is None

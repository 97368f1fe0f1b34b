"""A learner whose server stopped keeps working on the next one, without a reload.

When a replica stops (scripts/replicas.py, a Kubernetes pod rescheduled), the learner's browser reconnects by
itself to another server, which starts a new, empty session for it, and keeps showing the page the old server
drew. The first control the learner then moves asks for a rerun of the lesson's fragment
(:func:`ui.lesson.fragment`), which the new session has never registered. Streamlit 1.67 drops a rerun of an
unknown fragment ("The fragment with id ... does not exist anymore"): right for a fragment a full run has just
removed, wrong here, where every later move is dropped the same way and the lesson looks frozen until a reload.

:func:`install` changes that one case: a fragment rerun asked of a session that has not run the app yet (its
state does not hold the language, which every full run of app.py sets) runs the whole page instead. The page
is drawn from its address, which holds the lesson and its settings: the value of the control just moved goes
back to the address's (the new session cannot tell a moved value from the one the address gives), and from
then on every control works as before. tests/deploy/test_replicas.py checks it on two replicas behind nginx.
Servers behind a load balancer start through ``python -m ui.serve`` (scripts/replicas.py), which installs it
before the first session; app.py installs it too, on its first run in a process.
"""
from __future__ import annotations

import functools
import logging

from ui.sidebar import LANG_KEY

log = logging.getLogger(__name__)
_MARK = "_tdl_runs_unknown_fragments_whole"


def install() -> bool:
    """Wrap ``AppSession.request_rerun`` once per process (later calls return at once); False, changing
    nothing, when this Streamlit has no such method or no ``has_fragment`` to ask."""
    from streamlit.runtime.app_session import AppSession

    original = getattr(AppSession, "request_rerun", None)
    if original is None or not hasattr(AppSession, "has_fragment"):
        return False
    if getattr(original, _MARK, False):
        return True

    @functools.wraps(original)
    def request_rerun(self, client_state=None):
        fragment = getattr(client_state, "fragment_id", "") if client_state is not None else ""
        if fragment and not self.has_fragment(fragment) and LANG_KEY not in self.session_state:
            whole = type(client_state)()
            whole.CopyFrom(client_state)
            whole.fragment_id = ""
            log.info("a fragment rerun reached a session that has not run the app (a reconnect after its "
                     "server stopped?): running the whole page instead")
            client_state = whole
        return original(self, client_state)

    setattr(request_rerun, _MARK, True)
    AppSession.request_rerun = request_rerun
    return True

"""Heavy jobs from a page: who asks (one learner per browser), whether they are still there, and what
they are told when the line is full or their job stops early.

tf_core.worker keeps the line fair and bounded; this module gives it what only the page knows:

- ``learner()``: the job's owner. A class shares one address (a school's NAT, or every student on one
  server's loopback behind a proxy), so the address cannot tell learners apart, and one learner may
  open many tabs, so the session cannot either. The browser's cookie can: Streamlit sets its XSRF
  cookie (``_streamlit_xsrf``) once per browser, and every tab sends it. Its value is hashed here and
  never shown or logged. Without it (XSRF protection switched off, or AppTest) the session is the owner.
- ``alive``: whether the session that asked is still connected (a closed tab stops its job at the next
  step, or takes it out of the line).
- ``run(fn, ...)``: fn through the line with both, and on ``Busy`` or ``Cancelled`` a message in the
  learner's language in place of the result, then the run of the page stops there (``st.stop``), the
  rest of the app untouched. "gone" needs no message: nobody is there to read it.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from tf_core import limits
from ui.i18n import t

R = TypeVar("R")
XSRF_COOKIE = "_streamlit_xsrf"
_LOG = logging.getLogger(__name__)


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def learner() -> str:
    """This browser's owner key for tf_core.worker: a hash of Streamlit's per-browser cookie, else the
    session id (one tab), else "anonymous"."""
    try:
        cookie = st.context.cookies.get(XSRF_COOKIE)
    except Exception:  # no request behind this run (AppTest, bare mode)
        cookie = None
    if isinstance(cookie, str) and cookie:  # (AppTest's context holds no real request)
        return "browser:" + hashlib.sha256(cookie.encode("utf-8", "replace")).hexdigest()[:16]
    session = _session_id()
    return f"session:{session}" if session else "anonymous"


def alive_check() -> Callable[[], bool] | None:
    """A callable saying whether this run's session is still connected (None outside a server)."""
    from streamlit.runtime import Runtime

    session = _session_id()
    if session is None or not Runtime.exists():
        return None
    runtime = Runtime.instance()
    return lambda: runtime.is_active_session(session)


def refused(error: Exception, lang: str) -> None:
    """The learner's message for a job the line refused or stopped (nothing for a learner who left)."""
    from tf_core.worker import Busy, Cancelled

    if isinstance(error, Busy):
        st.warning(t("job.busy", lang, ahead=error.ahead), icon=":material/groups:")
        st.button(t("job.retry", lang), key="job.retry", icon=":material/refresh:")
    elif isinstance(error, Cancelled) and error.reason == "replaced":
        st.info(t("job.replaced", lang), icon=":material/swap_horiz:")
    elif isinstance(error, Cancelled) and error.reason == "time":
        st.warning(t("job.time", lang, seconds=limits.WORKER_JOB_SECONDS), icon=":material/timer_off:")
        st.button(t("job.retry", lang), key="job.retry", icon=":material/refresh:")


def run(fn: Callable[..., R], *args: Any, lang: str, on_wait: Callable[[int], Any] | None = None,
        medium: bool = False, **kwargs: Any) -> R:
    """fn(*args, **kwargs) through the process's line (``medium``: the second line, tf_core.worker.medium_worker),
    owned by this learner and stopped if they leave. A refusal or an early stop is drawn (:func:`refused`)
    and ends this run of the page (st.stop)."""
    from tf_core.worker import Busy, Cancelled, medium_worker, run_queued

    try:
        return run_queued(fn, *args, on_wait=on_wait, owner=learner(), alive=alive_check(),
                          worker=medium_worker() if medium else None, **kwargs)
    except (Busy, Cancelled) as error:
        _LOG.info("heavy job not done: %s", error)
        refused(error, lang)
        st.stop()
        raise  # st.stop raises; this line is never reached

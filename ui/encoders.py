"""Controls shared by the lessons that run a pretrained encoder on the learner's sentence: the
sentence, the model choice, the cached model, the token strip and the notices about them.

The model loads once per process (st.cache_resource), only when such a lesson runs, under a
spinner. A model the learner asked for whose package is not installed here gives a notice and the
other encoder runs (:func:`model_notice`); a model that cannot be read at all stops the lesson with
ui.failures' message. The sentence is never rendered as Markdown or HTML: tokens go into a code block
and into chart labels escaped for Plotly.
"""
from __future__ import annotations

import streamlit as st

from tf_core import limits
from tf_core.models import registry
from tf_core.models.catalog import MODELS
from ui.i18n import t
from ui.params import ChoiceParam, TextParam

TEXT = TextParam(
    "text",
    max_chars=limits.ENCODER_TEXT_CHARS,
    defaults=(
        ("en", "The animal didn't cross the street because it was too tired."),
        ("zh", "这只动物没有过马路，因为它太累了。"),
    ),
)
MODEL = ChoiceParam("model", options=(registry.AUTO, *registry.ENCODERS), default=registry.AUTO)


@st.cache_resource(show_spinner=False, max_entries=len(registry.ENCODERS))
def _encoder(key: str):
    """The TextEncoder of ``key``; tf_core.failures.ModelLoadError when its package or file is missing or
    damaged (the lesson's guard, ui.failures, shows it; st.cache_resource keeps no failure, so the next run
    tries again)."""
    from tf_core.device import get_device
    from tf_core.failures import loading

    with loading(key):
        return registry.load(key, get_device())


_loaded: set[str] = set()  # keys loaded in this process: no spinner needed for those


def encoder(key: str, lang: str):
    """The loaded TextEncoder (seconds the first time in a process, then instant)."""
    if key in _loaded:
        return _encoder(key)
    with st.spinner(t("enc.loading", lang, name=MODELS[key].name)):
        enc = _encoder(key)
    _loaded.add(key)
    return enc


def current(lesson: str) -> tuple[str, str]:
    """(clean text, encoder key to run) from the lesson's current settings, before the widgets
    are drawn (the page shows its short answer above them)."""
    text, _ = TEXT.clean(st.session_state[TEXT.key(lesson)])
    return text, registry.pick(text, st.session_state[MODEL.key(lesson)])


def controls(lesson: str, lang: str, text_col, model_col) -> None:
    """The sentence box and the model choice, in two columns of the lesson's controls row (the caps
    are in the sentence box's help)."""
    text_col.text_area(
        t("enc.text", lang),
        key=TEXT.key(lesson),
        max_chars=limits.ENCODER_TEXT_CHARS,
        height=68,
        help=t("enc.text_help", lang, tokens=limits.ENCODER_TOKENS, chars=limits.ENCODER_TEXT_CHARS),
    )
    model_col.selectbox(
        t("enc.model", lang),
        options=MODEL.options,
        key=MODEL.key(lesson),
        format_func=lambda k: t(f"enc.model.{k}", lang),
        help=t("enc.model_help", lang),
    )


def model_notice(lesson: str, lang: str) -> None:
    """A note when the model choice cannot be honoured, or is a poor one for the sentence's language."""
    text, key = current(lesson)
    requested = st.session_state[MODEL.key(lesson)]
    if requested != registry.AUTO and key != requested:
        st.info(t("enc.model_missing", lang, name=MODELS[requested].pip_name, model=t(f"enc.model.{key}", lang)),
                icon=":material/info:")
    elif registry.has_cjk(text) and key == "minilm":
        note = "enc.cjk_minilm" if requested == "minilm" else "enc.cjk_no_e5"
        st.info(t(note, lang), icon=":material/info:")


def token_notices(text: str, pieces: tuple[str, ...], n_total: int, truncated: bool, unk: int, lang: str) -> None:
    if not text.strip():
        st.info(t("enc.empty", lang), icon=":material/edit_note:")
    if truncated:
        st.warning(t("enc.truncated", lang, n=n_total, cap=len(pieces)), icon=":material/content_cut:")
    if unk:
        st.caption(t("enc.unk", lang, n=unk))


def token_strip(pieces: tuple[str, ...], lang: str, prefix: str = "") -> None:
    """The tokens as the model sees them, in a code block (never interpreted as Markdown)."""
    st.caption(t("enc.tokens", lang, n=len(pieces)) + (" " + t("enc.prefix", lang, prefix=prefix.strip()) if prefix else ""))
    st.code("  ".join(pieces), language=None, wrap_lines=True)

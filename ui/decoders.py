"""Controls shared by the lessons that run a decoder on the learner's prompt (page decoding:
parallelism, kv-cache; page masks: causal-mask, residual-leak): the prompt, the model choice, the
cached models, the token strip, the notices, yes/no words, and the way a heavy run is shown while
it waits in line and while it runs.

Two decoders, one interface (tf_core.models.decoder: ``model(ids, cache, need_weights=, last_only=)``,
``model.cfg``, the lesson functions), offered by every decoder lesson:
  smollm2   SmolLM2-135M-Instruct, the real Llama of tf_core.models.llama (byte-level BPE; Chinese
            and emoji fall into byte pieces)
  tiny-gpt  the repository's own character-level GPT (tf_core.models.tiny_gpt), offered only when its
            checkpoint is there; it knows only the characters of its training text, so other
            characters of a prompt are dropped, with a notice; the fast choice on a slow server

Each model loads once per process (st.cache_resource), only when a page asks for it, under a
spinner naming it. The prompt is never rendered as Markdown or HTML: tokens go into a code block
(and into charts as data); captions escape it with ui.text.md_escape.

Tokens are shown as characters (SmolLM2 splits 从 into ⟨E4 BB⟩ ⟨8E⟩: shown ``从 ·``, see
tf_core.lab.decoder_prompt); a switch beside a token row shows each token's bytes instead. The
switch only picks which of the result's two label sets to draw: it never reruns a model.

The default prompt depends on the language and the model (:class:`DecoderPrompt`): the tiny GPT
knows English letters only, so a Chinese page offers it the English sentence; a default prompt in
the box follows the model the learner picks (:func:`follow_model`).

Heavy runs (seconds: a decode of tens of steps) go through tf_core.worker, the process's one
bounded line. :func:`run_in_line` gives the job a :class:`Progress` with the two callbacks a run
reports through (``wait(position)`` while it waits, ``step(done, total)``, a lab's ``on_progress``,
while it runs). A page calls it *inside* its st.cache_data function: the elements it draws are then created inside the cached
function, which Streamlit can replay on a cache hit (updating an element created outside a cached
function is an error on the replay); the box ends empty, so a replay shows nothing.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import streamlit as st

from tf_core import limits
from ui.i18n import t
from ui.params import ChoiceParam, TextParam
from ui.text import md_escape

SMOLLM2, TINY_GPT = "smollm2", "tiny-gpt"
# URL name "decoder", not "model": the encoder lessons' "model" (auto/minilm/e5) shares a page with
# the decoder lessons, and the lesson switch carries settings of the same name across.
MODEL = ChoiceParam("decoder", options=(SMOLLM2, TINY_GPT), default=SMOLLM2)


@dataclass(frozen=True)
class DecoderPrompt(TextParam):
    """The prompt: a default sentence per language (``defaults``, SmolLM2's, the default model's),
    and per (model, language) where that model cannot read the language's one (``by_model``:
    ((model, lang, sentence), ...), taking precedence). ``default_for(lang)``, as the URL, the reset
    button and the lesson switch call it, is the default model's."""

    by_model: tuple[tuple[str, str, str], ...] = ()

    def default_for(self, lang: str, model: str = MODEL.default) -> str:
        own = {(m, lg): text for m, lg, text in self.by_model}
        return own.get((model, lang), TextParam.default_for(self, lang))


# the English one: 63 characters, every one in the tiny GPT's vocabulary (the King James Bible's), so it
# runs uncut on that character-level model too (DECODER_TOKENS = 64)
_ENGLISH = "Once upon a time, in a small village by the sea, there lived an"
PROMPT = DecoderPrompt(
    "prompt",
    max_chars=limits.DECODER_TEXT_CHARS,
    defaults=(("en", _ENGLISH), ("zh", "从前有一座山，山里有一座庙，庙里有")),
    by_model=((TINY_GPT, "zh", _ENGLISH),),  # the tiny GPT reads no Chinese
)
BYTES = "bytes"  # the token rows' switch, keyed "<lesson>.bytes": this session only (it changes the drawing)
R = TypeVar("R")
PROGRESS_UPDATES = 25  # a run redraws its bar at most this many times (each redraw is recorded for replay)


@dataclass(frozen=True, eq=False)
class Decoder:
    """A loaded decoder with what the lessons need around it."""

    key: str
    name: str  # shown on the page
    model: object  # tf_core.models.llama.Llama or tf_core.models.tiny_gpt.TinyGPT (eval mode, frozen)
    tokenizer: object  # tokenizers.Tokenizer (SmolLM2) or tf_core.models.vocab.Vocab (characters)
    eos_id: int | None

    @property
    def cfg(self):
        return self.model.cfg

    @property
    def label(self) -> str:
        """The name without its publisher ("SmolLM2-135M-Instruct")."""
        return self.name.split("/")[-1]

    @property
    def characters(self) -> frozenset[str] | None:
        """The characters a character-level vocabulary knows (None for byte-level BPE: it knows all)."""
        tokens = getattr(self.tokenizer, "tokens", None)
        return None if tokens is None else frozenset(tok for tok in tokens if len(tok) == 1)

    def text(self, ids) -> str:
        """Token ids as plain text (byte pieces joined back into characters where they are whole)."""
        ids = [int(i) for i in ids]
        if hasattr(self.tokenizer, "id_to_token"):
            return self.tokenizer.decode(ids, skip_special_tokens=False)
        return "".join(self.tokenizer.decode(ids))


def available(key: str) -> bool:
    """Whether the model can be offered: its package (SmolLM2) or its checkpoint files (tiny GPT) are here."""
    if key == SMOLLM2:
        from tf_core.models.catalog import MODELS

        return MODELS[SMOLLM2].installed()
    if key == TINY_GPT:
        from tf_core.models import checkpoints

        return all((checkpoints.GPT_DIR / name).is_file() for name in checkpoints.FILES)
    return False


def offered() -> tuple[str, ...]:
    """The choices shown: the available models, SmolLM2 first (always listed: a missing package
    then gives a clear message instead of an empty choice)."""
    return tuple(k for k in MODEL.options if k == SMOLLM2 or available(k))


@st.cache_resource(show_spinner=False, max_entries=len(MODEL.options))
def _load(key: str) -> Decoder:
    """The decoder of ``key``; tf_core.failures.ModelLoadError when its package or file is missing or damaged."""
    from tf_core.device import get_device
    from tf_core.failures import loading

    device = get_device()
    if key == SMOLLM2:
        from tf_core.models import smollm2

        with loading(SMOLLM2):
            m = smollm2.load(device)
        return Decoder(key=key, name=m.name, model=m.model, tokenizer=m.tokenizer, eos_id=m.eos_id)
    from tf_core.models import checkpoints

    with loading(TINY_GPT):
        trained = checkpoints.load_gpt(device=device)
    return Decoder(key=key, name="TinyGPT", model=trained.model, tokenizer=trained.model.cfg.vocab, eos_id=None)


_loaded: set[str] = set()  # keys loaded in this process: no spinner for those


def decoder(key: str, lang: str) -> Decoder | None:
    """The loaded decoder (seconds the first time in a process, then instant); None, with the message of
    ui.failures on the page, when it cannot be loaded (package or checkpoint missing, a damaged file, no
    memory left): the page then shows its controls, so the learner can pick the other decoder."""
    from ui import failures

    if key in _loaded:
        return _load(key)
    label = "SmolLM2-135M-Instruct" if key == SMOLLM2 else "TinyGPT"
    try:
        with st.spinner(t("dec.loading", lang, name=label)):
            dec = _load(key)
    except Exception as e:  # noqa: BLE001 - a known failure is shown (and logged), any other raised on
        if not failures.show(e, lang):
            raise
        return None
    _loaded.add(key)
    return dec


def chosen(lesson: str, lang: str) -> str:
    """The model key to run: the lesson's choice, or SmolLM2 with a notice when the choice is not
    offered here (a link naming the tiny GPT on a server without its checkpoint). Call it before
    the choice widget is drawn: it may reset the widget's value."""
    key = MODEL.key(lesson)
    if st.session_state.get(key) not in offered():
        if st.session_state.get(key) is not None:
            st.info(t("dec.model_missing", lang), icon=":material/info:")
        st.session_state[key] = SMOLLM2
    follow_model(lesson, lang, st.session_state[key])
    return st.session_state[key]


def follow_model(lesson: str, lang: str, model: str) -> None:
    """A default prompt follows the model: a prompt box holding another model's default for this
    language gets ``model``'s (a zh learner who picks the tiny GPT gets a prompt it can read, and
    the Chinese one back with SmolLM2; the same on a link naming the model without a prompt). Any
    other prompt is left as it is. Call it before the prompt box is drawn (:func:`chosen` does)."""
    key = PROMPT.key(lesson)
    want = PROMPT.default_for(lang, model)
    current = st.session_state.get(key)
    if current != want and current in {PROMPT.default_for(lang, m) for m in MODEL.options}:
        st.session_state[key] = want


def prompt(lesson: str) -> str:
    """The lesson's prompt, cleaned (control characters removed, at most DECODER_TEXT_CHARS)."""
    text, _ = PROMPT.clean(st.session_state.get(PROMPT.key(lesson), ""))
    return text


def usable(dec: Decoder, text: str) -> tuple[str, str]:
    """(text the model can read, the characters dropped from it). Only a character vocabulary drops
    anything: the tiny GPT has no token for a character outside its training text."""
    known = dec.characters
    if known is None:
        return text, ""
    dropped = "".join(sorted({c for c in text if c not in known}))
    return "".join(c for c in text if c in known), dropped


def controls(lesson: str, lang: str, left=None, right=None) -> None:
    """The prompt box and the model choice (call :func:`chosen` first), in the two given columns of
    the lesson's controls row (ui.lesson.controls), or in a row of their own."""
    if left is None or right is None:
        left, right = st.columns([3, 2], vertical_alignment="bottom")
    left.text_input(
        t("dec.prompt", lang),
        key=PROMPT.key(lesson),
        max_chars=limits.DECODER_TEXT_CHARS,
        help=t("dec.prompt_help", lang, chars=limits.DECODER_TEXT_CHARS, tokens=limits.DECODER_TOKENS),
    )
    right.selectbox(
        t("dec.model", lang),
        options=offered(),
        key=MODEL.key(lesson),
        format_func=lambda k: t(f"dec.model.{k}", lang),
        help=t("dec.model_help", lang),
    )


def readable(dec: Decoder, text: str, lang: str) -> str:
    """The part of ``text`` the model can read (:func:`usable`), with a notice naming the characters
    it leaves out."""
    kept, dropped = usable(dec, text)
    if dropped:
        st.info(t("dec.dropped", lang, model=dec.label, n=len(dropped), chars=md_escape(" ".join(dropped), max_len=60)),
                icon=":material/info:")
    return kept


def prompt_notices(dec: Decoder, text: str, lang: str) -> bool:
    """Notices about the prompt before a run; False when there is nothing to run (then the page
    shows the message and stops)."""
    if not text.strip():
        st.info(t("dec.empty", lang), icon=":material/edit_note:")
        return False
    kept = readable(dec, text, lang)
    if not kept.strip():
        st.info(t("dec.nothing_known", lang, model=dec.name), icon=":material/edit_note:")
        return False
    return True


def yes_no(flag: bool, lang: str) -> str:
    """A measured verdict as a word of the page's language."""
    return t("dec.yes" if flag else "dec.no", lang)


def row_text(labels: Sequence[str], mark: int | None = None) -> str:
    """One token row: the labels two spaces apart, the one at position ``mark`` in brackets.

    >>> row_text(("从", "·", "前"), mark=2)
    '从  ·  [前]'
    """
    return "  ".join(f"[{x}]" if i == mark else x for i, x in enumerate(labels))


def token_rows(rows: Sequence[tuple[Sequence[str], Sequence[str]]], lang: str, caption: str,
               lesson: str | None = None, mark: int | None = None) -> bool:
    """Rows of tokens in one code block (never Markdown or HTML), under ``caption`` (Markdown the
    caller has escaped). ``rows``: (characters, byte form) per row, e.g. a result's ``pieces`` and
    ``byte_pieces``; the characters are drawn, and where the two forms differ somewhere a switch
    beside the caption (keyed "<lesson>.bytes") draws the byte form instead. ``mark``: a position
    put in brackets in every row. Returns whether the bytes are shown."""
    if lesson is not None and any(tuple(c) != tuple(b) for c, b in rows):
        text, switch = st.columns([4, 1], vertical_alignment="bottom")
        text.caption(caption)
        show = switch.toggle(t("dec.show_bytes", lang), key=f"{lesson}.{BYTES}", help=t("dec.show_bytes_help", lang))
    else:
        st.caption(caption)
        show = False
    st.code("\n".join(row_text(b if show else c, mark) for c, b in rows), language=None, wrap_lines=True)
    return show


def token_strip(pieces: Sequence[str], lang: str, caption: str | None = None, byte_pieces: Sequence[str] | None = None,
                lesson: str | None = None) -> None:
    """Tokens as the model sees them, as characters, in a code block; with ``byte_pieces`` and
    ``lesson``, the switch to their bytes (:func:`token_rows`)."""
    caption = caption if caption is not None else t("dec.tokens", lang, n=len(pieces))
    token_rows([(pieces, pieces if byte_pieces is None else byte_pieces)], lang, caption, lesson)


@dataclass
class Progress:
    """The callbacks of one heavy run, drawing into one box: a line while it waits, a bar while it runs."""

    box: object  # an st.empty() created inside the cached function
    lang: str
    label: str
    _shown: int = -1

    def wait(self, position: int) -> None:
        """tf_core.worker's on_wait: 1 = next in line, ...; 0 = its turn."""
        if position > 0:
            self.box.info(t("dec.waiting", self.lang, position=position), icon=":material/hourglass_top:")
        else:
            self.step(0, 1)

    def step(self, done: int, total: int) -> None:
        """A lab's on_progress(done, total); redraws only when the bar moves a notch. Each step is also
        where the job stops if it must (tf_core.worker.checkpoint: replaced, out of time, learner gone)."""
        from tf_core.worker import checkpoint

        checkpoint()
        frac = min(max(done / total, 0.0), 1.0) if total > 0 else 1.0
        notch = int(frac * PROGRESS_UPDATES)
        if notch != self._shown:
            self._shown = notch
            self.box.progress(frac, text=self.label)


def run_in_line(job: Callable[[Progress], R], lang: str, label: str) -> R:
    """job(progress) through tf_core.worker, as this learner's one long job (ui/jobs.py): its position in
    line, then its progress (``label`` over the bar), drawn in one box that is emptied when the job ends,
    however it ends; a full line or an early stop is said instead (ui.jobs.refused). Call this inside a
    st.cache_data function (see the module docstring)."""
    from tf_core.device import job_threads
    from ui import jobs

    def in_slot(p: Progress) -> R:
        with job_threads():  # the process's one count: a job no longer changes other requests' (tf_core/device.py)
            return job(p)

    box = st.empty()
    progress = Progress(box, lang, label)
    try:
        return jobs.run(in_slot, progress, lang=lang, on_wait=progress.wait)
    finally:
        box.empty()


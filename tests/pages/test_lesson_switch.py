"""AppTest: every control of a lesson at one end of its range, then a switch to each other lesson of
the page (issue 12: cross-attention's "mean over heads", head -1, reached the encoder walk-through
and raised ``head must be an integer in [0, 12)``).

For every topic page with two or more built lessons (from the curriculum, not a list here), for
each lesson A and each end:

1. open A (``?q=A``) and move every control of A (each widget keyed ``"A.<name>"``, found in the
   element tree, buttons excepted; the lazy expanders are blocks, not widgets) to that end in one
   go, then run. A control's range can depend on another one (the layer slider on the model, the
   position slider on the prompt's length, the step list on the layer), so this repeats until every
   control sits at its end of the range it now has (a few passes at most);
2. the page is healthy (no exception, A's title, no unfilled ``{{placeholder}}``, every chart with
   data), then switch to every other lesson B with the page's segmented control: B is healthy and
   each of B's controls holds a value inside B's own range (the carried one, checked at both ends);
3. switch back from B to A (which carries B's values over the other way): healthy again; A's
   controls go back to the end before the next B.

"Both ends", per kind of widget:

============================================  ===================  ==============================
widget                                        low                  high
============================================  ===================  ==============================
slider                                        its min              its max
select_slider, radio, selectbox, segmented    first option         last option
number_input                                  its min              its max
text_input, text_area                         "" (empty)           MIXED (Chinese, Latin, emoji,
                                                                   markup) repeated to max_chars
checkbox, toggle                              off                  on
multiselect                                   nothing              every option
============================================  ===================  ==============================

MIXED is ``"混合 mixed 🙂 <b>x</b> "``, cut at the widget's max_chars (500 characters where it has
none). A disabled widget stays where it is (a learner cannot move it); another kind of widget fails
the test (its ends must be defined here first).

Run time (measured on the shared 2-core machine: ~125 s for the file, the masks page ~75 s of it).
The high end picks the last decoder ("<lesson>.decoder": smollm2, then tiny-gpt), the repository's
tiny GPT, so the heaviest settings (kv-cache with 256 new tokens, parallelism with n 64 and 5
repeats) run on it, never on SmolLM2 (256 SmolLM2 steps alone take ~30 s on 2 cores; they are set
in the same run as the decoder, so no run in between has SmolLM2 with them). The low end keeps
SmolLM2 with the smallest numbers and an empty prompt, which it does not run at all (the page asks
for a prompt). Where the tiny GPT is not offered (its checkpoint missing) the last option is
SmolLM2: the high end then keeps the sliders of that lesson at the lowest quarter of their range
(:func:`targets`). causal-mask and residual-leak have no decoder choice yet: their high end runs
SmolLM2 on 64 tokens (the prompt's cap) at the last layer and head, ~4 s; a choice added there is
found and its last option taken like any other. Runs are cached by their inputs in the process
(st.cache_data), so settings reached by several switches run once; one torch thread (below).
Every ordered pair runs in each language of ALL_PAIRS; in another language only the pairs with the
page's first lesson, both ways (the fallback if the file outgrows its ~150 s budget).

Choice widgets are set by value: :func:`option_values` reads them back from Streamlit's own
deserializer (streamlit 1.67, pinned; AppTest itself exposes only the labels).
"""
from __future__ import annotations

import math

import pytest
from apptest_helpers import assert_healthy, open_app
from streamlit.testing.v1.element_tree import Block, Button, DownloadButton, Widget

from tf_core import limits
from tf_core.device import THREADS_ENV
from ui import curriculum, decoders

CUR = curriculum.load()
ALL_PAIRS = ("en",)  # every ordered pair in English, the first lesson's pairs in Chinese (see above)
PASSES = 4  # moving the controls to an end settles in two passes today; more means a control never settles
MIXED = "混合 mixed 🙂 <b>x</b> "
UNBOUNDED_TEXT = 500  # the high end of a text box without max_chars
OPTION_KINDS = ("radio", "selectbox", "select_slider", "button_group")
RANGE_KINDS = ("slider", "number_input")
TEXT_KINDS = ("text_input", "text_area")
SKIPPED = (Button, DownloadButton)


def lessons_of(page: str) -> list[str]:
    return [q.id for q in CUR.on_page(page) if q.built]


PAGES = [name for name in CUR.topics if len(lessons_of(name)) >= 2]


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """One torch thread for the pages' runs: on a shared 2-core machine two threads that wait for
    each other behind other processes once made opening kv-cache (SmolLM2, 16 new tokens) take 27 s
    instead of ~5 s here. The pages set the count on every run (tf_core.device.configure_threads, from
    TF_CORE_THREADS), so it is set there, not with torch.set_num_threads."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(THREADS_ENV, "1")
        yield


@pytest.fixture(autouse=True, scope="module")
def short_training_runs():
    """The lessons that train live run a few steps here: the switch is what this file tests, and each
    lesson's own page test covers its runs (tests/pages/test_<id>_page.py). The step counts the pages
    read at run time (each also in the key of its stored result, so no other test is served these)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(limits, "LNBN_STEPS", limits.IntRange(4, 200, 4))
        mp.setattr(limits, "BN_STEPS", 2)
        mp.setattr(limits, "RES_STEPS", 2)
        mp.setattr(limits, "FFN_STEPS", limits.IntRange(1, 200, 2))
        mp.setattr(limits, "TIE_STEPS", limits.IntRange(1, 300, 2))
        mp.setattr(limits, "LRD_STEPS", limits.IntRange(10, 30, 10))
        mp.setattr(limits, "VAR_STEPS", limits.IntRange(1, 300, 2))  # variants: its two FFN runs
        mp.setattr(limits, "PE_WINDOWS", limits.IntRange(1, 16, 8))  # pe-variants' sweep: 1,024 windows take ~30 s
        yield


# --- the controls of a lesson ----------------------------------------------------------------------------
def widgets(node) -> list[Widget]:
    """Every widget under ``node`` (an AppTest or a block), in page order."""
    if isinstance(node, Widget):
        return [node]
    if isinstance(node, Block):
        return [w for child in node.children.values() for w in widgets(child)]
    return []


def controls(at, qid: str) -> list[Widget]:
    """The lesson's controls: its keyed widgets ("<qid>.<name>"), buttons excepted."""
    return [w for w in widgets(at._tree) if (w.key or "").startswith(f"{qid}.") and not isinstance(w, SKIPPED)]


def is_multi(w: Widget) -> bool:
    """A widget whose value is a list of options: a multiselect, or pills with selection_mode="multi"."""
    return w.type == "multiselect" or (w.type == "button_group" and isinstance(w.value, (list, tuple)))


def option_values(w: Widget) -> list:
    """The option values (not their labels) of a choice widget. AppTest shows only the labels
    (``w.options``); the widget's own deserializer (what the server applies to the label a
    browser sends) turns each back into its value (streamlit 1.67's session state layout)."""
    meta = w.root.session_state._state._new_widget_state.widget_metadata[w.id]
    if is_multi(w):  # one list of labels -> the list of values
        return list(meta.deserializer(list(w.options)))
    as_list = w.type in ("select_slider", "button_group")  # these send a list of labels too
    return [meta.deserializer([label] if as_list else label) for label in w.options]


def mixed_text(max_chars: int) -> str:
    n = max_chars or UNBOUNDED_TEXT
    return (MIXED * (n // len(MIXED) + 1))[:n]


def number(w: Widget, x: float):
    return int(x) if isinstance(w.value, int) and not isinstance(w.value, bool) else x


def end_value(w: Widget, end: str):
    """The value of widget ``w`` at ``end`` ("low" or "high") of the range it has now."""
    high = end == "high"
    if is_multi(w):
        return option_values(w) if high else []
    if w.type in OPTION_KINDS:
        values = option_values(w)
        return values[-1] if high else values[0]
    if w.type in RANGE_KINDS:
        bound = w.max if high else w.min
        assert bound is not None, f"{w.key}: a {w.type} without a {'max' if high else 'min'} has no end"
        return number(w, bound)
    if w.type in TEXT_KINDS:
        return mixed_text(w.max_chars) if high else ""
    if w.type in ("checkbox", "toggle"):
        return high
    raise AssertionError(f"{w.key}: no ends defined for a {w.type} (add its kind to test_lesson_switch.py)")


TRAINING_PAGES = ("norms", "layers")  # the pages whose lessons train live (tf_core.live_training)


def in_range(w: Widget) -> str | None:
    """Why ``w``'s value lies outside the range the widget offers (None when it is inside)."""
    v = w.value
    if w.type in RANGE_KINDS:
        lo = -math.inf if w.min is None else w.min
        hi = math.inf if w.max is None else w.max
        return None if lo <= v <= hi else f"{v!r} outside [{w.min}, {w.max}]"
    if is_multi(w):
        unknown = [x for x in v if x not in option_values(w)]
        return None if not unknown else f"{unknown!r} not among {w.options}"
    if w.type in OPTION_KINDS:
        return None if v in option_values(w) else f"{v!r} not among {w.options}"
    if w.type in TEXT_KINDS:
        return None if not w.max_chars or len(v) <= w.max_chars else f"{len(v)} characters > {w.max_chars}"
    return None


def settings(at, qid: str) -> dict[str, object]:
    """The lesson's control values, for messages (long texts shortened)."""
    out = {}
    for w in controls(at, qid):
        v = w.value
        out[w.key] = f"<{len(v)} chars: {v[:12]!r}…>" if isinstance(v, str) and len(v) > 24 else v
    return out


def targets(at, qid: str, end: str) -> dict[str, tuple[Widget, object]]:
    """Each control of lesson ``qid`` (disabled ones excepted: a learner cannot move them) with its
    value at ``end``. Where the high end's decoder is SmolLM2 (the tiny GPT not offered), the
    sliders stay at the lowest quarter of their range instead: SmolLM2 at its largest settings
    takes tens of seconds (256 new tokens: ~30 s on 2 cores). The same for the lessons that train
    live (pages norms and layers): their largest depth, steps and batch train for 5-15 s a lesson, and
    each lesson's own page test covers its high end with short runs."""
    out = {w.key: (w, end_value(w, end)) for w in controls(at, qid) if not w.disabled}
    decoder = out.get(decoders.MODEL.key(qid))
    if end == "high" and CUR.get(qid).page in TRAINING_PAGES:
        for key, (w, _) in out.items():
            if w.type == "slider":
                out[key] = (w, number(w, w.min + (w.max - w.min) // 4))
    if end == "high" and decoder is not None and decoder[1] == decoders.SMOLLM2:
        for key, (w, _) in out.items():
            if w.type == "slider":
                out[key] = (w, number(w, w.min + (w.max - w.min) // 4))
    return out


def move_to_end(at, qid: str, end: str) -> None:
    """Every control of lesson ``qid`` to ``end`` in one go, then run; again until all sit there."""
    for _ in range(PASSES):
        moves = [(w, v) for w, v in targets(at, qid, end).values() if w.value != v]
        if not moves:
            return
        for w, v in moves:
            w.set_value(v)
        at.run()
        if at.exception:
            return  # the caller reports it, with the settings
    raise AssertionError(f"{qid}: controls do not settle at the {end} end: {settings(at, qid)}")


# --- the test --------------------------------------------------------------------------------------------
def at_end(page: str, qid: str, lang: str, end: str, problems: list[str]):
    """Lesson ``qid`` opened, its controls at ``end``: the AppTest, or None (the problem recorded)."""
    at = open_app(q=qid, lang=lang)
    try:
        assert_healthy(at, qid, lang)
    except AssertionError as e:  # broken at its defaults: the page's own test says more; go on with the others
        problems.append(f"{page}: {qid} opened at its defaults ({lang}): {e}")
        return None
    shown = at.button_group(key=f"{page}.question").options
    expected = [CUR.get(q).short(lang) for q in lessons_of(page)]
    assert shown == expected, f"{page} ({lang}): the switch offers {shown}, the curriculum's built lessons {expected}"
    return at if move_back_to_end(at, page, qid, lang, end, problems) else None


def move_back_to_end(at, page: str, qid: str, lang: str, end: str, problems: list[str]) -> bool:
    """Lesson ``qid``'s controls (again) to ``end``; whether the page is still healthy."""
    move_to_end(at, qid, end)
    try:
        assert_healthy(at, qid, lang)
    except AssertionError as e:
        problems.append(f"{page}: {qid} at the {end} end ({lang}), settings {settings(at, qid)}: {e}")
        return False
    return True


def check_switch(at, page: str, src: str, dst: str, lang: str, state: str) -> list[str]:
    """Switch from lesson ``src`` (``state``: how its controls were set) to ``dst``; the problems
    found, each naming the page, the pair, the state and ``src``'s settings (none: healthy)."""
    where = f"{page}: {src} {state} -> {dst} ({lang}); {src} settings {settings(at, src)}"
    at.button_group(key=f"{page}.question").set_value(dst).run()
    try:
        assert_healthy(at, dst, lang)
    except AssertionError as e:
        return [f"{where}: {e}"]
    problems = [f"{where}: {w.key} = {why}" for w in controls(at, dst) if (why := in_range(w))]
    if at.query_params.get("q") != dst or at.button_group(key=f"{page}.question").value != dst:
        problems.append(f"{where}: the URL names {at.query_params.get('q')!r}, the switch "
                        f"{at.button_group(key=f'{page}.question').value!r}")
    return problems


def pairs(page: str, lang: str) -> list[tuple[str, list[str]]]:
    """(A, [B, ...]) to run: every ordered pair in the languages of ALL_PAIRS; in another, from the
    page's first lesson to each other one and from each other one back to it."""
    ids = lessons_of(page)
    if lang in ALL_PAIRS:
        return [(a, [b for b in ids if b != a]) for a in ids]
    return [(ids[0], ids[1:])] + [(b, [ids[0]]) for b in ids[1:]]


# Each end in one language: the high end in English (every ordered pair), the low end in Chinese (the
# first lesson's pairs). The high end's text is MIXED (Chinese and Latin) in either language, so zh-high
# ran en-high's settings again with the other strings (~40 s of the suite on 2 cores); en-low ran
# zh-low's settings (the same numbers, the same empty text) with English strings and more pairs (~55 s).
# The pairs zh-low leaves out (between two lessons that are not the page's first) run at the high end.
LANG_ENDS = [("en", "high"), ("zh", "low")]


@pytest.mark.parametrize("lang,end", LANG_ENDS)
@pytest.mark.parametrize("page", PAGES)
def test_switch_between_lessons_with_controls_at_an_end(page, lang, end):
    problems: list[str] = []
    for src, dsts in pairs(page, lang):
        at = at_end(page, src, lang, end, problems)
        for dst in dsts:
            if at is None:
                break
            found = check_switch(at, page, src, dst, lang, f"at the {end} end")
            if not found:  # and back: dst's settings carried the other way
                found = check_switch(at, page, dst, src, lang, f"after the switch from {src} at the {end} end")
            problems += found
            if found:  # the page is broken: start again from a fresh one
                at = at_end(page, src, lang, end, problems)
            elif not move_back_to_end(at, page, src, lang, end, problems):
                at = None
    assert not problems, "\n".join(problems)

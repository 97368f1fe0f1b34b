"""AppTest of the masks page: lessons `padding-mask` (a real encoder on a padded batch of the
learner's sentences, with and without the mask) and `batch-lengths` (three batchings of bundled
sentences, padding and throughput measured); odd text, controls at both ends, both languages."""
from __future__ import annotations

import pytest
from apptest_helpers import exceptions, open_app, open_expanders, page_text, plotly_figures, vega_frames

from tf_core import limits
from ui import decoders
from ui.curriculum import load as load_curriculum
from ui.i18n import t
from ui.qa import PLACEHOLDER

PAD, BATCH = "padding-mask", "batch-lengths"
CUR = load_curriculum()


def assert_healthy(at, qid, lang, n_charts):
    assert not exceptions(at), exceptions(at)
    assert at.title[0].value == CUR.get(qid).title(lang)
    frames = vega_frames(at)
    assert len(frames) == n_charts and all(f is not None and len(f) for _, f in frames)
    assert not plotly_figures(at)
    assert not PLACEHOLDER.search(page_text(at))


@pytest.fixture(params=["en", "zh"])
def lang(request):
    return request.param


def test_padding_mask_opens_in_both_languages(lang):
    at = open_app(q=PAD, lang=lang)
    assert_healthy(at, PAD, lang, 3)  # masked map, unmasked map, weight on padding per head
    masked, unmasked = vega_frames(at)[0][1], vega_frames(at)[1][1]
    pads = masked.ktok.isin({"[PAD]", "<pad>"})
    assert pads.any() and (masked.loc[pads, "score"] == 0).all()  # the mask gives pad keys exactly 0
    assert (unmasked.loc[pads, "score"] > 0).any()  # without it the pads take weight
    diffs = at.dataframe[0].value
    assert all(float(x) < 1e-4 for x in diffs.iloc[:, 2]) and all(float(x) > 1e-2 for x in diffs.iloc[:, 3])


@pytest.mark.parametrize(
    "text",
    ["", "one line only", "🙂\n<script>alert(1)</script>\n$x$ **b**", "a\x00\x07b\u202e\nc", "混合 mixed\n中文",
     "\n".join(["line"] * 12), "word " * 400],
    ids=["empty", "one", "emoji-html", "controls", "mixed", "too-many-lines", "huge"],
)
def test_padding_mask_odd_text(text):
    at = open_app(q=PAD, lang="en")
    at.text_area(key=f"{PAD}.text").set_value(text).run()
    assert_healthy(at, PAD, "en", 3)
    assert "<script>" not in page_text(at)
    for spec, _ in vega_frames(at):
        assert "<script>" not in str(spec)
    if text.count("\n") > limits.PAD_SENTENCES.hi:
        assert at.info


@pytest.mark.parametrize("model", ["minilm", "e5"])
def test_padding_mask_controls_at_both_ends(model):
    at = open_app(q=PAD, lang="en", model=model)
    for key, value in (("extra", limits.PAD_EXTRA.lo), ("extra", limits.PAD_EXTRA.hi), ("layer", 0), ("head", 11)):
        at.slider(key=f"{PAD}.{key}").set_value(value).run()
        assert_healthy(at, PAD, "en", 3)
        assert at.query_params[key] == str(value)


def test_batch_lengths_opens_and_sorted_pads_least(lang):
    at = open_app(q=BATCH, lang=lang)
    assert_healthy(at, BATCH, lang, 3)
    table = at.dataframe[0].value
    pad = [float(x.rstrip("%")) for x in table.iloc[:, 1]]
    assert pad[1] <= pad[0] and pad[1] <= pad[2] and pad[3] >= max(pad[:3])  # sorted least, fixed length most


@pytest.mark.parametrize("query", [{"n": str(limits.BATCH_SENTENCES.lo), "bs": str(limits.BATCH_SIZE.hi)},
                                   {"bs": str(limits.BATCH_SIZE.lo), "pool": str(limits.BATCH_POOL.hi), "seed": "9999"},
                                   {"n": "999", "bs": "0", "seed": "x"}])
def test_batch_lengths_settings_at_both_ends_and_bad(query):
    at = open_app(q=BATCH, lang="en", model="minilm", **query)
    assert_healthy(at, BATCH, "en", 3)
    if query.get("seed") == "x":
        assert at.info


def test_switch_and_reset():
    at = open_app(q=PAD, lang="en", extra="20")
    at.button_group(key="masks.question").set_value(BATCH).run()
    assert_healthy(at, BATCH, "en", 3)
    at.button_group(key="masks.question").set_value(PAD).run()
    assert_healthy(at, PAD, "en", 3)
    at.button(key=f"{PAD}.reset").click().run()
    assert at.query_params["extra"] == str(limits.PAD_EXTRA.default)
    assert t("pad.masked", "en") in page_text(at)


# --- lessons causal-mask and residual-leak (SmolLM2 on the learner's prompt) -----------------------------
CAUSAL, LEAK = "causal-mask", "residual-leak"
N_CHARTS = {CAUSAL: 5, LEAK: 4}  # mask, Δ logits, map with / without the mask, future weight per head;
# layer x sub-step grid with / without the mask, one layer's profile with / without


def delta_frame(at):
    """The Δ-logits chart's data: (series label, per-position values) for the two lines, and p."""
    frame = vega_frames(at)[1][1]
    lines = frame[frame.kind == "line"]
    on, off = (lines[lines.series == t(f"causal.delta.{s}", "en")].value.to_numpy() for s in ("on", "off"))
    p = int(frame[frame.kind == "p"].label.iloc[0].split("=")[1])
    return on, off, p


def test_causal_mask_opens_in_both_languages(lang):
    at = open_app(q=CAUSAL, lang=lang)
    assert_healthy(at, CAUSAL, lang, N_CHARTS[CAUSAL])
    frames = vega_frames(at)
    mask = frames[0][1]
    assert set(mask.state) == {t("causal.map.allowed", lang), t("causal.map.masked", lang)}
    on_map, off_map = frames[2][1], frames[3][1]
    T = int(len(on_map) ** 0.5)
    upper = (on_map.k > on_map.q).to_numpy()  # "007|tok" labels sort by position
    assert (on_map.score[upper] == 0).all() and (off_map.score[upper] > 0).any()
    assert T == mask.q.nunique()
    if lang == "en":
        on, off, p = delta_frame(at)
        assert p == 8 and len(on) == T  # the default: " village" of the default prompt
        assert (on[:p] == 0).all() and (on[p:] > 0).all()  # measured: exactly 0.0 before p with the mask
        assert (off[:p] > 0).all()  # without it the earlier positions read the new token
        assert "0.0" in page_text(at)
    assert at.query_params["q"] == CAUSAL and at.query_params["pos"] == {"en": "8", "zh": "14"}[lang]


def test_residual_leak_opens_in_both_languages(lang):
    at = open_app(q=LEAK, lang=lang)
    assert_healthy(at, LEAK, lang, N_CHARTS[LEAK])
    frames = vega_frames(at)
    cells = [f[f.kind == "cell"] for _, f in frames]
    assert (cells[0].value == 0).all() and cells[0].zero.all()  # every layer x sub-step before p: exactly 0
    assert (cells[1].value > 0).any() and (cells[1].value[cells[1].row == "0"] > 0).any()  # leaks at layer 0
    table = at.dataframe[0].value
    assert list(table.iloc[:, 3]) == ["0.0"] * 6  # with the mask, every sub-step
    mixes = list(table.iloc[:, 2])
    assert mixes.count(t("causal.yes", lang)) == 1 and mixes[1] == t("causal.yes", lang)  # attention only
    if lang == "en":
        assert "layer 0, attention" in page_text(at)


@pytest.mark.parametrize(
    "text",
    ["", "   \n ", "Hi", "🙂🙂 <script>alert(1)</script> $x$ **b** [a](http://x)", "a\x00\x07b\u202e c\x1b[31m d",
     "混合 mixed 中文 text，然后 more", "word " * 600],
    ids=["empty", "blank", "one-token", "emoji-html", "controls", "mixed", "huge"],
)
def test_causal_mask_odd_prompts(text):
    at = open_app(q=CAUSAL, lang="en")
    at.text_input(key=f"{CAUSAL}.prompt").set_value(text).run()
    assert_healthy(at, CAUSAL, "en", N_CHARTS[CAUSAL])
    assert "<script>" not in page_text(at)
    for spec, _ in vega_frames(at):
        assert "<script>" not in str(spec)
    if not text.strip() or text == "Hi":
        assert at.warning  # says the default prompt runs instead
    if len(text) > 2000 or text.count("word") > limits.DECODER_TOKENS:
        assert any(str(limits.DECODER_TOKENS) in w.value for w in at.warning)  # the cut is reported
    on, off, p = delta_frame(at)
    assert (on[:p] == 0).all()


@pytest.mark.parametrize("text", ["", "混合 mixed 中文 🙂"], ids=["empty", "mixed-emoji"])
def test_residual_leak_odd_prompts(text):
    at = open_app(q=LEAK, lang="zh")
    at.text_input(key=f"{LEAK}.prompt").set_value(text).run()
    assert_healthy(at, LEAK, "zh", N_CHARTS[LEAK])
    assert (vega_frames(at)[0][1].query("kind == 'cell'").value == 0).all()


def test_causal_mask_sliders_at_both_ends():
    at = open_app(q=CAUSAL, lang="en", pos="1", layer="29", head="8")
    assert_healthy(at, CAUSAL, "en", N_CHARTS[CAUSAL])
    assert delta_frame(at)[2] == 1
    T = vega_frames(at)[0][1].q.nunique()
    for key, value in (("pos", T - 1), ("layer", 0), ("head", 0)):
        at.slider(key=f"{CAUSAL}.{key}").set_value(value).run()
        assert_healthy(at, CAUSAL, "en", N_CHARTS[CAUSAL])
        assert at.query_params[key] == str(value)
    on, off, p = delta_frame(at)
    assert p == T - 1 and (on[:p] == 0).all() and on[p] > 0


def test_residual_leak_layer_slider_reruns_nothing_and_ends():
    at = open_app(q=LEAK, lang="en", pos="1")
    grid = vega_frames(at)[0][1]
    for layer in (29, 0):
        at.slider(key=f"{LEAK}.layer").set_value(layer).run()
        assert_healthy(at, LEAK, "en", N_CHARTS[LEAK])
        assert at.query_params["layer"] == str(layer)
        assert vega_frames(at)[0][1].equals(grid)  # the grid does not depend on the profile's layer
    profile_on = vega_frames(at)[2][1].query("kind == 'cell'")
    first = profile_on[profile_on.col.str.startswith("000|")]
    assert (first.value == 0).all()  # position 0, before p = 1, in every sub-step of layer 0


def test_position_past_the_end_is_clamped():
    at = open_app(q=LEAK, lang="en", prompt="One two three four", pos="60")
    assert_healthy(at, LEAK, "en", N_CHARTS[LEAK])
    assert any("60" in i.value for i in at.info)  # says p was past the end and which p is used
    T = vega_frames(at)[2][1].query("kind == 'cell'").col.nunique()
    assert at.query_params["pos"] == str(T - 1)


@pytest.mark.parametrize("query", [
    {"pos": "abc", "layer": "999", "head": "-1", "word": "<script>alert(1)</script>", "evil": "<b>x</b>"},
    {"pos": "0", "prompt": "x" * 5000, "word": "\x00\u202e"},
    {"pos": "1e9", "layer": "nan", "head": "2.5", "prompt": "🙂"},
])
def test_causal_mask_bad_url(query):
    at = open_app(q=CAUSAL, lang="zh", **query)
    assert_healthy(at, CAUSAL, "zh", N_CHARTS[CAUSAL])
    assert at.info  # every changed value is reported
    assert "<script>" not in page_text(at) and "<b>" not in page_text(at)


def test_replacement_word():
    at = open_app(q=CAUSAL, lang="en", word="banana")
    assert_healthy(at, CAUSAL, "en", N_CHARTS[CAUSAL])
    assert "“␣banana”" in page_text(at) or "banana" in at.code[0].value
    at.text_input(key=f"{CAUSAL}.word").set_value("village").run()  # the token already at p = 8
    assert_healthy(at, CAUSAL, "en", N_CHARTS[CAUSAL])
    assert any("village" in i.value for i in at.info)


def test_switch_between_decoder_lessons_keeps_the_prompt():
    at = open_app(q=CAUSAL, lang="en", prompt="Alpha beta gamma delta epsilon", pos="2")
    at.button_group(key="masks.question").set_value(LEAK).run()
    assert_healthy(at, LEAK, "en", N_CHARTS[LEAK])
    assert at.query_params["prompt"] == "Alpha beta gamma delta epsilon" and at.query_params["pos"] == "2"
    at.button(key=f"{LEAK}.reset").click().run()
    assert_healthy(at, LEAK, "en", N_CHARTS[LEAK])
    assert at.query_params["pos"] == "8" and at.query_params["prompt"] == decoders.PROMPT.default_for("en")


@pytest.mark.parametrize("qid", [CAUSAL, LEAK])
def test_decoder_cards_open_fully(qid, lang):
    """The full answer, the follow-ups and the code, opened: filled, no placeholder, no error."""
    at = open_expanders(open_app(q=qid, lang=lang), f"{qid}.full", f"{qid}.followups", f"{qid}.code")
    assert_healthy(at, qid, lang, N_CHARTS[qid])
    text = page_text(at)
    assert "SmolLM2-135M-Instruct" in text and "{{" not in text
    assert any("def run(" in c.value for c in at.code)

"""AppTest of the masks page: lessons `padding-mask` (a real encoder on a padded batch of the
learner's sentences, with and without the mask) and `batch-lengths` (three batchings of bundled
sentences, padding and throughput measured); odd text, controls at both ends, both languages."""
from __future__ import annotations

import pytest
from apptest_helpers import exceptions, open_app, page_text, plotly_figures, vega_frames

from tf_core import limits
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

"""AppTest of the decoding page: lessons `parallelism` (one teacher-forced call against n cached one-token
steps, per-block timing) and `kv-cache` (greedy decoding with and without the cache, its bytes, no Q cache)
on a real decoder; both languages, odd prompts, controls at both ends, the model switch, a hostile URL.

Kept cheap: small n and few new tokens (results are cached by their inputs within the process), one torch
thread (on a shared 2-core machine two threads that wait for each other behind other processes make
SmolLM2 ten times slower), the tiny GPT for the top of the new-token range (256 SmolLM2 steps would take
most of a minute)."""
from __future__ import annotations

import re

import pytest
import torch
from apptest_helpers import assert_healthy as healthy, exceptions, open_app, open_expanders, page_text, vega_frames

from tf_core import limits
from ui import decoders, qa
from ui.curriculum import load as load_curriculum
from ui.i18n import t

PAR, KV = "parallelism", "kv-cache"
CUR = load_curriculum()
SMALL = {PAR: {"n": "4", "repeats": "1"}, KV: {"new": "3"}}
PROMPT = "Keys stay, queries go."
HOSTILE = "<script>alert(1)</script> **b**"
TINY = decoders.available(decoders.TINY_GPT)
needs_tiny = pytest.mark.skipif(not TINY, reason="the tiny GPT's checkpoint (assets/models/tiny-gpt) is not there")


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def assert_healthy(at, qid, lang, n_charts):
    """The shared checks, and no "<script>" from a hostile prompt in the text or a chart's spec."""
    return healthy(at, qid, lang, n_charts, absent=("<script>",))


def no_q_table(at) -> list[str]:
    return list(at.dataframe[0].value.iloc[:, 1])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_parallelism_opens(lang):
    at = open_app(q=PAR, lang=lang, **SMALL[PAR])
    (_, curve), (_, layers) = assert_healthy(at, PAR, lang, 2)
    assert sorted(curve.n.unique()) == [4] and set(curve.series) == {t("par.series.one", lang), t("par.series.steps", lang)}
    # the staircase: 30 SmolLM2 blocks, each starting where the one before ended, then the head
    blocks = layers[layers.kind == t("par.layers.block", lang)]
    assert len(blocks) == 30 and (blocks.start.iloc[1:].to_numpy() >= blocks.end.iloc[:-1].to_numpy() - 1e-6).all()
    assert [m.label for m in at.metric][:2] == [t("par.m_steps", lang, n=4), t("par.fig.blocks", lang)]
    assert at.query_params["n"] == "4" and at.query_params["decoder"] == decoders.SMOLLM2
    assert qa.load(PAR, lang).titles["wrong"] in page_text(at)  # the card's own heading


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kv_cache_opens(lang):
    at = open_app(q=KV, lang=lang, **SMALL[KV])
    (_, steps), (_, memory) = assert_healthy(at, KV, lang, 2)
    assert set(steps.series) == {t("kv.series.cached", lang), t("kv.series.uncached", lang)} and len(steps) == 6
    measured = memory[memory.kind == "point"].iloc[0]
    assert measured.bytes == 2 * 30 * measured.positions * 3 * 64 * 4  # SmolLM2: the formula, measured
    table = no_q_table(at)
    assert table[0] == table[1] == "0" and table[2] != "0"  # past queries: no effect; a past key: an effect
    assert at.metric[2].value == t("dec.yes", lang)  # cached and uncached chose the same tokens
    assert at.code[1].value.strip()  # the generated text, as plain text


@pytest.mark.parametrize(
    "prompt",
    ["", "   ", "🙂 <script>alert(1)</script> **b** $x$ [a](http://x)", "a\x00\x07b\u202e c\x1b[31m", "混合 mixed 中文 🚀",
     "word " * 1000],
    ids=["empty", "spaces", "emoji-html", "controls", "mixed", "huge"],
)
def test_odd_prompts(prompt):
    at = open_app(q=KV, lang="en", **SMALL[KV])
    at.text_input(key=f"{KV}.prompt").set_value(prompt).run()
    assert not exceptions(at), exceptions(at)
    if not prompt.strip():
        assert any(t("dec.empty", "en") == i.value for i in at.info)
        assert not vega_frames(at) and not at.metric  # nothing to run: no charts, no numbers
        return
    assert_healthy(at, KV, "en", 2)
    pieces = at.code[0].value
    if "script" in prompt:
        assert "<script>" in pieces or "script" in pieces  # the prompt's text is shown, as code, not markup
    if prompt.startswith("word"):
        assert any(t("dec.truncated", "en", cap=limits.DECODER_TOKENS) == w.value for w in at.warning)
    if "\x00" in prompt:
        assert "\x00" not in pieces and "\x1b" not in pieces


def test_parallelism_controls_at_both_ends():
    at = open_app(q=PAR, lang="en", prompt=HOSTILE, n=str(limits.PARALLEL_N.lo), repeats=str(limits.PARALLEL_REPEATS.hi))
    assert_healthy(at, PAR, "en", 2)
    assert at.slider(key=f"{PAR}.n").value == limits.PARALLEL_N.lo
    at.slider(key=f"{PAR}.repeats").set_value(limits.PARALLEL_REPEATS.lo).run()
    at.slider(key=f"{PAR}.n").set_value(limits.PARALLEL_N.hi).run()
    (_, curve), _ = assert_healthy(at, PAR, "en", 2)
    assert sorted(curve.n.unique()) == [4, 8, 16, 32, 64]
    assert at.query_params["n"] == str(limits.PARALLEL_N.hi)
    assert len(at.code[0].value.split("  ")) == limits.PARALLEL_N.hi  # the prompt, repeated to n tokens
    assert "<script>" in at.code[0].value.replace("  ", "")  # the prompt from the URL, its pieces shown as code


def test_kv_layer_and_seed_do_not_rerun_the_decode():
    at = open_app(q=KV, lang="en", prompt=PROMPT, **SMALL[KV])
    (_, steps), _ = assert_healthy(at, KV, "en", 2)
    before = steps.ms.tolist()
    at.slider(key=f"{KV}.layer").set_value(29).run()
    at.number_input(key=f"{KV}.seed").set_value(limits.SEED.hi).run()
    (_, steps), _ = assert_healthy(at, KV, "en", 2)
    assert steps.ms.tolist() == before  # the same timings: the decode came from the cache, not a new run
    table = no_q_table(at)
    assert table[0] == table[1] == "0" and table[2] != "0"
    assert at.query_params["layer"] == "29" and at.query_params["seed"] == str(limits.SEED.hi)
    at.slider(key=f"{KV}.new").set_value(limits.KV_NEW_TOKENS.lo).run()  # one token: no tokens/s, no past to test
    assert_healthy(at, KV, "en", 2)
    assert at.metric[0].value == "—"
    assert any(t("kv.rate_none", "en") in m.value for m in at.markdown)  # the takeaway says why, not "— tokens per second"


def test_bad_url():
    # the default prompt and new tokens: the same run as the reset below (cached by its inputs)
    at = open_app(q=KV, lang="en", new="abc", layer="999", seed="-5", decoder="gpt5", foo="<b>x</b>")
    assert_healthy(at, KV, "en", 2)
    notices = " ".join(i.value for i in at.info)
    used = at.slider(key=f"{KV}.new").value  # the page's default
    assert t("notice.bad_value", "en", name="new", value="abc", used=used) in notices
    assert "layer" in notices and "seed" in notices and "foo" in notices and "decoder" in notices
    assert at.query_params["new"] == str(used) and at.query_params["decoder"] == decoders.SMOLLM2
    assert "foo" not in at.query_params and "<b>" not in notices


def test_switch_lessons_carries_prompt_and_reset():
    at = open_app(q=PAR, lang="en", prompt=PROMPT, **SMALL[PAR])
    at.session_state[f"{KV}.new"] = 3  # set before the lesson first runs: no default-length decode here
    at.button_group(key="decoding.question").set_value(KV).run()
    assert at.session_state[f"{KV}.prompt"] == PROMPT
    assert_healthy(at, KV, "en", 2)
    at.button(key=f"{KV}.reset").click().run()
    assert at.query_params["prompt"] == decoders.PROMPT.default_for("en")


@needs_tiny
def test_tiny_gpt_both_lessons_and_top_of_the_ranges():
    at = open_app(q=KV, lang="en", decoder=decoders.TINY_GPT, new=str(limits.KV_NEW_TOKENS.hi))
    (_, steps), _ = assert_healthy(at, KV, "en", 2)
    context = 256
    T = len(decoders.PROMPT.default_for("en"))  # one token per character
    assert any(str(context) in i.value for i in at.info)  # 256 asked, only what fits the context generated
    assert (steps.series == t("kv.series.cached", "en")).sum() == context - T
    assert (steps.series == t("kv.series.uncached", "en")).sum() == limits.KV_UNCACHED_TOKENS
    at.button_group(key="decoding.question").set_value(PAR).run()
    at.slider(key=f"{PAR}.n").set_value(limits.PARALLEL_N.hi).run()
    (_, curve), (_, layers) = assert_healthy(at, PAR, "en", 2)  # the same loop: its blocks are timed too
    assert sorted(curve.n.unique()) == [4, 8, 16, 32, 64]
    blocks = layers[layers.kind == t("par.layers.block", "en")]
    assert len(blocks) == 4 and (blocks.start.iloc[1:].to_numpy() >= blocks.end.iloc[:-1].to_numpy() - 1e-6).all()


@needs_tiny
def test_tiny_gpt_kv_card_says_plain_multi_head():
    """The tiny GPT keeps a key/value head per query head: the card says so instead of "GQA saves 0%"."""
    at = open_expanders(open_app(q=KV, lang="en", decoder=decoders.TINY_GPT, new="3"), f"{KV}.full")
    assert_healthy(at, KV, "en", 2)
    full = at.expander[0].markdown[0].value
    assert all(part in full for part in literal_parts("kv.gqa.mha", "en"))
    assert max(literal_parts("kv.gqa.grouped", "en"), key=len) not in full


@needs_tiny
def test_model_switch_and_characters_the_tiny_gpt_lacks():
    at = open_app(q=KV, lang="zh", **SMALL[KV])
    at.selectbox(key=f"{KV}.decoder").set_value(decoders.TINY_GPT).run()
    assert_healthy(at, KV, "zh", 2)  # the default prompt follows the model: the English one, which it reads
    assert at.text_input(key=f"{KV}.prompt").value == decoders.PROMPT.default_for("zh", decoders.TINY_GPT)
    at.text_input(key=f"{KV}.prompt").set_value("从前有一座山").run()
    assert not exceptions(at) and not vega_frames(at)  # a Chinese prompt: not one character it knows
    assert any("TinyGPT" in i.value for i in at.info)
    at.text_input(key=f"{KV}.prompt").set_value("Keys 和 values 🙂").run()
    assert_healthy(at, KV, "zh", 2)
    at.selectbox(key=f"{KV}.decoder").set_value(decoders.SMOLLM2).run()
    assert_healthy(at, KV, "zh", 2)


def run_device_text(lang: str) -> str:
    """The device as the lab saw it: inside the worker, on the one thread count (ui.decoders.run_in_line)."""
    from tf_core.device import describe, get_device, job_threads
    from ui.text import device_text

    with job_threads():
        return device_text(describe(get_device()), lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_parallelism_card_words_follow_the_run(lang):
    """Device, dtype and the rounding verdict in the card come from the run, in the page's language."""
    at = open_expanders(open_app(q=PAR, lang=lang, **SMALL[PAR]), f"{PAR}.full", f"{PAR}.followups")
    assert_healthy(at, PAR, lang, 2)
    full, followups = at.expander[0].markdown[0].value, page_text(at)  # the follow-ups: two open, the rest opened
    device = run_device_text(lang)
    assert device in full and device in followups
    verdict = t("par.diff.rounding", lang, dtype="float32")  # measured: ~50 ulps of the largest logit
    assert verdict in full and verdict in page_text(at)
    for typed in ("this server", "this CPU", "本服务器", "这台 CPU", "output exactly", "完全一致"):
        assert typed not in full + followups, typed
    assert ("distribution" if lang == "en" else "概率分布") in followups


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kv_cache_card_bytes_and_verdicts_follow_the_run(lang):
    """Weights against cache (SmolLM2, float32: 538 MB of weights; the cache passes them at 11,677
    positions, a batch of 2 at the 8,192 context), the formula and the output verdicts, from the run."""
    at = open_expanders(open_app(q=KV, lang=lang, **SMALL[KV]), f"{KV}.full", f"{KV}.followups")
    assert_healthy(at, KV, lang, 2)
    full, followups = at.expander[0].markdown[0].value, page_text(at)
    assert t("kv.formula.same", lang) in full
    assert "538" in full and "11,677" in full and "float32" in full and "float32" in followups
    assert t("kv.bytes.weights", lang) in full
    diff = at.metric[2].help.split(": ")[-1].rstrip("。.") if lang == "en" else None
    assert t("kv.output.same", lang, diff="X").split("X")[0] in followups
    if diff:
        assert diff in followups
    assert "O(n^3 d)" in page_text(at) and "O(n^2 d^2)" in page_text(at)  # the totals over a generation
    # the speed word follows the two measured rates: the card's ratio is theirs, its word is the ratio's
    # the rates (tokens/s over the clipped steps) are in the step figures' help
    rate_c, rate_u = (float(re.findall(r"(\d[\d,]*(?:\.\d+)?)", m.help)[-1].replace(",", "")) for m in at.metric[:2])
    found = {w: re.search(template("kv.speed." + w, lang).replace("\\{x\\}", r"(\d+\.\d\d)"), full)
             for w in ("faster", "same", "slower")}
    (word, m), = [(w, m) for w, m in found.items() if m]
    x = float(m.group(1))
    assert x == pytest.approx(rate_c / rate_u, rel=0.01, abs=0.006)  # 2 decimals in the card
    if abs(abs(x - 1) - 0.05) > 0.006:  # near the 5% band the word depends on the unrounded ratio
        assert word == ("same" if abs(x - 1) < 0.05 else "faster" if x > 1 else "slower")
    # SmolLM2: 9 query heads share 3 key/value heads, so the grouped-query sentence, not the multi-head one
    assert all(part in full for part in literal_parts("kv.gqa.grouped", lang))
    assert max(literal_parts("kv.gqa.mha", lang), key=len) not in full


def template(key: str, lang: str) -> str:
    """A UI string as a regular expression of its literal text (fields left as escaped "{name}")."""
    from ui.i18n import STRINGS

    return re.escape(STRINGS[key][lang])


def literal_parts(key: str, lang: str) -> list[str]:
    """The literal text between a UI string's fields, the pieces any filled copy must contain."""
    import string

    from ui.i18n import STRINGS

    return [lit.strip() for lit, *_ in string.Formatter().parse(STRINGS[key][lang]) if len(lit.strip()) > 3]


@pytest.mark.parametrize("qid", [PAR, KV])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cards_type_no_word_the_run_decides(qid, lang):
    """Device, dtype and verdicts are placeholders, never typed into the card."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "assets" / "qa" / lang / f"{qid}.md").read_text()
    for typed in ("this server", "this CPU", "本服务器", "这台 CPU", "float32", "往往", "No: same tokens",
                  "完全相等", "Both sides choose", "for the same predictions", "而预测完全相同", "output exactly"):
        assert typed not in text, typed


# --- byte tokens as characters (issue 13): SmolLM2 splits 从 into ⟨E4 BB⟩ ⟨8E⟩ ---------------------------
@pytest.mark.parametrize("qid", [PAR, KV])
def test_zh_default_prompt_reads_as_characters_and_the_switch_shows_bytes(qid, monkeypatch):
    """The token row shows the characters ("从 ·", no hex); the switch shows each token's bytes and
    redraws without a run; an English prompt, whole tokens only, has no switch."""
    import importlib

    module = importlib.import_module(f"tf_core.lab.{qid.replace('-', '_')}")
    calls = []
    real = module.run
    monkeypatch.setattr(module, "run", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = open_app(q=qid, lang="zh", **SMALL[qid])
    assert_healthy(at, qid, "zh", 2)
    row = at.code[0].value
    assert "从  ·  前  有" in row and "⟨" not in row
    runs = len(calls)
    switch = [w for w in at.toggle if w.key == f"{qid}.{decoders.BYTES}"]
    at = switch[0].set_value(True).run()
    assert_healthy(at, qid, "zh", 2)
    assert "⟨E4 BB⟩  ⟨8E⟩  前  有" in at.code[0].value and len(calls) == runs  # the bytes, no new run
    at.text_input(key=f"{qid}.prompt").set_value(PROMPT).run()
    assert_healthy(at, qid, "zh", 2)
    assert not [w for w in at.toggle if w.key == f"{qid}.{decoders.BYTES}"] and "Keys" in at.code[0].value

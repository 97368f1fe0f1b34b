"""tf_core.models.position_lm and `python -m tf_core.train positions`: the length-extrapolation models.

- The whole forward of every kind against an independent float64 implementation written from the
  papers' formulas (the sinusoid table, -m_h (i - j) with ALiBi's slopes typed out, T5's buckets from
  transformers' own T5Attention._relative_position_bucket, RoPE as a complex rotation of each pair),
  with weights drawn large so a wrong sign or a missing term shows; causality bit for bit.
- The CI reproducibility check: a tiny run twice with one seed gives identical metrics and weights,
  another seed does not; the learned table's untrained rows are exactly their initial values times
  the weight-decay factor metrics.json records.
- The shipped checkpoints: every kind loads, says its kind, is small, and its loss at the training
  length, evaluated live on the shipped held-out text, equals metrics.json (tolerance 1e-4: the same
  windows and weights; only float summation order could differ, ~1e-7).
"""
from __future__ import annotations

import copy
import hashlib
import math
from dataclasses import replace
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import load_file

from tf_core import limits, train, train_positions
from tf_core.models import checkpoints, position_lm
from tf_core.models.position_lm import KINDS, PositionLM, PositionLMConfig
from tf_core.models.vocab import Vocab
from tf_core.device import fixed_threads

ROOT = Path(__file__).resolve().parents[2]
VOCAB = Vocab(tuple("abcdefghijk"))  # 11 tokens: an odd size
TINY = dict(vocab=VOCAB, train_length=8, max_eval_length=20, d_model=24, n_layers=2, n_heads=3, d_ff=40,
            relative_buckets=8, relative_max_distance=12)
TINY_RECIPE = replace(train_positions.POSITIONS, steps=30, batch=8, train_length=16, max_eval_length=64, warmup=5, log_every=10,
                      val_windows=4, eval_lengths=(16, 32, 64), eval_windows=4, d_model=32, n_layers=1, n_heads=2,
                      d_ff=64)
MAX_BYTES = 5 * 1024 * 1024


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    with fixed_threads(1):
        yield


def tiny(kind: str, seed: int = 0, std: float | None = None) -> PositionLM:
    """A tiny model of ``kind``: the house initialisation, or every parameter N(0, std) when given."""
    model = PositionLM(PositionLMConfig(kind=kind, **TINY))
    gen = torch.Generator().manual_seed(seed)
    if std is None:
        position_lm.init_weights(model, gen)
    else:
        with torch.no_grad():
            for p in model.parameters():
                p.normal_(0.0, std, generator=gen)
    return model.eval()


# --- an independent float64 forward, from the formulas ---------------------------------------------

def _layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def _slopes(n_heads: int) -> list[float]:
    """ALiBi's slopes typed out for the head counts used here (the paper's rule for 3: 1/16, 1/256, then 1/4)."""
    return {3: [2 ** -4, 2 ** -8, 2 ** -2], 4: [2 ** -2, 2 ** -4, 2 ** -6, 2 ** -8]}[n_heads]


def reference_logits(model: PositionLM, ids: torch.Tensor) -> torch.Tensor:
    from transformers.models.t5.modeling_t5 import T5Attention

    cfg = model.cfg
    sd = {k: v.detach().double() for k, v in model.state_dict().items()}
    B, T = ids.shape
    D, H = cfg.d_model, cfg.n_heads
    Dh = D // H
    pos = torch.arange(T, dtype=torch.float64)
    x = sd["tok_emb.weight"][ids] * math.sqrt(D)  # (B, T, D)
    if cfg.kind == "sinusoidal":
        pe = torch.zeros(T, D, dtype=torch.float64)
        for i in range(0, D, 2):
            angle = pos / cfg.sinusoid_base ** (i / D)
            pe[:, i] = torch.sin(angle)
            pe[:, i + 1] = torch.cos(angle)
        x = x + pe
    if cfg.kind == "learned":
        x = x + sd["pos_emb.weight"][:T]
    i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
    bias = torch.zeros(H, T, T, dtype=torch.float64)
    if cfg.kind == "alibi":
        bias = -torch.tensor(_slopes(H), dtype=torch.float64)[:, None, None] * (i - j).double()
    if cfg.kind == "relative":
        buckets = T5Attention._relative_position_bucket(j - i, bidirectional=False, num_buckets=cfg.relative_buckets,
                                                        max_distance=cfg.relative_max_distance)  # (T, T)
        bias = sd["relative.embedding.weight"][buckets].permute(2, 0, 1)  # (H, T, T)
    bias = bias.masked_fill(j > i, float("-inf"))
    half = Dh // 2
    freq = cfg.rope_theta ** (-torch.arange(half, dtype=torch.float64) * 2 / Dh)  # (Dh/2,)
    turn = torch.polar(torch.ones(T, half, dtype=torch.float64), pos[:, None] * freq)  # (T, Dh/2) e^(i p w)

    def rotate(t):  # pair (t_k, t_{k + Dh/2}) as the complex number t_k + i t_{k + Dh/2}, turned by p w_k
        z = torch.complex(t[..., :half], t[..., half:]) * turn
        return torch.cat([z.real, z.imag], dim=-1)

    def heads(t):
        return t.view(B, T, H, Dh).transpose(1, 2)  # (B, H, T, Dh)

    for n in range(cfg.n_layers):
        p = f"blocks.{n}."
        h = _layer_norm(x, sd[p + "ln_1.weight"], sd[p + "ln_1.bias"], cfg.ln_eps)
        q, k, v = (heads(h @ sd[p + f"{m}.weight"].T + sd[p + f"{m}.bias"]) for m in "qkv")
        if cfg.kind == "rope":
            q, k = rotate(q), rotate(k)
        w = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(Dh) + bias, dim=-1)  # (B, H, T, T)
        a = (w @ v).transpose(1, 2).reshape(B, T, D)
        x = x + a @ sd[p + "o.weight"].T + sd[p + "o.bias"]
        m = _layer_norm(x, sd[p + "ln_2.weight"], sd[p + "ln_2.bias"], cfg.ln_eps)
        u = m @ sd[p + "mlp.up.weight"].T + sd[p + "mlp.up.bias"]
        gelu = 0.5 * u * (1 + torch.erf(u / math.sqrt(2)))
        x = x + gelu @ sd[p + "mlp.down.weight"].T + sd[p + "mlp.down.bias"]
    return _layer_norm(x, sd["ln_f.weight"], sd["ln_f.bias"], cfg.ln_eps) @ sd["tok_emb.weight"].T


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("T", [1, 7, 20])
def test_forward_equals_the_formulas_in_float64(kind, T):
    model = tiny(kind, seed=3, std=0.5)
    ids = torch.randint(len(VOCAB), (3, T), generator=torch.Generator().manual_seed(T))
    got = copy.deepcopy(model).double()(ids)
    assert got.shape == (3, T, len(VOCAB)) and got.dtype == torch.float64
    torch.testing.assert_close(got, reference_logits(model, ids), rtol=0, atol=1e-10)
    assert model(ids).dtype == torch.float32


def test_the_kinds_really_differ():
    """The same weights give different logits per kind (the reference test above would pass for a
    model that ignored its kind only if the formulas did too)."""
    ids = torch.randint(len(VOCAB), (2, 12), generator=torch.Generator().manual_seed(0))
    outs = {k: tiny(k, seed=3, std=0.5)(ids) for k in KINDS}
    for a in KINDS:
        for b in KINDS:
            if a < b:
                assert (outs[a] - outs[b]).abs().max() > 1e-2, (a, b)


@pytest.mark.parametrize("kind", KINDS)
def test_causal_a_later_token_leaves_earlier_logits_bit_identical(kind):
    model = tiny(kind)
    ids = torch.randint(len(VOCAB), (2, 19), generator=torch.Generator().manual_seed(1))
    for p in (0, 9, 18):
        changed = ids.clone()
        changed[:, p:] = (changed[:, p:] + 1) % len(VOCAB)
        a, b = model(ids), model(changed)
        assert torch.equal(a[:, :p], b[:, :p]), p
        assert not torch.equal(a[:, p], b[:, p])


def test_learned_table_has_no_row_past_its_length_and_the_others_run_on():
    ids = torch.zeros(1, TINY["max_eval_length"] + 1, dtype=torch.long)
    assert tiny("learned")(ids[:, :-1]).shape == (1, TINY["max_eval_length"], len(VOCAB))
    with pytest.raises(ValueError, match="longer than the learned table"):
        tiny("learned")(ids)
    for kind in ("none", "sinusoidal", "relative", "rope", "alibi"):
        assert torch.isfinite(tiny(kind)(torch.zeros(1, 3 * TINY["max_eval_length"], dtype=torch.long))).all()


def test_only_learned_and_relative_have_position_parameters():
    shared = {n: p.shape for n, p in tiny("none").named_parameters()}
    for kind in KINDS:
        own = {n: p.shape for n, p in tiny(kind).named_parameters()}
        extra = {n: s for n, s in own.items() if n not in shared}
        assert set(shared) <= set(own)
        expected = {"learned": {"pos_emb.weight": (20, 24)}, "relative": {"relative.embedding.weight": (8, 3)}}
        assert extra == expected.get(kind, {}), kind


def test_every_kind_starts_from_the_same_shared_weights():
    base = tiny("none", seed=5).state_dict()
    for kind in KINDS:
        state = tiny(kind, seed=5).state_dict()
        for name, t in base.items():
            assert torch.equal(state[name], t), (kind, name)
    assert tiny("none", seed=5).tok_emb.weight.std().item() == pytest.approx(24 ** -0.5, rel=0.2)


@pytest.mark.parametrize("bad,match", [
    (dict(kind="absolute"), "unknown position kind"),
    (dict(kind="none", n_heads=5), "divisible"),
    (dict(kind="rope", d_model=18, n_heads=3), "even"),  # head size 6 is fine ...
    (dict(kind="none", max_eval_length=4), "below train_length"),
    (dict(kind="none", d_model=0), "positive"),
])
def test_invalid_configs_raise(bad, match):
    settings = {**TINY, **bad}
    if bad.get("d_model") == 18:
        settings["d_model"], settings["n_heads"] = 18, 2  # ... 9 is not
    with pytest.raises(ValueError, match=match):
        PositionLMConfig(**settings)


def test_window_losses_are_the_plain_cross_entropy_of_each_window():
    model = tiny("alibi")
    ids = torch.randint(len(VOCAB), (200,), generator=torch.Generator().manual_seed(2))
    got = position_lm.window_losses(model, ids, 7, span=50, start=11, batch=3)  # 7 windows, 1 character left over
    assert got.shape == (7, 7) and got.dtype == torch.float64
    for w in range(7):
        s = 11 + 7 * w
        ref = F.cross_entropy(model(ids[None, s:s + 7])[0], ids[s + 1:s + 8], reduction="none")
        torch.testing.assert_close(got[w], ref.double(), rtol=0, atol=1e-5)
    with pytest.raises(ValueError, match="no window"):
        position_lm.window_losses(model, ids, 7, span=6, start=0)
    with pytest.raises(ValueError, match="longer text"):
        position_lm.span_start(100, 100, seed=0)
    assert position_lm.span_start(1000, 100, 4) == position_lm.span_start(1000, 100, 4)
    assert 0 <= position_lm.span_start(101, 100, 9) <= 1


# --- training: the CI reproducibility check -----------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A bundled text repeated to ~97 KB, so its last 5% holds the tiny recipe's evaluation span."""
    path = tmp_path_factory.mktemp("corpus") / "text.txt"
    path.write_text((ROOT / "assets" / "text" / "bpe_sample_en.txt").read_text(encoding="utf-8") * 30, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny_runs(corpus):
    return [train_positions.train_positions("learned", TINY_RECIPE, seed=s, threads=1, corpus=str(corpus)) for s in (0, 0, 1)]


def _without_time(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if k != "train_seconds"}


def test_same_seed_same_run_other_seed_other_run(tiny_runs):
    a, b, other = tiny_runs
    assert _without_time(a.metrics) == _without_time(b.metrics)
    for (name, x), y in zip(a.model.state_dict().items(), b.model.state_dict().values()):
        assert torch.equal(x, y), name
    assert _without_time(other.metrics) != _without_time(a.metrics)
    assert not torch.equal(other.model.tok_emb.weight, a.model.tok_emb.weight)
    m = a.metrics
    assert m["val_history"][-1][1] < m["val_history"][0][1] - 1.0  # it learned something
    assert [s for s, _ in m["val_history"]] == [0, 10, 20, 30] and m["steps"] == 30 and m["threads"] == 1
    assert m["evaluation"]["lengths"] == [16, 32, 64] and m["evaluation"]["windows"] == [16, 8, 4]


def test_learned_rows_past_the_training_length_only_decayed(tiny_runs):
    run = tiny_runs[0]
    start = PositionLM(run.model.cfg)
    position_lm.init_weights(start, torch.Generator().manual_seed(0))
    table, initial = run.model.pos_emb.weight.detach(), start.pos_emb.weight.detach()
    T = TINY_RECIPE.train_length
    info = run.metrics["learned_table"]
    assert info["trained_rows"] == T and info["untrained_rows"] == TINY_RECIPE.max_eval_length - T
    torch.testing.assert_close(table[T:], initial[T:] * info["weight_decay_factor"], rtol=1e-5, atol=1e-7)
    assert (table[:T] - initial[:T]).abs().max() > 1e-2  # the trained rows did move


def test_cli_writes_loadable_checkpoints_and_the_held_out_text(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(train_positions, "POSITIONS", replace(TINY_RECIPE, steps=2))
    out = tmp_path / "positions"
    assert train.main(["positions", "--kind", "rope", "--corpus", str(corpus), "--threads", "1", "--out", str(out)]) == out
    loaded = checkpoints.load_position_lm("rope", out)
    assert loaded.model.cfg.kind == "rope" and loaded.metrics["steps"] == 2
    assert loaded.metrics["command"].startswith("python -m tf_core.train positions --kind rope")
    text = corpus.read_text(encoding="utf-8")
    held_out = checkpoints.load_position_validation(out)
    assert held_out == text[-int(len(text) * train.VAL_FRACTION):]
    assert hashlib.sha256(held_out.encode("utf-8")).hexdigest() == loaded.config["data"]["validation_sha256"]
    with pytest.raises(checkpoints.CheckpointMissing, match="positions --kind alibi"):
        checkpoints.load_position_lm("alibi", out)
    with pytest.raises(ValueError, match="unknown position kind"):
        checkpoints.load_position_lm("absolute", out)
    for bad in (["positions"], ["gpt", "--kind", "alibi"], ["positions", "--kind", "absolute"]):
        with pytest.raises(SystemExit):
            train.main(bad)


# --- the shipped checkpoints ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def held_out_text():
    return checkpoints.load_position_validation()


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_checkpoint_loads_says_its_kind_and_reproduces_its_metrics(kind, held_out_text):
    folder = checkpoints.POSITIONS_DIR / kind
    for name in checkpoints.FILES:
        assert (folder / name).is_file(), f"{folder / name} is missing: python -m tf_core.train positions --kind {kind}"
    assert (folder / "model.safetensors").stat().st_size < MAX_BYTES
    trained = checkpoints.load_position_lm(kind)
    cfg, m, c = trained.model.cfg, trained.metrics, trained.config
    assert cfg.kind == kind == m["kind"] == c["architecture"]["kind"]
    assert cfg.train_length == limits.PE_TRAIN_LENGTH and cfg.max_eval_length == max(limits.PE_EVAL_LENGTHS)
    state = load_file(str(folder / "model.safetensors"))
    assert set(state) == set(trained.model.state_dict())
    assert m["parameters"] == checkpoints.n_parameters(trained.model)
    assert c["training"]["steps"] == m["steps"] == train_positions.POSITIONS.steps and c["training"]["seed"] == 0
    assert hashlib.sha256(held_out_text.encode("utf-8")).hexdigest() == c["data"]["validation_sha256"]
    ev = m["evaluation"]
    assert ev["lengths"] == list(limits.PE_EVAL_LENGTHS) and ev["lengths"][0] == cfg.train_length
    ids = torch.tensor(cfg.vocab.encode(held_out_text))
    assert position_lm.span_start(len(ids), ev["span"], ev["seed"]) == ev["start"]
    live = position_lm.window_losses(trained.model, ids, cfg.train_length, ev["span"], ev["start"])
    assert live.shape[0] == ev["windows"][0]
    assert float(live.mean()) == pytest.approx(ev["loss"][0], abs=1e-4)
    assert m["val_history"][-1][1] < m["val_history"][0][1]
    if kind == "learned":
        assert m["learned_table"]["untrained_rows"] == cfg.max_eval_length - cfg.train_length

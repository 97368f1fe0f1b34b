"""Drill quantities (tf_core/drill/base.py) of the lessons from the residual leak to LayerNorm against BatchNorm,
in the order of study. Each runs its lesson's lab at fixed settings (the ones named in its question,
ui/strings/drill_b.py) and imports the lab only when it runs, so importing the drill stays cheap.

``settings`` are the lesson's own URL parameters. The encoder lessons name the model ("minilm") rather than
"auto", and the decoder lessons the English default prompt, so the link opens the same run whatever the
page's language. The timed labs (complexity, block-cost, parallelism) are asked for a count, bytes or a
yes/no that does not depend on the clock; their measured times are only quoted beside it.
"""
from __future__ import annotations

from tf_core.drill.base import Measured, Models, Quantity

# The lessons' English defaults (ui/encoders.py, ui/decoders.py, app_pages/norms.py, app_pages/architecture.py),
# repeated here so that computing a quantity imports no page and no Streamlit; tests/tf_core/test_drill_b.py
# checks they agree.
ENCODER_TEXT = "The animal didn't cross the street because it was too tired."
DECODER_PROMPT = "Once upon a time, in a small village by the sea, there lived an"
LNBN_TEXT = ("Short one.\nPadding fills the rest of each row.\nA batch holds sentences of many different lengths.\n"
             "Hi!\nThe longest sentence of this batch sets the length every other row is padded to.\nThey all share it.")
XATTN_NUMBER = "20305"  # the cross-attention lesson's Chinese default (its English one spells the same number)
LN_CHANGED = 1e-3  # ln-vs-bn: a LayerNorm output that moves by more than this has changed (float rounding: ~1e-6)


def _label(name: str) -> str:
    """A published model name without its publisher ("SmolLM2-135M-Instruct")."""
    return name.split("/")[-1]


def _device(model) -> str:
    return next(model.parameters()).device.type


def _residual_leak(models: Models) -> Measured:
    """Yes (1.0) when, with SmolLM2's causal mask, any value at a position before p changes (largest absolute
    change over the features above 0.0) in any sub-step of any block, the residual sums included, after the
    token at p is replaced; the lesson's default prompt, p = 8 and its default replacement."""
    from tf_core.lab import residual_leak

    dec = models.load("smollm2")
    position = 8
    inputs = residual_leak.resolve(dec.tokenizer, DECODER_PROMPT, (DECODER_PROMPT,), position, "")
    r = residual_leak.run(dec.model, dec.tokenizer, inputs.text, position=inputs.position, replacement=inputs.replacement)
    p = r.position
    L, S, _ = r.delta_causal.shape
    resid = [i for i, step in enumerate(r.steps) if step.startswith("resid")]
    leak_layer, leak_step = r.first_leak or (-1, "")  # (0, "attn") at these settings
    return Measured(value=1.0 if r.max_before_causal > 0.0 else 0.0,
                    facts={"model": _label(dec.name), "T": len(r.pieces), "p": p, "old": r.byte_pieces[p],
                           "new": r.replacement_piece, "layers": L, "steps": S, "cells": L * S * p,
                           "before_causal": r.max_before_causal,
                           "resid_causal": float(r.delta_causal[:, resid, :p].max()),
                           "at_p_last": float(r.delta_causal[-1, -1, p]),
                           "leak_layer": leak_layer, "leak_step": leak_step, "leak_value": r.first_leak_value,
                           "last_bidir": float(r.delta_bidirectional[-1, -1, :p].max())},
                    settings={"prompt": DECODER_PROMPT, "decoder": "smollm2", "pos": position},
                    device=_device(dec.model))


def _encoder(models: Models) -> Measured:
    """The size of the attention sub-layer's output against the block input it is added to, |attn_out_t| /
    |x_in_t|, median over the tokens of the default sentence, in MiniLM's block 1."""
    import numpy as np

    from tf_core import limits
    from tf_core.lab import encoder as lab

    enc = models.load("minilm")
    layer, head = 1, 0
    r = lab.run(enc, ENCODER_TEXT, layer=layer, max_tokens=limits.ENCODER_TOKENS, head=head)
    d = r.dims
    return Measured(value=float(np.median(r.attn_ratio)),
                    facts={"model": _label(enc.name), "layer": layer, "T": d["T"], "D": d["D"], "H": d["H"],
                           "Dh": d["Dh"], "d_ff": d["d_ff"], "ffn_ratio": float(np.median(r.ffn_ratio)),
                           "cos_attn": float(np.median(r.cos_attn)),
                           "cos_attn_no_residual": float(np.median(r.cos_attn_no_residual))},
                    settings={"text": ENCODER_TEXT, "model": "minilm", "layer": layer, "head": head},
                    device=_device(enc.model))


def _cross_attention(models: Models) -> Measured:
    """The shipped number translator on 20305: the cross-attention weight that the step writing the last
    numeral (五) puts on the last source word ("five"), in the last decoder layer, mean over its heads."""
    from tf_core.lab import cross_attention
    from tf_core.models.vocab import EOS

    r = cross_attention.run(XATTN_NUMBER, layer=-1, head=None)
    chars = [i for i, tok in enumerate(r.tokens) if tok != EOS]
    last, word = chars[-1], len(r.words) - 1  # the last numeral written; the last source word
    place = next(i for i in r.place_steps if r.tokens[i] != "零")  # the first place character written (万)
    return Measured(value=float(r.mean_heads[last, word]),
                    facts={"number": r.number, "words": " ".join(r.words), "S": len(r.words), "output": r.output,
                           "layers": r.n_layers, "layer": r.layer, "heads": r.n_heads, "char": r.tokens[last],
                           "word": r.words[word], "char_place": r.tokens[place],
                           "place_max": float(r.mean_heads[place].max()),
                           "place_word": r.words[int(r.mean_heads[place].argmax())]},
                    settings={"n": XATTN_NUMBER, "layer": r.layer, "head": -1},
                    device="cpu")  # checkpoints.load_seq2seq loads the translator on the CPU


def _parallelism(models: Models) -> Measured:
    """Yes (1.0) when one teacher-forced SmolLM2 call over n = 16 positions gives the logits of 16
    one-token steps through the KV cache up to float rounding (tf_core.lab.parallelism.ROUNDING_ULPS units
    in the last place of the largest logit) and the same next token at every position."""
    from tf_core.lab import parallelism

    dec = models.load("smollm2")
    n, repeats = 16, 1
    r = parallelism.run(dec.model, dec.tokenizer, DECODER_PROMPT, n=n, repeats=repeats)
    same = int((r.argmax_parallel == r.argmax_sequential).sum())
    return Measured(value=1.0 if r.rounding_only and same == r.n else 0.0,
                    facts={"model": _label(dec.name), "n": r.n, "same": same, "max_diff": r.max_abs_diff,
                           "logits_max": r.logits_max, "ulps": parallelism.ROUNDING_ULPS, "dtype": r.dtype,
                           "t_one": 1000 * r.parallel_seconds, "t_steps": 1000 * r.sequential_seconds,
                           "speedup": r.speedup},
                    settings={"prompt": DECODER_PROMPT, "decoder": "smollm2", "n": n, "repeats": repeats},
                    device=r.device.type)


def _kv_cache(models: Models) -> Measured:
    """The bytes SmolLM2's KV cache holds, measured from its tensors (KVCache.nbytes), after greedy decoding
    of 16 new tokens from the default prompt (the page's default; 256 tokens would take ~25 s on 2 cores)."""
    from tf_core.lab import kv_cache

    dec = models.load("smollm2")
    n_new, layer, seed = 16, 0, 0
    r = kv_cache.run(dec.model, dec.tokenizer, DECODER_PROMPT, n_new=n_new, layer=layer, seed=seed)
    return Measured(value=float(r.cache_bytes),
                    facts={"model": _label(dec.name), "n_prompt": r.n_prompt, "n_new": r.n_new,
                           "positions": r.cache_positions, "layers": r.n_layers, "heads": r.n_heads,
                           "kv_heads": r.n_kv_heads, "d_head": r.d_head, "bytes_per_number": r.bytes_per_number,
                           "dtype": r.dtype, "per_position": r.bytes_per_position, "cache_bytes": r.cache_bytes,
                           "formula_bytes": r.formula_bytes, "mha_bytes": r.mha_bytes,
                           "context": r.max_positions, "context_bytes": r.context_bytes,
                           "weight_bytes": r.weight_bytes},
                    settings={"prompt": DECODER_PROMPT, "decoder": "smollm2", "new": n_new, "layer": layer, "seed": seed},
                    device=_device(dec.model))


def _complexity(models: Models) -> Measured:
    """The measured peak memory, in MiB, of one explicit attention call (the (h, n, n) scores and weights
    written out) at n = 1024, d = 256, 4 heads, float32; PyTorch's fused SDPA beside it."""
    from tf_core.lab import complexity

    n, d, heads, repeats, seed = 1024, 256, 4, 5, 0
    r = complexity.run(n=n, d=d, heads=heads, repeats=repeats, seed=seed)
    mib = lambda b: float(b) / 2**20  # noqa: E731
    return Measured(value=mib(r.peak["explicit"][-1]),
                    facts={"n": r.n, "d": d, "heads": heads, "shape": f"({heads}, {r.n}, {r.n})", "n_prev": int(r.grid_n[-2]),
                           "weights_mib": mib(r.weights_bytes), "peak_sdpa": mib(r.peak["sdpa"][-1]),
                           "m_growth": r.growth("explicit", "memory"), "m_growth_sdpa": r.growth("sdpa", "memory"),
                           "quad_growth": r.quadratic_growth, "per_head": float(r.fit("explicit", "memory")[2] / heads),
                           "method": r.memory_method},
                    settings={"n": n, "d": d, "heads": heads, "repeats": repeats, "seed": seed},
                    device=r.device.type)


def _block_cost(models: Models) -> Measured:
    """The n at which the attention core's counted FLOPs equal those of the projections and the FFN
    together, 2 d + d_ff, at d = 256 and d_ff = 4d (deterministic); the measured time ratio at n beside it."""
    from tf_core.lab import block_cost

    n, d, heads, ff, repeats, seed = 2048, 256, 4, 4, 1, 0  # one timed round: the count needs none
    r = block_cost.run(n=n, d=d, heads=heads, ff=ff, repeats=repeats, seed=seed)
    return Measured(value=float(r.crossing_flops),
                    facts={"n": r.n, "d": d, "d_ff": r.d_ff, "heads": heads, "cross_ffn": r.crossing_flops_ffn,
                           "p_attn": r.params["attention_weights"], "p_ffn": r.params["ffn_weights"],
                           "ratio_flops": float(r.ratio("flops")[-1]),
                           "ratio_explicit": float(r.ratio("core_explicit")[-1])},
                    settings={"n": n, "d": d, "heads": heads, "ff": ff, "repeats": repeats, "seed": seed},
                    device=r.device.type)


def _residual(models: Models) -> Measured:
    """Yes (1.0) when the 4-block Pre-LN stack WITHOUT residual connections learns the reverse task in the
    lesson's 80 steps (tf_core.lab.residual.LEARNED_LOSS: a final loss below 1 nat, not diverged)."""
    from tf_core import limits
    from tf_core.lab import residual

    depth, norm, lr, seed = 4, "layer", 3e-3, 0
    r = residual.run(depth=depth, norm=norm, lr=lr, seed=seed, steps=limits.RES_STEPS)
    final = {name: r.runs[name].final_loss() for name in residual.RUNS}
    learned = r.runs["without"].diverged_at is None and final["without"] < residual.LEARNED_LOSS
    return Measured(value=1.0 if learned else 0.0,
                    facts={"depth": depth, "lr": lr, "steps": r.steps, "learned": residual.LEARNED_LOSS,
                           "loss_with": final["with"], "loss_without": final["without"],
                           "spread_with": float(r.spread["with"][-1]), "spread_without": float(r.spread["without"][-1])},
                    settings={"depth": depth, "norm": norm, "lr": lr, "seed": seed},
                    device="cpu")


def _ln_vs_bn(models: Models) -> Measured:
    """Yes (1.0) when a token's LayerNorm output (no gamma, beta) moves by more than LN_CHANGED when its
    sentence is normalised inside the padded batch of the six default sentences rather than alone, at the
    input of MiniLM block 1's first LayerNorm; BatchNorm's changes beside it."""
    from tf_core.lab import ln_vs_bn

    enc = models.load("minilm")
    layer = 1
    sentences, _ = ln_vs_bn.split_sentences(LNBN_TEXT)
    r = ln_vs_bn.statistics(enc, sentences, layer=layer)
    return Measured(value=1.0 if r.ln_max > LN_CHANGED else 0.0,
                    facts={"model": _label(r.model), "layer": layer, "D": r.d_model, "n_sent": len(r.lengths), "n_pad": r.n_pad,
                           "n_real": r.n_real, "ln_max": r.ln_max, "threshold": LN_CHANGED, "bn_pad": r.bn_pad,
                           "bn_masked": float(r.bn_masked_k[-1])},
                    settings={"text": LNBN_TEXT, "model": "minilm", "layer": layer},
                    device=_device(enc.model))


QUANTITIES: tuple[Quantity, ...] = (
    Quantity("residual-leak", "yesno", _residual_leak),
    Quantity("encoder", "log", _encoder, tolerance=2.0, lo=0.001, hi=100.0, step=0.01),
    Quantity("cross-attention", "linear", _cross_attention, tolerance=0.15, lo=0.0, hi=1.0, step=0.01),
    Quantity("parallelism", "yesno", _parallelism),
    Quantity("kv-cache", "log", _kv_cache, tolerance=1.5, lo=1.0, hi=1e12, step=1000.0),
    Quantity("complexity", "log", _complexity, tolerance=2.0, lo=0.01, hi=1e6, step=1.0),
    Quantity("block-cost", "log", _block_cost, tolerance=1.4, lo=1.0, hi=1e7, step=1.0),
    Quantity("residual", "yesno", _residual),
    Quantity("ln-vs-bn", "yesno", _ln_vs_bn),
)

"""Drill quantities (tf_core/drill/base.py) of the lessons from tokens to the causal mask, in the order of
study. Each runs its lesson's lab at fixed settings (the ones named in its question, ui/strings/drill_a.py)
and imports the lab only when it runs, so importing the drill stays cheap.

``settings`` are the lesson's own URL parameters. The encoder lessons name the model ("minilm") rather than
"auto", and their English default sentence, so the link opens the same run whatever the page's language.
One exception: `batch-lengths` draws its sentences from the bundled list of the page's language, so its
link opened in Chinese runs the Chinese sentences; the drill's number is always the English run's.
"""
from __future__ import annotations

from tf_core.drill.base import Measured, Models, Quantity

# The lessons' English defaults (app_pages/*.py, ui/encoders.py, ui/decoders.py), repeated here so that
# computing a quantity imports no page and no Streamlit; tests/tf_core/test_drill_a.py checks they agree.
ENCODER_TEXT = "The animal didn't cross the street because it was too tired."
PADDING_TEXT = "Short one.\nA somewhat longer sentence comes second.\nThe third sentence is the longest of these three, by far."
DECODER_PROMPT = "Once upon a time, in a small village by the sea, there lived an"
CJK_WORD = "注意力"  # tf_core.lab.tokenization.CJK_EXAMPLE (checked by the test)


def _scaling(models: Models) -> Measured:
    from tf_core.lab import scaling

    dk, n, seed = 4096, 32, 0
    r = scaling.run(dk=dk, n=n, seed=seed)
    return Measured(value=r.at_raw.pmax,
                    facts={"dk": dk, "n": n, "pmax_raw": r.at_raw.pmax, "pmax_scaled": r.at_scaled.pmax,
                           "uniform": 1 / n, "var_raw": r.at_var_raw},
                    settings={"dk": dk, "n": n, "seed": seed})


def _tokenization(models: Models) -> Measured:
    """SmolLM2's byte-level BPE tokens for 注意力 typed on its own (no special tokens), beside e5 and MiniLM."""
    from tf_core.lab import tokenization

    word = CJK_WORD
    c = tokenization.compare(word, [tokenization.load_tokenizer(k) for k in ("smollm2", "e5", "minilm")])
    bpe, unigram, wordpiece = c.get("smollm2"), c.get("e5"), c.get("minilm")
    return Measured(value=float(bpe.n_tokens),
                    facts={"word": word, "chars": c.n_chars, "bytes": c.n_bytes, "n_bpe": bpe.n_tokens,
                           "fragments": bpe.n_byte_pieces, "n_unigram": unigram.n_tokens,
                           "n_wordpiece": wordpiece.n_tokens, "n_unk": wordpiece.n_unk},
                    settings={"text": word})


def _pretrained_vectors(models: Models) -> Measured:
    """The share of MiniLM's parameters held by its input word-embedding table (the table pretrained
    vectors would fill); it depends on the model only, not on the word or the page's language."""
    from tf_core.lab import pretrained_vectors

    encoder = models.load("minilm")
    word, k, seed = "bank", 10, 0
    r = pretrained_vectors.run(encoder, word, k=k, lang="en", seed=seed)
    V, D = r.neighbours.table_shape
    return Measured(value=r.table_share,
                    facts={"model": encoder.name.split("/")[-1], "V": V, "D": D, "table_params": r.table_params,
                           "model_params": r.model_params},
                    settings={"word": word, "model": "minilm", "k": k})


def _qk_separate(models: Models) -> Measured:
    """With the keys made by the query projection: the fraction of score rows whose largest score is the
    token itself, mean over the heads of MiniLM's layer 1, on the default sentence."""
    from tf_core import limits
    from tf_core.lab import qk_separate

    encoder = models.load("minilm")
    layer = 1
    r = qk_separate.run(encoder, ENCODER_TEXT, layer=layer, max_tokens=limits.ENCODER_TOKENS)
    return Measured(value=float(r.diag_shared.mean()),
                    facts={"model": encoder.name.split("/")[-1], "layer": layer, "tokens": len(r.pieces),
                           "heads": len(r.diag_own),
                           "diag_own": float(r.diag_own.mean()), "chance": r.chance,
                           "asym_own": float(r.asym_own.mean()), "asym_shared": float(r.asym_shared.max())},
                    settings={"text": ENCODER_TEXT, "model": "minilm", "layer": layer})


def _dot_vs_additive(models: Models) -> Measured:
    """Counted FLOPs of the efficient additive scores over the dot-product scores at n (deterministic);
    the measured time ratio (medians of the lesson's default 3 rounds) is quoted beside it."""
    from tf_core.lab import dot_vs_additive

    n, dk, da, repeats, seed = 256, 64, 64, 3, 0
    r = dot_vs_additive.run(n=n, d_k=dk, d_a=da, repeats=repeats, seed=seed)
    dot, add, naive = (int(r.flops[way][-1]) for way in ("dot", "additive", "naive"))
    return Measured(value=add / dot,
                    facts={"n": n, "dk": dk, "da": da, "flops_dot": dot, "flops_add": add, "flops_naive": naive,
                           "naive_ratio": naive / dot, "time_ratio": r.speedup},
                    settings={"n": n, "dk": dk, "da": da, "repeats": repeats, "seed": seed},
                    device=r.device.type)


def _multi_head(models: Models) -> Measured:
    """FLOPs of MiniLM's attention layer as 12 heads of 32 over one head of 384, on the default sentence
    (projections, scores, weights x values), with how different the real heads' patterns are."""
    import numpy as np

    from tf_core import limits
    from tf_core.lab import multi_head

    encoder = models.load("minilm")
    cfg = encoder.model.cfg
    r = multi_head.run(encoder, ENCODER_TEXT, max_tokens=limits.ENCODER_TOKENS)
    total = lambda c: c.flops_projections + c.flops_scores + c.flops_mix  # noqa: E731
    multi, single = r.costs_multi, r.costs_single
    L, H = r.entropy.shape
    off = ~np.eye(H, dtype=bool)
    return Measured(value=total(multi) / total(single),
                    facts={"model": encoder.name.split("/")[-1], "tokens": len(r.pieces), "heads": H, "layers": L,
                           "d": cfg.d_model, "dh": cfg.d_model // H, "flops_multi": total(multi), "flops_single": total(single),
                           "params": multi.params, "exps_multi": multi.exps, "exps_single": single.exps,
                           "dist_mean": float(r.distance[:, off].mean())},
                    settings={"text": ENCODER_TEXT, "model": "minilm"})


def _padding_mask(models: Models) -> Measured:
    """Without the padding mask: the weight the shortest sentence's real queries put on its pad keys,
    mean over every head of every layer of MiniLM, on the three default sentences and 8 extra pads."""
    from tf_core import limits
    from tf_core.lab import padding_mask

    encoder = models.load("minilm")
    extra, layer, head = 8, 1, 0
    sentences, _ = padding_mask.split_sentences(PADDING_TEXT)
    r = padding_mask.run(encoder, sentences, max_tokens=limits.ENCODER_TOKENS, extra_pad=extra, layer=layer, head=head)
    i = r.index
    L, H = r.pad_mass_layers.shape
    return Measured(value=float(r.pad_mass_layers.mean()),
                    facts={"model": r.model.split("/")[-1], "n_sent": len(r.lengths), "T": r.batch_len, "extra": extra,
                           "n_real": int(r.lengths[i]), "n_pad": int(r.n_pad[i]), "layers": L, "heads": H,
                           "pad_mass_max": float(r.pad_mass_layers.max()), "diff_unmasked": float(r.diff_unmasked[i]),
                           "diff_masked": float(r.diff_masked.max())},
                    settings={"text": PADDING_TEXT, "model": "minilm", "extra": extra, "layer": layer, "head": head})


def _batch_lengths(models: Models) -> Measured:
    """The padding fraction of random batches (each padded to its own longest sentence) of 12 bundled
    English sentences on MiniLM's tokenizer; the other groupings beside it. One timed pass: the padding
    does not depend on the timing."""
    from tf_core.lab import batch_lengths

    encoder = models.load("minilm")
    n, bs, pool, seed = 12, 4, 2, 0
    sentences = batch_lengths.sample_sentences("en", n, seed)
    r = batch_lengths.run(encoder, sentences, batch_size=bs, pool_batches=pool, seed=seed, repeats=1)
    pad = {s.name: s.pad_fraction for s in (*r.strategies, r.fixed)}
    return Measured(value=pad["random"],
                    facts={"model": r.model.split("/")[-1], "n": n, "bs": bs, "pool": pool, "min_len": int(r.lengths.min()),
                           "max_len": int(r.lengths.max()), "pad_sorted": pad["sorted"],
                           "pad_bucketed": pad["bucketed"], "pad_fixed": pad["fixed"], "fixed_len": r.max_tokens},
                    settings={"model": "minilm", "n": n, "bs": bs, "pool": pool, "seed": seed,
                              "lang": "en"})  # the English sentences: the lesson picks them by language


def _causal_mask(models: Models) -> Measured:
    """Yes (1.0) when, with SmolLM2's causal mask, any logit at a position before p changes at all (largest
    absolute change above 0.0 on the explicit attention path or on PyTorch's fused kernel) after the
    token at p is replaced; the lesson's default prompt, p = 8 and its default replacement."""
    from tf_core.lab import causal_mask

    dec = models.load("smollm2")
    position = 8
    inputs = causal_mask.resolve(dec.tokenizer, DECODER_PROMPT, (DECODER_PROMPT,), position, "")
    r = causal_mask.run(dec.model, dec.tokenizer, inputs.text, position=inputs.position, replacement=inputs.replacement)
    p = r.position
    moved = max(r.max_before_causal, r.max_before_fast) > 0.0
    return Measured(value=1.0 if moved else 0.0,
                    facts={"model": dec.name.split("/")[-1], "T": len(r.pieces), "p": p,
                           "old": r.byte_pieces[p], "new": r.replacement_piece,
                           "before_causal": r.max_before_causal, "before_fast": r.max_before_fast,
                           "at_p": float(r.delta_causal[p]), "before_bidir": r.max_before_bidirectional},
                    settings={"prompt": DECODER_PROMPT, "decoder": "smollm2", "pos": position})


QUANTITIES: tuple[Quantity, ...] = (
    Quantity("tokenization", "log", _tokenization, tolerance=1.5, lo=1.0, hi=100.0, step=1.0),
    Quantity("pretrained-vectors", "linear", _pretrained_vectors, tolerance=0.1, lo=0.0, hi=1.0, step=0.01),
    Quantity("qk-separate", "linear", _qk_separate, tolerance=0.15, lo=0.0, hi=1.0, step=0.01),
    Quantity("dot-vs-additive", "log", _dot_vs_additive, tolerance=2.0, lo=0.01, hi=10_000.0, step=0.1),
    Quantity("scaling", "linear", _scaling, tolerance=0.15, lo=0.0, hi=1.0, step=0.01),
    Quantity("multi-head", "log", _multi_head, tolerance=1.5, lo=0.01, hi=100.0, step=0.1),
    Quantity("padding-mask", "linear", _padding_mask, tolerance=0.15, lo=0.0, hi=1.0, step=0.01),
    Quantity("batch-lengths", "linear", _batch_lengths, tolerance=0.15, lo=0.0, hi=1.0, step=0.01),
    Quantity("causal-mask", "yesno", _causal_mask),
)

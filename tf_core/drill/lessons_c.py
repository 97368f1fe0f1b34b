"""Drill quantities (tf_core/drill/base.py) of the lessons from BatchNorm to the Transformer variants: the
norms, positions, layers and architecture pages. Each runs its lesson's lab at fixed settings (the ones
named in its question, ui/strings/drill_c.py) and imports the lab only when it runs, so importing the
drill stays cheap. The lessons that train (batchnorm, ffn, lr-dropout) run the lab's own live training at
the lesson's defaults."""
from __future__ import annotations

import math

from tf_core.drill.base import Measured, Models, Quantity

# The English sentence of the encoder lessons (ui/encoders.py's default): the link opens this run.
SENTENCE = "The animal didn't cross the street because it was too tired."
SAME_WITHIN = 1e-4  # positional-encoding: "the same output" means within this (float32 rounding is ~1e-6)


def _batchnorm(models: Models) -> Measured:
    from tf_core import limits
    from tf_core.lab import batchnorm

    length, batch, seed = 8, 16, 0
    r = batchnorm.run(length=length, batch=batch, seed=seed)
    b1, last = r.at_batch(1), len(r.eval_batches) - 1
    return Measured(value=float(r.noise_mean[b1]),
                    facts={"T": length, "B": batch, "draws": limits.BN_NOISE_DRAWS,
                           "noise_1": float(r.noise_mean[b1]), "theory_1": float(r.noise_theory[b1]),
                           "b_max": int(r.eval_batches[last]), "noise_max": float(r.noise_mean[last]),
                           "theory_max": float(r.noise_theory[last])},
                    settings={"len": length, "batch": batch, "seed": seed})


def _positional_encoding(models: Models) -> Measured:
    from tf_core.lab import positional_encoding

    seed = 0
    r = positional_encoding.shuffle(models.load("minilm"), SENTENCE, seed)
    none_max, kept_max = float(r.none.max()), float(r.kept.max())
    return Measured(value=1.0 if none_max <= SAME_WITHIN else 0.0,
                    facts={"T": len(r.pieces), "moved": r.moved, "layers": r.layers, "none_max": none_max,
                           "kept_max": kept_max, "scale": r.scale, "within": SAME_WITHIN},
                    settings={"text": SENTENCE, "model": "minilm", "seed": seed})


def _pe_adds(models: Models) -> Measured:
    from tf_core.lab import pe_adds

    sample, positions, seed = 32, 8, 0
    r = pe_adds.recover(models.load("minilm"), positions=positions, sample=sample, seed=seed)
    raw = r.variant("learned_raw_cos")  # (P,) by position
    worst = int(raw.argmin())
    return Measured(value=float(raw.mean()),
                    facts={"sample": len(r.token_ids), "positions": len(r.positions), "last": int(r.positions[-1]),
                           "candidates": r.candidates, "d": r.d, "acc": float(raw.mean()), "acc_worst": float(raw[worst]),
                           "worst_pos": int(r.positions[worst]),
                           "sin_scaled": float(r.variant("sin_scaled_cos").mean()),
                           "sin_plain": float(r.variant("sin_plain_cos").mean())},
                    settings={"model": "minilm", "sample": sample, "positions": positions, "seed": seed, "measure": "cos"})


def _embed_scale(models: Models) -> Measured:
    from tf_core.lab import embed_scale

    d, init, seed = 512, "tied", 0
    r = embed_scale.run(d, init, seed)
    return Measured(value=float(r.plain.ratio.mean()),
                    facts={"d": d, "positions": r.positions, "sigma": r.sigma, "e_norm": float(r.plain.e_norm.mean()),
                           "pe_norm": float(r.pe_norm.mean()), "ratio_plain": float(r.plain.ratio.mean()),
                           "factor": math.sqrt(d), "ratio_scaled": float(r.scaled.ratio.mean()),
                           "cos_plain": float(r.plain.cos_word.mean()), "cos_scaled": float(r.scaled.cos_word.mean())},
                    settings={"d": d, "init": init, "seed": seed})


def _pe_variants(models: Models) -> Measured:
    from tf_core.lab import pe_variants

    windows, seed = 128, 0
    r = pe_variants.extrapolation(pe_variants.load_models(), windows=windows, seed=seed)
    rope = r.row("rope")
    return Measured(value=float(r.ratio[rope]),
                    facts={"train_length": r.train_length, "longest": int(r.lengths[-1]),
                           "times": int(r.lengths[-1]) // r.train_length, "windows": int(r.windows[-1]),
                           "loss_train": float(r.at_train[rope]), "loss_long": float(r.loss[rope, -1]),
                           "ratio": float(r.ratio[rope]), "alibi_ratio": float(r.ratio[r.row("alibi")]),
                           "sin_ratio": float(r.ratio[r.row("sinusoidal")])},
                    settings={"windows": windows, "seed": seed})


def _ffn(models: Models) -> Measured:
    from tf_core.lab import ffn

    lr, seed = 3e-2, 0
    r = ffn.run(lr, seed)
    relu, gelu = r.get("relu"), r.get("gelu")
    units = r.n_layers * r.d_ff
    return Measured(value=relu.zero_share,
                    facts={"lr": lr, "steps": r.steps, "layers": r.n_layers, "d": r.d_model, "d_ff": r.d_ff,
                           "positions": r.positions, "zero_relu": relu.zero_share, "zero_gelu": gelu.zero_share,
                           "units": units, "dead_relu_n": int(round(relu.dead * units)),
                           "dead_gelu_n": int(round(gelu.dead * units))},
                    settings={"lr": lr, "seed": seed})


def _weight_tying(models: Models) -> Measured:
    from tf_core.lab import weight_tying

    f = weight_tying.smollm2_file()  # the GGUF header only: no tensor data is read
    return Measured(value=f.table_share,
                    facts={"vocab": f.vocab, "d": f.d_model, "table_params": f.table_params, "total": f.total,
                           "share": f.table_share, "untied_total": f.untied_total, "saved": f.saved_share},
                    settings={})


def _lr_dropout(models: Models) -> Measured:
    from tf_core.lab import lr_dropout

    layers, steps, lr, warmup, seed = 3, 80, 1e-2, 20, 0
    r = lr_dropout.warmup_runs(layers, steps, lr, warmup, seed)
    return Measured(value=r.constant.final_loss(),
                    facts={"layers": layers, "steps": steps, "lr": lr, "warmup": warmup,
                           "loss_const": r.constant.final_loss(), "loss_warm": r.warm.final_loss(),
                           "entropy": r.entropy, "chance": r.chance},
                    settings={"warmup": warmup, "lr": lr, "layers": layers, "steps": steps, "seed": seed})


def _variants(models: Models) -> Measured:
    from tf_core.lab import variants

    seed = 0
    s = variants.norm_statistics(seed)
    t = int(s.ratio.argmax())  # the token that sits furthest above centre, in units of its own spread
    return Measured(value=float(s.out_mean["rms"][t]),
                    facts={"tokens": len(s.ratio), "d": variants.D_MODEL, "ratio": float(s.ratio[t]),
                           "rms_mean": float(s.out_mean["rms"][t]), "theory": float(s.theory[t]),
                           "ln_mean": float(s.out_mean["layer"][t]), "rms_rms": float(s.out_rms["rms"][t])},
                    settings={"seed": seed})


QUANTITIES: tuple[Quantity, ...] = (
    Quantity("batchnorm", "linear", _batchnorm, tolerance=0.1, lo=0.0, hi=1.0, step=0.01),
    Quantity("positional-encoding", "yesno", _positional_encoding),
    Quantity("pe-adds", "linear", _pe_adds, tolerance=0.1, lo=0.0, hi=1.0, step=0.01),
    Quantity("embed-scale", "log", _embed_scale, tolerance=2.0, lo=1e-4, hi=100.0),
    Quantity("pe-variants", "linear", _pe_variants, tolerance=0.25, lo=0.5, hi=4.0, step=0.05),
    Quantity("ffn", "linear", _ffn, tolerance=0.15, lo=0.0, hi=1.0, step=0.01),
    Quantity("weight-tying", "linear", _weight_tying, tolerance=0.08, lo=0.0, hi=1.0, step=0.01),
    Quantity("lr-dropout", "linear", _lr_dropout, tolerance=0.5, lo=0.0, hi=5.0, step=0.05),
    Quantity("variants", "linear", _variants, tolerance=0.1, lo=0.0, hi=1.0, step=0.01),
)

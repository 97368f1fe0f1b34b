"""The conventions every chart of ui/charts/ keeps (issue 13), checked on each builder's spec, built from
small synthetic data (no model runs):

- text at least 12 px: every font size in a spec (config, axes, legends, titles, text marks), and the
  config sets each size Vega would otherwise default below 12 px;
- one convention for every map (a spec with a rect mark): a cell that is exactly 0, or masked, is drawn
  by a layer filtered on the exact value, white with a grey border, with an entry in a legend; the
  synthetic data of each map holds such a cell;
- scaling's weights as bars rising from 0, side by side; kv-cache's clipped steps marked.

A chart builder added to ui/charts/ without a case here fails ``test_every_builder_has_a_case``."""
from __future__ import annotations

import functools
import inspect
import re
from types import SimpleNamespace

import numpy as np
import pytest

from tf_core.device import SPIKE_FACTOR
from tf_core.lab.kv_cache import clip_steps
from ui.charts import architecture, attention, decoding, layers, masks, norms, positions, positions_variants, scaling, shared, tokens
from ui.charts import architecture_variants
from ui.charts import breakit, cost
from ui.charts import layers as layer_charts  # `layers` is shadowed by the spec walker below
from ui.charts.shared import MIN_FONT, ZERO_FILL, ZERO_STROKE, VegaChart
from ui.i18n import t

MODULES = (shared, masks, attention, architecture, decoding, scaling, tokens, norms, layers, positions, positions_variants,
           architecture_variants, breakit)
MODULES += (cost,)  # page cost (lessons complexity, block-cost)
PIECES = ("<s>", "The", "a|b", "<b>x</b>", "注意", "🤖")


def tril(T: int) -> np.ndarray:
    """(T, T) causal attention weights: rows sum to 1, exactly 0 above the diagonal."""
    w = np.tril(np.random.default_rng(T).uniform(0.1, 1.0, (T, T)))
    return w / w.sum(axis=1, keepdims=True)


def with_zero(shape: tuple[int, ...], seed: int = 0, signed: bool = False) -> np.ndarray:
    g = np.random.default_rng(seed)
    x = g.normal(size=shape) if signed else g.uniform(0.05, 1.0, shape)
    x.flat[1] = 0.0
    return x


def kv_result() -> SimpleNamespace:
    """What decode_steps and kv_memory read of a KVCacheResult; the cached side has one spike."""
    cached = np.array([0.2, 0.010, 0.011, 0.012, 0.9, 0.011, 0.010, 0.012])  # step 4: a stall
    uncached = np.array([0.2, 0.03, 0.04, 0.05])
    return SimpleNamespace(
        step_cached=cached, step_uncached=uncached, clipped_cached=clip_steps(cached),
        clipped_uncached=clip_steps(uncached), generated=tuple(f"t{i}" for i in range(8)), n_prompt=5,
        max_positions=64, bytes_per_position=1024, n_heads=4, n_kv_heads=2, cache_positions=12, cache_bytes=12288)


def par_result() -> SimpleNamespace:
    grid = np.array([4, 8, 13])
    return SimpleNamespace(grid_n=grid, grid_parallel=np.array([0.01, 0.012, 0.015]),
                           grid_sequential=np.array([0.04, 0.08, 0.13]), per_position_parallel=np.array([0.01, 0.012, 0.015]) / grid,
                           per_position_sequential=np.array([0.04, 0.08, 0.13]) / grid,
                           layer_seconds=np.array([0.002, 0.003, 0.002]), layer_start=np.array([0.0, 0.002, 0.005]),
                           call_seconds=0.009)


def scaling_result():
    from tf_core.lab import scaling as lab
    return lab.run(dk=64, n=12, seed=0)


@functools.cache
def dva_result():
    """A small real run of lesson dot-vs-additive (n = 16: milliseconds), shared by its three builders' cases."""
    from tf_core.lab import dot_vs_additive as lab
    return lab.run(n=16, d_k=8, d_a=4, repeats=2)


def variants_result() -> SimpleNamespace:
    """What decode_times reads of a tf_core.lab.variants result: every way at three lengths, two repeats."""
    grid = np.array([64, 128, 256])
    seconds = {w: np.array([[0.002, 0.003], [0.0025, 0.004], [0.003 * k, 0.005 * k]]) for k, w in enumerate(architecture_variants.WAYS, 1)}
    return SimpleNamespace(grid=grid, decode_median=lambda w: np.median(seconds[w], axis=1),
                           decode_spread=lambda w: (seconds[w].min(axis=1), seconds[w].max(axis=1)))


def norm_stats() -> SimpleNamespace:
    ratio = np.linspace(-3, 3, 7)
    return SimpleNamespace(ratio=ratio, theory=ratio / np.sqrt(1 + ratio ** 2),
                           out_mean={"layer": np.full(7, 1e-8), "rms": ratio / np.sqrt(1 + ratio ** 2)})


@functools.cache
def cx_result():
    """A small real run of lesson complexity (n = 64, d = 8: milliseconds), shared by its builders' cases."""
    from tf_core.lab import complexity as lab
    return lab.run(n=64, d=8, heads=2, repeats=2)


@functools.cache
def bc_result():
    """A small real run of lesson block-cost (n = 128, d = 8: milliseconds), shared by its builders' cases."""
    from tf_core.lab import block_cost as lab
    return lab.run(n=128, d=8, heads=2, ff=1, repeats=2)


def walk_result() -> SimpleNamespace:
    steps = [SimpleNamespace(key=k, dims=("T", "D"), shape=(6, 8), token_norm=1.5, mean=0.0, std=1.0)
             for k in ("embed_word", "q", "ffn_up")]
    return SimpleNamespace(steps=steps)


def neighbour_list() -> SimpleNamespace:
    return SimpleNamespace(pieces=("bank", "▁Bank", "<i>"), similarity=np.array([1.0, 0.8, 0.3]),
                           ids=np.array([1, 2, 3]), variant=(True, True, False))


# name -> a function of the language giving the charts of that builder (maps: with an exact 0 in their data)
CASES = {
    "shared.token_heatmap": lambda lang: [shared.token_heatmap(with_zero((6, 6)), PIECES, lang, None, 1.0, signed=False),
                                          shared.token_heatmap(with_zero((6, 6), signed=True), PIECES, lang, "qk.heat_own"),
                                          shared.token_heatmap(with_zero((6, 6)), PIECES, lang, None, 1.0, signed=False,
                                                               masked_keys=np.array([False, True, False, False, False, True]))],
    "shared.head_values": lambda lang: [shared.head_values(with_zero((3, 4)), (1, 2), lang, "padmass")],
    "shared.layer_head_values": lambda lang: [shared.layer_head_values(with_zero((30, 9)), (0, 0), lang,
                                                                        "causal.future.scale")],
    "shared.per_token_lines": lambda lang: [shared.per_token_lines(
        [("a", np.linspace(0, 1, 6)), ("b", np.linspace(1, 0, 6))], PIECES, lang, "walk.cos", (shared.RAW, shared.SCALED))],
    "masks.batch_tokens": lambda lang: [masks.batch_tokens(np.array([10, 12]), np.array([2, 0]), lang, "x", 20)],
    "masks.causal_mask_map": lambda lang: [masks.causal_mask_map(np.tril(np.ones((6, 6), dtype=bool)), PIECES, 2, lang)],
    "masks.causal_attention_map": lambda lang: [masks.causal_attention_map(tril(6), PIECES, lang)],
    "masks.position_deltas": lambda lang: [masks.position_deltas(np.zeros(6), np.linspace(0, 1, 6), PIECES, 2, lang)],
    "masks.leak_grid": lambda lang: [masks.leak_grid(with_zero((4, 5)), tuple("abcde"), 0.05, 1.0, lang)],
    "masks.leak_profile": lambda lang: [masks.leak_profile(with_zero((5, 6)), tuple("abcde"), PIECES, 2, 0.05, 1.0, lang)],
    "attention.qk_per_head": lambda lang: [attention.qk_per_head(np.array([0.5, 0.7]), np.array([0.2, 0.1]), lang,
                                                                 "diag", chance=0.2)],
    "attention.head_entropy": lambda lang: [attention.head_entropy(with_zero((3, 4)), 2.0, (0, 1), lang)],
    "attention.head_distance": lambda lang: [attention.head_distance(
        np.abs(np.subtract.outer(np.arange(4.0), np.arange(4.0))) / 3, 1, lang)],
    "attention.head_ablation": lambda lang: [attention.head_ablation(np.linspace(0, 0.3, 6), PIECES, lang)],
    # --- cases of lessons complexity and block-cost (page cost) ---
    "cost.measured_vs_n": lambda lang: [cost.measured_vs_n(cx_result(), lang, m) for m in ("time", "memory")],
    "cost.walk_sizes": lambda lang: [cost.walk_sizes(cx_result(), lang)],
    "cost.crossing_ratio": lambda lang: [cost.crossing_ratio(bc_result(), lang)],
    "cost.time_split": lambda lang: [cost.time_split(bc_result(), lang, b) for b in cost.SPLIT_BASES],
    "cost.part_times": lambda lang: [cost.part_times(bc_result(), lang)],
    # --- cases of lesson dot-vs-additive ---
    "attention.score_times": lambda lang: [attention.score_times(dva_result(), lang)],
    "attention.cost_lines": lambda lang: [attention.cost_lines(dva_result(), lang, m) for m in ("flops", "rate")],
    "attention.saturation": lambda lang: [attention.saturation(dva_result(), lang, m) for m in attention.SATURATION_METRICS],
    "architecture.walk_flow": lambda lang: [architecture.walk_flow(walk_result(), lang)],
    "architecture.feature_heatmap": lambda lang: [architecture.feature_heatmap(with_zero((6, 8), signed=True), PIECES, lang)],
    "architecture.histogram": lambda lang: [architecture.histogram(np.array([1, 4, 2]), np.array([0.0, 1, 2, 3]), lang)],
    "architecture.cross_heatmap": lambda lang: [architecture.cross_heatmap(tril(4)[:, :3] / tril(4)[:, :3].sum(1, keepdims=True),
                                                                           PIECES[:4], PIECES[:3], lang)],
    # --- cases of lesson variants ---
    "architecture_variants.decode_times": lambda lang: [architecture_variants.decode_times(variants_result(), lang)],
    "architecture_variants.cache_sizes": lambda lang: [architecture_variants.cache_sizes(
        np.array([64, 128, 8192]), {"mha": np.array([1e6, 2e6, 1e8]), "gqa": np.array([3e5, 6e5, 4e7]), "mqa": np.array([1e5, 2e5, 1e7])},
        100, {"mha": 1.5e6, "gqa": 5e5, "mqa": 1.6e5}, lang)],
    "architecture_variants.norm_means": lambda lang: [architecture_variants.norm_means(norm_stats(), lang)],
    "architecture_variants.time_bars": lambda lang: [architecture_variants.time_bars(
        [("<b>x</b>", "注意", np.array([1e-4, 2e-4])), ("a", "b", np.array([3e-4]))], "us", lang),
        architecture_variants.time_bars([("a", "a", np.array([0.02, 0.03]))], "ms", lang)],
    "decoding.parallel_per_position": lambda lang: [decoding.parallel_per_position(par_result(), lang)],
    "decoding.layer_timeline": lambda lang: [decoding.layer_timeline(par_result(), lang)],
    "decoding.decode_steps": lambda lang: [decoding.decode_steps(kv_result(), lang)],
    "decoding.kv_memory": lambda lang: [decoding.kv_memory(kv_result(), lang)],
    "scaling.scaling_variance": lambda lang: [scaling.scaling_variance(scaling_result(), lang)],
    "scaling.scaling_health_legend": lambda lang: [scaling.scaling_health_legend(lang)],
    "scaling.scaling_health": lambda lang: [scaling.scaling_health(scaling_result(), lang, m) for m in scaling.HEALTH_METRICS],
    "scaling.scaling_weights": lambda lang: [scaling.scaling_weights(scaling_result(), lang)],
    "tokens.token_counts": lambda lang: [tokens.token_counts(["a", "b"], [3, 5], lang)],
    "tokens.bpe_curve": lambda lang: [tokens.bpe_curve(10, [9, 8, 7], ["ab", "cd", "ef"], 1, lang)],
    "tokens.neighbours": lambda lang: [tokens.neighbours(neighbour_list(), lang)],
    "tokens.category_map": lambda lang: [tokens.category_map(np.array([[0.0, 1.0], [1.0, 0.0]]), ("x", "y"),
                                                             np.array([0, 1]), ("A", "B"), lang, "vec.pca_real")],
    "tokens.accuracy": lambda lang: [tokens.accuracy(0.8, 0.3, 0.25, lang)],
    "tokens.context_layers": lambda lang: [tokens.context_layers(np.array([0.5, 0.6]), np.array([0.4, 0.2]), 1.0, 1.0,
                                                                 lang)],
    "shared.loss_curves": lambda lang: [shared.loss_curves([("a", np.array([3.0, 2.0, 1.0]), None),
                                                            ("b", np.array([3.0, 5.0, np.nan]), 2)], lang)],
    # --- cases of lesson ln-vs-bn ---
    "norms.lnbn_change": lambda lang: [
        norms.lnbn_change(np.arange(1, 4), np.array([0.0, 0.3, 0.4]), np.array([0.0, 0.25, 0.3]),
                          np.array([1e-7, 1e-7, 1e-7]), np.array([0.0, 0.2, 0.4]), lang),
        norms.lnbn_change(np.arange(65), np.linspace(0.5, 1.1, 65), np.full(65, 0.3), np.full(65, 1e-7),
                          np.linspace(0.3, 0.8, 65), lang, "lnbn.change.x_pad")],
    "norms.lnbn_means": lambda lang: [norms.lnbn_means(np.array([0.1, -0.5, 2.0]), np.array([0.2, -0.3, 1.0]), lang)],
    "norms.lnbn_grads": lambda lang: [norms.lnbn_grads(np.array([1.5, 1.4, 1.3]), np.array([2.0, 2.7, 3.2]), lang),
                                      norms.lnbn_grads(np.array([1.2]), np.array([1.8]), lang)],
    "norms.lnbn_curves": lambda lang: [norms.lnbn_curves([("a", np.array([4.0, 2.0, 0.1]), None),
                                                          ("<b>x</b>", np.array([4.0, 30.0, 120.0]), "diverged"),
                                                          ("注意", np.array([4.0, 3.0, np.nan]), "diverged")], 2.92, lang)],
    # --- cases of lesson batchnorm ---
    "norms.bn_noise": lambda lang: [norms.bn_noise(np.array([1, 2, 4]), np.array([0.3, 0.2, 0.1]), np.array([0.2, 0.1, 0.05]),
                                                   np.array([0.4, 0.2, 0.1]), np.array([0.35, 0.25, 0.18]), lang)],
    "norms.bn_modes": lambda lang: [norms.bn_modes(np.array([1, 2, 4]), np.array([np.nan, 0.09, 0.05]), 0.03, 0.02, lang)],
    "norms.bn_drift": lambda lang: [norms.bn_drift(np.arange(1, 5), np.array([0.5, 0.1, 0.2, 0.3]), 2, lang)],
    # --- cases of lesson residual ---
    "norms.res_grads": lambda lang: [norms.res_grads(np.array([1.3, 1.2, 1.0]), np.array([1e-6, 1e-3, 0.3]), lang)],
    "norms.res_spread": lambda lang: [norms.res_spread(np.array([0.9, 0.8, 0.7, 0.6]), np.array([0.9, 0.5, 1e-4, 0.0]), lang)],
    # --- cases of lesson ffn ---
    "layers.activation_curves": lambda lang: [layer_charts.activation_curves(np.array([-1.0, 0.0, 1.0]), ("relu", "gelu", "swiglu"),
                                                                       np.zeros((3, 3)), lang, "ffn.curve.value")],
    "layers.position_diffs": lambda lang: [layer_charts.position_diffs(np.array([0.0, 2e-6]), np.array([1e-5, 2e-5]), lang)],
    "layers.dead_units": lambda lang: [layer_charts.dead_units(("relu", "gelu", "swiglu"), np.zeros(3), np.array([0.1, 0.0, 0.0]),
                                                         lang)],
    "layers.param_bars": lambda lang: [layer_charts.param_bars(("a", "b"), np.array([8.0, 9.0]), np.array([4.0, 3.0]), lang)],
    # --- Break it (app_pages/breakit.py) ---
    "breakit.overview": lambda lang: [breakit.overview([("as trained", 26.8, True), ("<b>x</b>", 1754.0, False)], lang)],
    "breakit.losses": lambda lang: [breakit.losses(np.array([1.0, 2.0, 0.5]), np.array([3.0, 2.5, 4.0]), lang)],
    "breakit.similarity": lambda lang: [breakit.similarity([("a", np.eye(3)), ("b", np.full((3, 3), 0.7))], lang)],
    # --- cases of lesson weight-tying ---
    "layers.param_split": lambda lang: [layer_charts.param_split([("a", 10, 30, 0), ("a", 10, 30, 10)], lang)],
    # --- cases of lesson lr-dropout ---
    "layers.lrd_points": lambda lang: [layer_charts.lrd_points(("a", "<b>x</b>", "注意"), np.array([0.1, 0.0, 0.09]),
                                                         np.array([0.0, 0.0, 0.001]), 0.1, lang)],
    "layers.lrd_gap": lambda lang: [layer_charts.lrd_gap(np.array([0.27, 0.2, 0.15]), lang), layer_charts.lrd_gap(np.array([0.3]), lang)],
    # --- cases of the positions page (lessons positional-encoding, embed-scale) ---
    "positions.matrix_panels": lambda lang: [
        positions.matrix_panels(np.tril(np.outer(np.arange(4.0), -np.ones(4))) + np.triu(np.full((4, 4), np.nan), 1)[None].repeat(2, 0),
                                ["<b>x</b>", "注意"], lang, "pev.axis.key", "pev.axis.query", "pev.axis.bias")],
    "positions.matrix_image": lambda lang: [
        positions.matrix_image(np.sin(np.outer(np.arange(5), np.arange(1, 4))), np.arange(3), np.arange(5), lang,
                               "pe.axis.dim", "pe.axis.position", "pe.axis.value", zmax=1.0),
        positions.matrix_image(np.zeros((1, 1)), np.array([4]), np.array([0]), lang, "pe.axis.dim", "pe.axis.position",
                               "pe.axis.value")],  # one cell, all zero: the scale falls back to ±1
    "positions.pe_curves": lambda lang: [positions.pe_curves(np.sin(np.outer([1.0, 0.1, 0.01], np.arange(9))), np.array([0, 3, 6]),
                                                             np.array([6.28, 62.8, 628.0]), 13, lang)],
    "positions.similarity_by_distance": lambda lang: [positions.similarity_by_distance(np.linspace(1, 0.2, 6), np.linspace(1, 0.1, 6),
                                                                                       np.linspace(1, 0.3, 6), lang)],
    "positions.rotation_corner": lambda lang: [positions.rotation_corner(np.kron(np.eye(3), [[0.6, 0.8], [-0.8, 0.6]]), lang)],
    "positions.rotation_angles": lambda lang: [positions.rotation_angles(np.array([3.1, -2.0, 0.5, 0.01]), lang)],
    "positions.shuffle_layers": lambda lang: [positions.shuffle_layers([("<b>x</b>", np.array([0.0, 1e-6, 2e-6])),
                                                                        ("注意", np.array([0.5, 2.0, 3.0]))], lang)],
    "positions.shuffle_tokens": lambda lang: [positions.shuffle_tokens([("a", np.full(6, 1e-6)), ("b", np.full(6, 2.0)),
                                                                        ("c", np.full(6, 1e-6))], PIECES, lang)],
    "positions.position_lines": lambda lang: [positions.position_lines([("a", np.array([1.0, 2.0]), "#E69F00", False),
                                                                        ("b", np.array([3.0, 4.0]), "#0072B2", True)], lang,
                                                                       "emb.norm.y", log=True)],
    "positions.ratio_sweep": lambda lang: [positions.ratio_sweep(np.array([2, 4, 8]), np.array([0.9, 0.6, 0.5]),
                                                                 np.array([1.3, 1.3, 1.4]), np.array([1.0, 0.7, 0.5]),
                                                                 np.array([1.41, 1.41, 1.41]), 4, lang)],
    "positions.learned_norms": lambda lang: [positions.learned_norms(np.linspace(0.4, 0.5, 10), np.array([0.8, 1.1, 1.3]), lang)],
    # --- cases of lesson pe-adds ---
    "positions.recovery_lines": lambda lang: [positions.recovery_lines(np.array([0, 255, 511]), [("<b>x</b>", np.array([0.9, 1.0, 0.9]), "#0072B2", False),
                                                                                                ("注意", np.zeros(3), "#D55E00", True)], 32, lang)],
    "positions.cosine_spread": lambda lang: [positions.cosine_spread(np.array([2, 384]), np.array([0.7, 0.05]), np.array([0.71, 0.051]),
                                                                     np.array([1.0, 0.2]), [("<b>x</b>", 384, 0.08)], lang),
                                             positions.cosine_spread(np.array([8]), np.array([0.35]), np.array([0.35]), np.array([0.9]), [], lang)],
    "positions.component_curves": lambda lang: [positions.component_curves(np.sin(np.outer([1.0, 0.5], np.arange(16))), np.array([0.4, 0.2]), lang)],
    # --- cases of lesson pe-variants ---
    "positions_variants.loss_by_length": lambda lang: [positions_variants.loss_by_length(["<b>x</b>", "注意"], ["rope", "alibi"], np.array([32, 48, 128]),
                                                                       np.array([[1.6, 2.0, 3.0], [1.7, 1.7, 1.69]]), 32, lang)],
    "positions_variants.per_position": lambda lang: [positions_variants.per_position(["a", "b"], ["none", "learned"], np.linspace(3, 1, 14).reshape(2, 7),
                                                                   4, np.array([5, -1]), lang)],
    "positions_variants.rope_scores": lambda lang: [positions_variants.rope_scores(np.arange(5), np.full(5, 9.07), 9.07, lang)],
    "positions_variants.alibi_slopes": lambda lang: [positions_variants.alibi_slopes(np.array([0.5, 0.25, 2 ** -8]), lang)],
    "positions_variants.t5_buckets": lambda lang: [positions_variants.t5_buckets(np.arange(12), np.minimum(np.arange(12), 7), 4, 9, lang)],
}
# the maps whose synthetic cells are masked (the legend says "masked", not "exactly 0")
MASKED = {"masks.causal_mask_map", "masks.causal_attention_map"}


def builders() -> set[str]:
    """Every public function of ui/charts/ that returns a VegaChart."""
    return {f"{m.__name__.rsplit('.', 1)[1]}.{name}" for m in MODULES for name, f in vars(m).items()
            if inspect.isfunction(f) and f.__module__ == m.__name__ and not name.startswith("_")
            and inspect.signature(f).return_annotation in ("VegaChart", VegaChart)}


def all_charts(lang: str):
    for name, build in CASES.items():
        for i, chart in enumerate(build(lang)):
            yield f"{name}[{i}]", name, chart


def walk(node, path=""):
    """(path, key, value) of every entry of nested dicts and lists."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield path, k, v
            yield from walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}[{i}]")


def layers(spec: dict):
    """Every view of a spec: itself and its layers, nested or not."""
    yield spec
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for sub in spec.get(key, []):
            yield from layers(sub)
    if "spec" in spec:
        yield from layers(spec["spec"])


def mark_of(view: dict) -> dict:
    m = view.get("mark")
    return {"type": m} if isinstance(m, str) else (m or {})


def is_grey(colour: str) -> bool:
    m = re.fullmatch(r"#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})", colour.lower())
    return bool(m) and len(set(m.groups())) == 1 and 0x60 <= int(m.group(1), 16) <= 0xd0


ZERO_FILTER = re.compile(r'^datum\["(\w+)"\] === 0$')


def zero_layers(spec: dict) -> list[tuple[dict, str]]:
    """(view, field) of each layer keeping only the cells whose field is exactly 0."""
    found = []
    for view in layers(spec):
        for step in view.get("transform", []):
            m = ZERO_FILTER.match(step.get("filter", "")) if isinstance(step.get("filter"), str) else None
            if m:
                found.append((view, m.group(1)))
    return found


def test_every_builder_has_a_case():
    assert builders() == set(CASES), "a chart builder of ui/charts/ has no case here (or a case lost its builder)"


@functools.cache
def vega_lite_validator():
    """A validator of the Vega-Lite schema Altair ships (the version the app's specs declare), built once:
    the app's vega_spec skips Altair's own validation (~0.3 s of every lesson run), so it happens here."""
    import jsonschema
    from altair.utils import schemapi
    from altair.vegalite.v6.schema import core

    schema = core.load_schema()
    url = schemapi._get_json_schema_draft_url(schema)
    cls = jsonschema.validators.validator_for({"$schema": url})
    return cls(schemapi._prepare_references_in_schema(schema), registry=schemapi._get_referencing_registry(schema, url))


def schema_errors(spec: dict) -> list[str]:
    """Where ``spec`` breaks the Vega-Lite schema (its data, passed beside the spec, stood in for by an empty list)."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
            for e in vega_lite_validator().iter_errors({**spec, "data": {"values": []}})]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_spec_is_valid_vega_lite(lang):
    bad = {label: errors for label, _, chart in all_charts(lang) if (errors := schema_errors(chart.spec))}
    assert not bad, bad


def test_schema_check_catches_a_bad_spec():
    _, _, chart = next(all_charts("en"))
    assert not schema_errors(chart.spec)
    assert schema_errors({**chart.spec, "mark": {"type": "linez"}})


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chart_text_is_at_least_12px(lang):
    needed = {("axis", "labelFontSize"), ("axis", "titleFontSize"), ("legend", "labelFontSize"),
              ("legend", "titleFontSize"), ("title", "fontSize"), ("title", "subtitleFontSize"),
              ("header", "labelFontSize"), ("header", "titleFontSize"), ("text", "fontSize")}
    for label, _, chart in all_charts(lang):
        config = chart.spec.get("config", {})
        missing = {f"{part}.{key}" for part, key in needed if key not in config.get(part, {})}
        assert not missing, (label, "Vega's default, under 12 px, would apply", missing)
        sizes = [(path, key, value) for path, key, value in walk(chart.spec) if key.lower().endswith("fontsize")]
        assert sizes and all(value >= MIN_FONT for _, _, value in sizes), (label, [s for s in sizes if s[2] < MIN_FONT])
        for view in layers(chart.spec):  # a text mark without a size of its own gets config.text's
            if mark_of(view).get("type") == "text":
                assert mark_of(view).get("fontSize", config["text"]["fontSize"]) >= MIN_FONT, label


def test_font_walk_catches_a_small_size():
    """The walk above can fail: a 10 px label deep in a layer's axis is found."""
    spec = {"layer": [{"encoding": {"y": {"axis": {"labelFontSize": 10}}}}]}
    assert [(k, v) for _, k, v in walk(spec) if k.lower().endswith("fontsize")] == [("labelFontSize", 10)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_map_draws_exact_zeros_white_with_a_legend_entry(lang):
    maps = 0
    for label, name, chart in all_charts(lang):
        views = list(layers(chart.spec))
        if not any(mark_of(v).get("type") == "rect" for v in views):
            continue
        maps += 1
        found = zero_layers(chart.spec)
        assert len(found) == 1, (label, "a map needs one layer filtered on the exact value 0")
        view, field = found[0]
        mark = mark_of(view)
        assert mark["type"] == "rect" and mark["fill"] == ZERO_FILL == "#ffffff", label
        assert mark["stroke"] == ZERO_STROKE and is_grey(ZERO_STROKE) and mark["strokeWidth"] >= 1, label
        fill = view["encoding"]["fill"]
        assert fill["scale"]["range"] == [ZERO_FILL] and fill.get("legend") is not None, (label, "no legend entry")
        # the entry's text: the label computed for the cells the filter keeps
        calc = next(step["calculate"] for step in view["transform"] if "calculate" in step)
        entry = t("heat.masked" if name in MASKED else "heat.zero", lang)
        assert f'"{entry}"' in calc and fill["field"] == next(s["as"] for s in view["transform"] if "calculate" in s)
        # drawn over the coloured cells, under any text or frame
        coloured = next(i for i, v in enumerate(views) if mark_of(v).get("type") == "rect"
                        and ({"color", "fill"} & set(v.get("encoding", {}))) and v is not view)
        assert views.index(view) > coloured, label
        # the synthetic data holds a cell the layer keeps: the entry shows
        cells = chart.data[chart.data["kind"] == "cell"] if "kind" in chart.data else chart.data
        assert (cells[field] == 0).any(), (label, field)
    assert maps == 15  # 3 token heatmaps (one with masked keys), 4 head grids, the mask, causal and cross maps, 2 leak maps, the features, M_k's corner, e5's zh/en cosines


def test_zero_layer_is_absent_from_a_chart_without_it():
    """The map check can fail: a rect map built without zero_cells has no zero layer."""
    import altair as alt
    spec = shared.vega_spec(alt.Chart().mark_rect().encode(x="x:O", y="y:O", color="v:Q"))
    assert zero_layers(spec) == []


def test_causal_attention_zero_is_masked_only_where_the_mask_removed_every_later_key():
    masked = masks.causal_attention_map(tril(5), PIECES[:5], "en").data
    assert masked["masked"].tolist() == masked["future"].tolist() and masked["future"].any()
    w = np.full((5, 5), 0.2)
    w[3, 0] = 0.0  # an exact 0 on a past key, and every later key weighted: not a mask's work
    free = masks.causal_attention_map(w, PIECES[:5], "en").data
    assert not free["masked"].any() and (free["score"] == 0).sum() == 1
    mask = masks.causal_mask_map(np.tril(np.ones((5, 5), dtype=bool)), PIECES[:5], 1, "en").data
    assert (mask["allowed"] == 0).sum() == 10


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scaling_weights_are_bars_from_zero_side_by_side(lang):
    r = scaling_result()
    chart = scaling.scaling_weights(r, lang)
    spec, data = chart.spec, chart.data
    assert mark_of(spec)["type"] == "bar" and mark_of(spec).get("opacity", 1) == 1
    enc = spec["encoding"]
    assert enc["y2"] == {"datum": 0} and enc["x"]["field"] == "start" and enc["x2"]["field"] == "stop"
    raw, scaled = (data[data["kind"] == t(f"scaling.health.{k}", lang)] for k in ("raw", "scaled"))
    order = np.argsort(-r.weights_raw, kind="stable")
    np.testing.assert_array_equal(raw["weight"], r.weights_raw[order])
    np.testing.assert_array_equal(scaled["weight"], r.weights_scaled[order])
    # side by side: each key's unscaled bar ends where its scaled bar starts, never overlapping
    assert (raw["start"].to_numpy() < raw["stop"].to_numpy()).all()
    np.testing.assert_array_equal(raw["stop"].to_numpy(), scaled["start"].to_numpy())
    assert (scaled["stop"].to_numpy()[:-1] <= raw["start"].to_numpy()[1:]).all()
    assert set(raw["rank"]) == set(range(1, r.n + 1))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_decode_steps_mark_the_clipped_step(lang):
    r = kv_result()
    chart = decoding.decode_steps(r, lang)
    data = chart.data
    clipped = data[data["clipped"]]
    assert len(clipped) == 1 and clipped["step"].tolist() == [5]  # step index 4, drawn as step 5
    assert clipped["measured"].tolist() == pytest.approx([900.0])
    assert clipped["ms"].iloc[0] == pytest.approx(1000 * SPIKE_FACTOR * np.median([0.010, 0.011, 0.012, 0.011, 0.010, 0.012]))
    assert (data.loc[~data["clipped"], "ms"] == data.loc[~data["clipped"], "measured"]).all()
    assert clipped["flag"].tolist() == [t("kv.steps.clipped", lang, factor=SPIKE_FACTOR)]
    marks = [v for v in layers(chart.spec) if any(s.get("filter") == {"field": "clipped"} or s.get("filter") == "datum.clipped"
                                                  for s in v.get("transform", []))]
    assert len(marks) == 1 and mark_of(marks[0])["type"] == "point" and marks[0]["encoding"]["shape"]["legend"] is not None
    assert "measured" in [tip["field"] for tip in marks[0]["encoding"]["tooltip"]]
    assert decoding.clipped_note("kv", 1, lang) != decoding.clipped_note("kv", 2, lang) != decoding.clipped_note("kv", 0, lang)
    assert "2" in decoding.clipped_note("par", 2, lang) and str(SPIKE_FACTOR) in decoding.clipped_note("par", 0, lang)


def text_width(text: str, size: float) -> float:
    """An estimate of a line's width in px: a wide (CJK) character is one em, any other 0.55 em (Source Sans
    averages under 0.5 em on lower-case text)."""
    import unicodedata
    return sum(size * (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55) for ch in text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_y_titles_fit_beside_their_plot(lang):
    """A rotated y title longer than its plot's height makes Vega's "fit" autosize (Streamlit's, at the column
    width) shrink the plot to a sliver (pe-adds' first chart did): every y title fits its chart's height."""
    checked = 0
    for label, _, chart in all_charts(lang):
        height = chart.spec.get("height")
        if not isinstance(height, (int, float)):
            continue
        size = chart.spec.get("config", {}).get("axis", {}).get("titleFontSize", 12)
        for view in layers(chart.spec):
            y = view.get("encoding", {}).get("y", {})
            title = y.get("title") if isinstance(y, dict) else None
            if isinstance(title, str) and title:
                checked += 1
                assert text_width(title, size) <= height, (label, title, height)
    assert checked > 20

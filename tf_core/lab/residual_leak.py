"""Lesson `residual-leak`: do a decoder's residual connections leak the future the mask hides?

No. A residual connection adds a position's own vector to a sub-layer's output AT THE SAME
POSITION: x_i + f(x)_i. It moves nothing between positions. Information can only reach position i
from position j != i through a step that reads other positions, and in a decoder block only one
does, the attention:

    RMSNorm     y_i = x_i / sqrt(mean(x_i^2) + eps) * g       statistics over x_i's own features
                (LayerNorm in the tiny GPT: minus the mean, plus a bias; still x_i's own features)
    FFN         y_i = W_down (SiLU(W_gate x_i) * W_up x_i)      the same function at every position
                (the tiny GPT's: W_2 GELU(W_1 x_i + b_1) + b_2)
    residual    y_i = x_i + f_i                                 position by position
    attention   y_i = sum_j weight_ij W_O v_j                   the ONLY sum over positions j

(An encoder's LayerNorm is per position too: its mean and variance run over the features, not
over the sequence. BatchNorm would mix positions and batch rows through its statistics; no decoder
uses it for that reason among others.) With the causal mask weight_ij = 0 for j > i, so no step of
any block lets a later token reach an earlier position, and by induction over the blocks, every
intermediate at position i depends on tokens 0..i only.

The experiment: the same perturbation as lesson `causal-mask` (the token at p replaced), followed
through every sub-step of every block of a decoder, in the order a pre-norm block computes them
(tf_core.models.decoder.BlockTrace): the attention's input norm, the attention output, the first
residual sum, the feed-forward's norm, the feed-forward output, the second residual sum (the
block's output). For each (layer, sub-step, position) the largest |change| over the features:

    with the mask      every entry at a position before p is exactly 0.0 (measured, bit for bit)
    without the mask   the first non-zero entry before p is at layer 0's attention output: the
                       norm before it is still 0 there, and from that point the residual stream
                       carries the change to every later sub-step (``first_leak``)

So the residual stream does carry changes forward through the layers, but only along a position;
across positions it carries only what attention put there. The embedding row (before block 0)
changes at p alone.

Interface: any decoder of tf_core.models.decoder (Llama, TinyGPT), traced by ``decoder.traced``
(``.hidden_states``, n_layers + 1 tensors (B, T, D), and ``.traces``, one dataclass per block whose
fields, in order, are the sub-steps, each (B, T, D)); the sub-step names come from the trace's
fields and what each computes from the model's ``MATH``, so a decoder with other sub-steps shows its own.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch

from tf_core import limits
from tf_core.lab import decoder_prompt
from tf_core.lab.decoder_prompt import resolve  # noqa: F401 - the page resolves its input through this lesson
from tf_core.models import decoder
from tf_core.progress import Progress

# The sub-steps (trace fields) that read other positions; every other one acts position by position.
# The page names the steps through ui/i18n, keyed by these field names.
MIXING_STEPS = frozenset({"attn"})
FORWARDS = 4  # the prompt and the changed copy, each traced with and without the mask


@dataclass(frozen=True)
class ResidualLeakResult(decoder_prompt.Perturbation):  # the prompt and the token changed at p, then:
    steps: tuple[str, ...]  # the sub-step names, in computing order (the trace's fields)
    formulas: tuple[str, ...]  # what each sub-step computes at position i, for this model ("" if it does not say)
    norm: str  # the model's norm ("RMSNorm", "LayerNorm")
    ffn: str  # its feed-forward ("SwiGLU", "GELU")
    embedding_delta: np.ndarray  # (T,) float64 max |Δ| of the token embeddings (block 0's input): non-zero at p only
    delta_causal: np.ndarray  # (L, S, T) float64 max over features of |Δ| at (layer, sub-step, position), mask on
    delta_bidirectional: np.ndarray  # (L, S, T) the same without the mask
    logits_delta_causal: np.ndarray  # (T,) max |Δ logits| per position, mask on
    logits_delta_bidirectional: np.ndarray  # (T,)

    @property
    def max_before_causal(self) -> float:
        """Largest change at any position before p, any layer and sub-step, with the mask."""
        return float(self.delta_causal[:, :, :self.position].max(initial=0.0))

    @property
    def exact_before(self) -> bool:
        """Every intermediate before p unchanged bit for bit with the mask (logits included)."""
        p = self.position
        return bool((self.delta_causal[:, :, :p] == 0).all() and (self.logits_delta_causal[:p] == 0).all())

    @property
    def first_leak(self) -> tuple[int, str] | None:
        """(layer, sub-step) of the first non-zero change before p without the mask, in computing
        order; None when p = 0 (nothing before it) or nothing leaked."""
        before = self.delta_bidirectional[:, :, :self.position]  # (L, S, p)
        hit = np.argwhere(before.max(axis=-1, initial=0.0) > 0)  # (k, 2) rows in (layer, step) order
        if not len(hit):
            return None
        layer, step = hit[0]
        return int(layer), self.steps[step]

    @property
    def first_leak_value(self) -> float:
        """The largest change before p at the first leak (NaN without one)."""
        first = self.first_leak
        if first is None:
            return float("nan")
        return float(self.delta_bidirectional[first[0], self.steps.index(first[1]), :self.position].max())

    def grids_before(self) -> tuple[np.ndarray, np.ndarray]:
        """(L, S) the largest change at any position before p, per layer and sub-step: with the mask
        (all 0.0) and without it."""
        p = self.position
        return (self.delta_causal[:, :, :p].max(axis=-1, initial=0.0),
                self.delta_bidirectional[:, :, :p].max(axis=-1, initial=0.0))

    def profiles(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """(S + 1, T) one block at every position, with the mask and without it: the block's input (the
        embeddings for block 0, else the previous block's output), then its sub-steps."""
        L = self.delta_causal.shape[0]
        layer = limits.IntRange.indices(L).check("layer", layer)

        def profile(delta: np.ndarray) -> np.ndarray:
            block_in = self.embedding_delta if layer == 0 else delta[layer - 1, -1]  # (T,)
            return np.vstack([block_in[None], delta[layer]])  # (S + 1, T)

        return profile(self.delta_causal), profile(self.delta_bidirectional)

    @property
    def norm_before_leak(self) -> float:
        """Without the mask, layer 0's norm before attention, at the positions before p: still 0.0."""
        return float(self.delta_bidirectional[0, self.steps.index("attn_norm"), :self.position].max(initial=0.0))


def _step_deltas(a, b) -> tuple[tuple[str, ...], np.ndarray]:
    """Two runs' traces -> (sub-step names, (L, S, T) max |Δ| over features)."""
    names = tuple(f.name for f in dataclasses.fields(a.traces[0]))

    def steps(trace) -> torch.Tensor:
        return torch.stack([getattr(trace, n)[0] for n in names])  # (S, T, D): one block's sub-steps

    return names, np.stack([decoder_prompt.change(steps(ta), steps(tb)) for ta, tb in zip(a.traces, b.traces)])  # (L, S, T)


def run(model, tokenizer, text: str, position: int | None = None, replacement: int | None = None,
        max_tokens: int = limits.DECODER_TOKENS, on_progress=None) -> ResidualLeakResult:
    """The prompt and a copy with token ``position`` replaced, traced through every sub-step of
    every block, with and without the causal mask. Defaults and checks as causal_mask.run;
    on_progress(done, FORWARDS) after each traced forward."""
    prompt = decoder_prompt.encode(tokenizer, text, max_tokens)
    T = len(prompt)
    position, new_id = decoder_prompt.swap(prompt, T // 2 if position is None else position, replacement,
                                           tokenizer, model.cfg.vocab_size)
    device = next(model.parameters()).device
    ids = prompt.tensor(device)  # (1, T)
    changed = ids.clone()
    changed[0, position] = new_id
    traced = Progress(FORWARDS, on_progress).counting(partial(decoder.traced, model))

    with torch.inference_mode():
        out = {}
        for causal, mask in ((True, decoder.causal), (False, decoder.unmasked)):
            a, b = traced(ids, mask=mask), traced(changed, mask=mask)
            steps, grid = _step_deltas(a, b)
            logits = decoder_prompt.change(a.logits[0], b.logits[0])  # (T,)
            emb = decoder_prompt.change(a.hidden_states[0][0], b.hidden_states[0][0])  # (T,)
            out[causal] = (grid, logits, emb)
            del a, b  # the traces of a 30-layer model: free them before the next pair

    math = model.MATH
    return ResidualLeakResult(
        **decoder_prompt.perturbation(prompt, position, new_id, tokenizer),
        steps=steps,
        formulas=tuple(math.formulas.get(step, "") for step in steps),
        norm=math.norm,
        ffn=math.ffn,
        embedding_delta=out[True][2],
        delta_causal=out[True][0],
        delta_bidirectional=out[False][0],
        logits_delta_causal=out[True][1],
        logits_delta_bidirectional=out[False][1],
    )

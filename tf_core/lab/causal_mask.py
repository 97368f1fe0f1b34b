"""Lesson `causal-mask`: how a decoder's self-attention differs from an encoder's, and why the mask.

The computation is the same: scores q_i . k_j / sqrt(d_h), a softmax over j, a weighted sum of
values. The difference is which keys a query may see:

    encoder   every query i sees every key j                     (bidirectional)
    decoder   query i sees keys j <= i only: scores_ij = -inf for j > i, so weight_ij = exp(-inf) = 0

The mask (tf_core.masks.causal_mask, True = may attend) is the lower triangle of a T x T matrix.
Why it is needed: a decoder is trained to predict token i + 1 from the logits at position i, for
all positions of a text in one pass. If position i could read token i + 1, the answer would be in
its input: the loss would fall without the model learning to predict, and at generation time,
where token i + 1 does not exist yet, the model would meet inputs it was never trained on. With the
mask, position i's output is a function of tokens 0..i only, in training exactly as in generation.

The experiment, on a real decoder: the learner's prompt (its tokens as the model's tokenizer cuts
them), and a copy with the token at position p replaced by another one. Both run through the model
with the causal mask and without it (``causal=False``: the same weights, every position attends to
every other as in an encoder). Per position, the largest change of the logits:

    with the mask      positions < p: exactly 0.0, bit for bit; from p on: changed
    without the mask   every position changes: the earlier ones read the changed token

Exactness, measured (float32, CPU, SmolLM2-135M and small random Llamas): 0.0 on the explicit
attention path and on PyTorch's fused SDPA kernel alike. Why it is exact and not merely small: the
two runs have the same shapes, so every kernel adds in the same order; a masked score becomes -inf
and its weight exp(-inf) = 0 exactly; 0 x v = 0 and adding 0.0 changes no float; the norms, the
feed-forward and the output head act on each position alone. The lesson still reports the number
rather than assuming it.

Stated: SmolLM2 was trained with the mask only, so its bidirectional logits are not good
predictions; they show where information can flow, which is the question.

The attention map of one (layer, head) is drawn with the mask (its upper triangle is 0) and without
it (the weight the head would put on later tokens, ``future_mass``, if it were allowed to).

Interface: ``model(ids, *, need_weights=, causal=)`` returning ``.logits`` (B, T, V) and
``.attentions`` (n_layers tensors (B, H, T, T)), and ``model.cfg`` (vocab_size, n_layers, n_heads),
as tf_core.models.llama.Llama.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.lab import decoder_prompt
from tf_core.masks import causal_mask


@dataclass(frozen=True)
class CausalMaskResult(decoder_prompt.Perturbation):  # the prompt and the token changed at p, then:
    layer: int  # the attention map shown
    head: int
    mask: np.ndarray  # (T, T) bool, the causal mask: [i, j] = query i may attend key j (j <= i)
    weights_causal: np.ndarray  # (T, T) float32 weights at (layer, head) of the original prompt, mask on
    weights_bidirectional: np.ndarray  # (T, T) the same without the mask
    future_mass_layers: np.ndarray  # (L, H) float64, mask off: mean over queries 0..T-2 of the weight on later keys
    delta_causal: np.ndarray  # (T,) float64 max over the vocabulary of |logits changed - original|, mask on
    delta_bidirectional: np.ndarray  # (T,) the same without the mask
    delta_causal_fast: np.ndarray  # (T,) delta_causal on PyTorch's fused SDPA kernel (the maps use the explicit path)

    @property
    def future_mass(self) -> float:
        """The shown head's weight on later tokens when the mask is off (mean over queries)."""
        return float(self.future_mass_layers[self.layer, self.head])

    @property
    def max_before_causal(self) -> float:
        """Largest change before p with the mask (0.0 when p = 0: no position before it)."""
        return float(self.delta_causal[:self.position].max(initial=0.0))

    @property
    def max_before_bidirectional(self) -> float:
        return float(self.delta_bidirectional[:self.position].max(initial=0.0))

    @property
    def exact_before(self) -> bool:
        """Every position before p unchanged bit for bit with the mask, on both attention paths."""
        p = self.position
        return bool((self.delta_causal[:p] == 0).all() and (self.delta_causal_fast[:p] == 0).all())

    @property
    def changed_pieces(self) -> tuple[str, ...]:
        return self.pieces[:self.position] + (self.replacement_piece,) + self.pieces[self.position + 1:]


def _future_mass(weights: torch.Tensor) -> torch.Tensor:
    """weights: (L, H, T, T) -> (L, H) mean over queries i < T-1 of sum_{j > i} weight_ij."""
    T = weights.shape[-1]
    if T < 2:
        return weights.new_zeros(weights.shape[:2])
    later = ~causal_mask(T, device=weights.device)  # (T, T): j > i
    return (weights * later).sum(-1)[..., :-1].mean(-1)  # (L, H)


def _delta(a: torch.Tensor, b: torch.Tensor) -> np.ndarray:
    """(T, V), (T, V) -> (T,) float64 max |a - b| per position."""
    return (a - b).abs().amax(dim=-1).double().cpu().numpy()


def run(model, tokenizer, text: str, position: int | None = None, replacement: int | None = None,
        layer: int = 0, head: int = 0, max_tokens: int = limits.DECODER_TOKENS) -> CausalMaskResult:
    """The prompt and a copy with token ``position`` replaced, through ``model`` with and without
    the causal mask. position None: the middle token (T // 2); replacement None: decoder_prompt's
    choice (" dog" where the vocabulary has it). ValueError on an empty prompt, a position, layer,
    head or replacement outside its range; a prompt over ``max_tokens`` is cut and flagged."""
    prompt = decoder_prompt.encode(tokenizer, text, max_tokens)
    cfg = model.cfg
    T = len(prompt)
    position, new_id = decoder_prompt.swap(prompt, T // 2 if position is None else position, replacement,
                                           tokenizer, cfg.vocab_size)
    layer = limits.IntRange.indices(cfg.n_layers).check("layer", layer)
    head = limits.IntRange.indices(cfg.n_heads).check("head", head)
    device = next(model.parameters()).device
    ids = prompt.tensor(device)  # (1, T)
    changed = ids.clone()
    changed[0, position] = new_id

    with torch.inference_mode():
        # the explicit path (weights asked for): the maps, and the deltas
        orig_c = model(ids, need_weights=True, causal=True)
        orig_b = model(ids, need_weights=True, causal=False)
        new_c = model(changed, need_weights=True, causal=True).logits[0]  # (T, V)
        new_b = model(changed, need_weights=True, causal=False).logits[0]  # (T, V)
        # the fused kernel, as generation runs it
        fast_c = model(ids, causal=True).logits[0]  # (T, V)
        fast_new_c = model(changed, causal=True).logits[0]  # (T, V)
        att_b = torch.stack(orig_b.attentions)[:, 0]  # (L, H, T, T)

        return CausalMaskResult(
            **decoder_prompt.perturbation(prompt, position, new_id, tokenizer),
            layer=layer,
            head=head,
            mask=causal_mask(T).numpy(),
            weights_causal=orig_c.attentions[layer][0, head].float().cpu().numpy(),
            weights_bidirectional=att_b[layer, head].float().cpu().numpy(),
            future_mass_layers=_future_mass(att_b).double().cpu().numpy(),
            delta_causal=_delta(new_c, orig_c.logits[0]),
            delta_bidirectional=_delta(new_b, orig_b.logits[0]),
            delta_causal_fast=_delta(fast_new_c, fast_c),
        )

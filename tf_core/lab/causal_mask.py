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
with the causal mask and without it (``decoder.unmasked``: the same weights, every position attends
to every other as in an encoder). Per position, the largest change of the logits:

    with the mask      positions < p: exactly 0.0, bit for bit; from p on: changed
    without the mask   every position changes: the earlier ones read the changed token

Exactness, measured (float32, CPU, SmolLM2-135M, the tiny GPT and small random Llamas): 0.0 on the
explicit attention path and on PyTorch's fused SDPA kernel alike. Why it is exact and not merely
small: the two runs have the same shapes, so every kernel adds in the same order; a masked score
becomes -inf and its weight exp(-inf) = 0 exactly; 0 x v = 0 and adding 0.0 changes no float; the
norms, the feed-forward and the output head act on each position alone. The lesson still reports
the number rather than assuming it (``exact_before``, ``masked_max``).

Stated: the models were trained with the mask only, so their bidirectional logits are not good
predictions; they show where information can flow, which is the question.

Every layer's and head's attention map comes back, with the mask (its upper triangle is 0) and
without it (the weight the head would put on later tokens, ``future_mass_layers``, if it were
allowed to): a page shows any (layer, head) by slicing, without running the model again.

Interface: any decoder of tf_core.models.decoder (Llama, TinyGPT), run through ``decoder.run``
with ``ablation=Ablation()`` (the mask, ``decoder.causal``) and ``ablation=Ablation(causal=False)``
(``decoder.unmasked``): Break it's switch, tf_core.ablation; ``model.cfg`` (vocab_size).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import torch

from tf_core import limits
from tf_core.ablation import Ablation
from tf_core.device import DeviceInfo, describe
from tf_core.lab import decoder_prompt
from tf_core.lab.decoder_prompt import resolve  # noqa: F401 - the page resolves its input through this lesson
from tf_core.masks import causal_mask
from tf_core.models import decoder
from tf_core.progress import Progress

FORWARDS = 6  # the prompt and the changed copy, with and without the mask (explicit path), and with it on SDPA


@dataclass(frozen=True)
class CausalMaskResult(decoder_prompt.Perturbation):  # the prompt and the token changed at p, then:
    mask: np.ndarray  # (T, T) bool, the causal mask: [i, j] = query i may attend key j (j <= i)
    weights_causal: np.ndarray  # (L, H, T, T) float32 every head's weights on the original prompt, mask on
    weights_bidirectional: np.ndarray  # (L, H, T, T) the same without the mask
    future_mass_layers: np.ndarray  # (L, H) float64, mask off: mean over queries 0..T-2 of the weight on later keys
    delta_causal: np.ndarray  # (T,) float64 max over the vocabulary of |logits changed - original|, mask on
    delta_bidirectional: np.ndarray  # (T,) the same without the mask
    delta_causal_fast: np.ndarray  # (T,) delta_causal on PyTorch's fused SDPA kernel (the maps use the explicit path)
    dtype: str  # the model's parameters' dtype ("float32")
    device: DeviceInfo  # what it ran on

    def head_maps(self, layer: int, head: int) -> tuple[np.ndarray, np.ndarray]:
        """(T, T) weights of one head with the mask and without it. ValueError outside the model."""
        L, H = self.future_mass_layers.shape
        layer = limits.IntRange.indices(L).check("layer", layer)
        head = limits.IntRange.indices(H).check("head", head)
        return self.weights_causal[layer, head], self.weights_bidirectional[layer, head]

    def future_mass(self, layer: int, head: int) -> float:
        """That head's weight on later tokens when the mask is off (mean over queries)."""
        self.head_maps(layer, head)  # the range check
        return float(self.future_mass_layers[layer, head])

    @property
    def masked_max(self) -> float:
        """The largest weight any head puts above the diagonal with the mask (0.0: exp(-inf) = 0)."""
        return float(self.weights_causal[..., ~self.mask].max(initial=0.0))

    @property
    def max_before_causal(self) -> float:
        """Largest change before p with the mask (0.0 when p = 0: no position before it)."""
        return float(self.delta_causal[:self.position].max(initial=0.0))

    @property
    def max_before_fast(self) -> float:
        """The same on the fused SDPA kernel."""
        return float(self.delta_causal_fast[:self.position].max(initial=0.0))

    @property
    def max_before_bidirectional(self) -> float:
        return float(self.delta_bidirectional[:self.position].max(initial=0.0))

    @property
    def exact_before(self) -> bool:
        """Every position before p unchanged bit for bit with the mask, on both attention paths."""
        p = self.position
        return bool((self.delta_causal[:p] == 0).all() and (self.delta_causal_fast[:p] == 0).all())


def _future_mass(weights: torch.Tensor) -> torch.Tensor:
    """weights: (L, H, T, T) -> (L, H) mean over queries i < T-1 of sum_{j > i} weight_ij."""
    T = weights.shape[-1]
    if T < 2:
        return weights.new_zeros(weights.shape[:2])
    later = ~causal_mask(T, device=weights.device)  # (T, T): j > i
    return (weights * later).sum(-1)[..., :-1].mean(-1)  # (L, H)


def _maps(out: decoder.DecoderOutput) -> torch.Tensor:
    """Every layer's weights of batch row 0: n_layers x (1, H, T, T) -> (L, H, T, T)."""
    return torch.stack(out.attentions)[:, 0]


def run(model, tokenizer, text: str, position: int | None = None, replacement: int | None = None,
        max_tokens: int = limits.DECODER_TOKENS,
        on_progress=None) -> CausalMaskResult:
    """The prompt and a copy with token ``position`` replaced, through ``model`` with and without
    the causal mask. position None: the middle token (T // 2); replacement None: decoder_prompt's
    choice (" dog" where the vocabulary has it). ValueError on an empty prompt, a position or
    replacement outside its range; a prompt over ``max_tokens`` is cut and flagged.
    on_progress(done, FORWARDS) after each forward pass (a page's progress bar)."""
    prompt = decoder_prompt.encode(tokenizer, text, max_tokens)
    T = len(prompt)
    position, new_id = decoder_prompt.swap(prompt, T // 2 if position is None else position, replacement,
                                           tokenizer, model.cfg.vocab_size)
    device = next(model.parameters()).device
    ids = prompt.tensor(device)  # (1, T)
    changed = ids.clone()
    changed[0, position] = new_id
    forward = Progress(FORWARDS, on_progress).counting(partial(decoder.run, model))
    on, off = Ablation(), Ablation(causal=False)  # decoder.causal, decoder.unmasked

    with torch.inference_mode():
        # the explicit path (weights asked for): the maps, and the deltas
        orig_c = forward(ids, need_weights=True, ablation=on)
        orig_b = forward(ids, need_weights=True, ablation=off)
        new_c = forward(changed, need_weights=True, ablation=on).logits[0]  # (T, V)
        new_b = forward(changed, need_weights=True, ablation=off).logits[0]  # (T, V)
        # the fused kernel, as generation runs it
        fast_c = forward(ids, ablation=on).logits[0]  # (T, V)
        fast_new_c = forward(changed, ablation=on).logits[0]  # (T, V)
        att_c, att_b = _maps(orig_c), _maps(orig_b)  # (L, H, T, T) each

        return CausalMaskResult(
            **decoder_prompt.perturbation(prompt, position, new_id, tokenizer),
            mask=causal_mask(T).numpy(),
            weights_causal=att_c.float().cpu().numpy(),
            weights_bidirectional=att_b.float().cpu().numpy(),
            future_mass_layers=_future_mass(att_b).double().cpu().numpy(),
            delta_causal=decoder_prompt.change(orig_c.logits[0], new_c),
            delta_bidirectional=decoder_prompt.change(orig_b.logits[0], new_b),
            delta_causal_fast=decoder_prompt.change(fast_c, fast_new_c),
            dtype=decoder.dtype_name(model),
            device=describe(device),
        )

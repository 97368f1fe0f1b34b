"""Break it: the real models with one design choice removed, for one call, as one small frozen object.

    Ablation(scale=True, causal=True, rope=True, norm_scale=True, heads_off=(), positions="keep", seed=0)

Each field is a switch; its default is the model as trained, and ``Ablation()`` removes nothing:

    scale=False        every attention layer's scores without 1/sqrt(d_k): softmax(q k^T) v (scale 1)
    causal=False       no causal mask: every position attends to every other, later ones included
                       (``decoder.unmasked``); the causal-mask lesson runs its bidirectional side this way
    rope=False         no rotary positions: cos 1 and sin 0 in every layer, q and k unrotated, so
                       nothing but the mask tells the positions apart
    norm_scale=False   every RMSNorm (the 60 in the blocks and the final one) without its learned g:
                       x / rms(x), i.e. g = 1
    heads_off          (layer, head) pairs: those query heads' outputs are zeroed before W_O (the head's
                       slice of the concatenation; with grouped-query attention its K/V head still
                       serves the other heads of its group)
    positions          encoders (MiniLM, e5): "keep"; "remove" (no position vector is added:
                       ``use_positions=False``, as the positional-encoding lesson does); "shuffle"
                       (each token reads the position vector of another place: the order
                       :func:`shuffle_order` draws with ``seed``, first and last tokens in place)

The first five are SmolLM2's (tf_core.models.llama), ``positions`` the encoders'; an ablation is checked
against the model it is applied to (:meth:`Ablation.check`: ValueError on a head or layer outside the
model, or a switch the model does not have: the tiny GPT has only the mask). Frozen and hashable, so a
page can cache by it; ``heads_off`` is kept sorted and without repeats, so equal switches compare equal.

How it reaches the computation, per call and never by changing the shared module: ``decoder.run(model,
ids, ablation=a)`` calls :meth:`Ablation.apply`, which gives back the mask (``unmasked`` for causal=False)
and, when a switch inside the blocks is set, a view of the model (:class:`Switched`) whose blocks,
``embed`` and ``head`` pass their per-call options (``llama.Switches``, ``rope=``, ``norm_scale=``) to the
model's own modules. No weight is modified, nothing is stored on a module: the same loaded model serves
every other user unchanged. For an encoder, :meth:`Ablation.encoder_kwargs` gives exactly the
per-call arguments of ``Encoder.forward`` (``use_positions=False`` or ``position_ids``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import torch

from tf_core import limits
from tf_core.models import decoder
from tf_core.models.encoder import Encoder
from tf_core.models.llama import Llama, Switches
from tf_core.models.text_encoder import TextEncoder

SWITCHES = ("scale", "causal", "rope", "norm_scale", "heads_off", "positions")  # every switch, in display order
DECODER_SWITCHES = SWITCHES[:5]  # SmolLM2's
ENCODER_SWITCHES = SWITCHES[5:]  # MiniLM's and e5's
POSITIONS = ("keep", "remove", "shuffle")
SHUFFLE_DRAWS = 64  # seeded permutations tried for one that moves every inner token (each succeeds with p ~ 1/e)


def _whole(name: str, value: object) -> int:
    """A non-negative int (a layer or head index before it meets a model), else ValueError."""
    return limits.IntRange(0, 1 << 30, 0).check(name, value)


def _heads(value: object) -> tuple[tuple[int, int], ...]:
    """(layer, head) pairs sorted, without repeats; ValueError on anything else or over the cap."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ValueError(f"heads_off must be (layer, head) pairs, got {value!r}")
    pairs = []
    for pair in value:
        if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise ValueError(f"heads_off must be (layer, head) pairs, got {pair!r}")
        pairs.append((_whole("layer", pair[0]), _whole("head", pair[1])))
    pairs = tuple(sorted(set(pairs)))
    if len(pairs) > limits.BREAKIT_HEADS_OFF:
        raise ValueError(f"{len(pairs)} heads off: at most {limits.BREAKIT_HEADS_OFF} at once")
    return pairs


@dataclass(frozen=True)
class Ablation:
    """Per-call switches (module docstring); every default keeps the design choice."""

    scale: bool = True  # 1/sqrt(d_k) on the attention scores
    causal: bool = True  # the decoder's causal mask
    rope: bool = True  # rotary position embeddings
    norm_scale: bool = True  # RMSNorm's learned scale g
    heads_off: tuple[tuple[int, int], ...] = ()  # (layer, head) pairs whose output is zeroed
    positions: str = "keep"  # an encoder's position vectors: "keep" | "remove" | "shuffle"
    seed: int = 0  # the shuffle's seed (positions="shuffle")

    def __post_init__(self) -> None:
        for name in ("scale", "causal", "rope", "norm_scale"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}")
            object.__setattr__(self, name, bool(getattr(self, name)))
        object.__setattr__(self, "heads_off", _heads(self.heads_off))
        if self.positions not in POSITIONS:
            raise ValueError(f"positions must be one of {POSITIONS}, got {self.positions!r}")
        object.__setattr__(self, "seed", limits.SEED.check("seed", self.seed))

    # --- what it removes -------------------------------------------------------------------------------
    @property
    def removed(self) -> tuple[str, ...]:
        """The names of the switches that remove something, in SWITCHES order (() for the model as trained)."""
        off = {"scale": not self.scale, "causal": not self.causal, "rope": not self.rope,
               "norm_scale": not self.norm_scale, "heads_off": bool(self.heads_off), "positions": self.positions != "keep"}
        return tuple(name for name in SWITCHES if off[name])

    @property
    def intact(self) -> bool:
        return not self.removed

    def decoder_part(self) -> Ablation:
        """The decoder's switches alone (positions kept)."""
        return replace(self, positions="keep", seed=0)

    def encoder_part(self) -> Ablation:
        """The encoder's switch alone."""
        return Ablation(positions=self.positions, seed=self.seed)

    # --- against a model -------------------------------------------------------------------------------
    def check(self, model) -> Ablation:
        """This ablation if ``model`` has every switch it removes and every (layer, head) it names,
        else ValueError. model: a decoder (Llama, the tiny GPT), an Encoder or a TextEncoder."""
        model = model.model if isinstance(model, TextEncoder) else model
        removed = set(self.removed)
        if isinstance(model, Encoder):
            wrong = removed - set(ENCODER_SWITCHES)
            if wrong:
                raise ValueError(f"an encoder has no switch {sorted(wrong)}: its switch is positions")
            return self
        if not hasattr(model, "blocks") or not hasattr(model, "head"):
            raise ValueError(f"not a decoder or an encoder: {type(model).__name__}")
        if "positions" in removed:
            raise ValueError("positions is an encoder's switch (a Llama's positions are its RoPE: rope=False)")
        if not isinstance(model, Llama) and removed - {"causal"}:
            raise ValueError(f"{type(model).__name__} has no switch {sorted(removed - {'causal'})}: only causal")
        n_layers, n_heads = model.cfg.n_layers, model.cfg.n_heads
        for layer, head in self.heads_off:
            limits.IntRange.indices(n_layers).check("layer", layer)
            limits.IntRange.indices(n_heads).check("head", head)
        return self

    def block_switches(self, layer: int) -> Switches:
        """Block ``layer``'s per-call options (llama.Switches)."""
        return Switches(scale=None if self.scale else 1.0, norm_scale=self.norm_scale,
                        heads_off=tuple(h for i, h in self.heads_off if i == layer))

    def apply(self, model, mask: decoder.Mask) -> tuple[object, decoder.Mask]:
        """(what ``decoder.run`` runs, the mask it runs with) for a decoder: the model itself when no
        switch inside its blocks is set, else a :class:`Switched` view of it; ``decoder.unmasked`` when
        causal is False, else ``mask`` as given. ValueError as :meth:`check`."""
        self.check(model)
        if not self.causal:
            mask = decoder.unmasked
        inside = not (self.scale and self.rope and self.norm_scale and not self.heads_off)
        return (Switched(model, self) if inside else model), mask

    def encoder_kwargs(self, ids, device: torch.device | str = "cpu") -> dict[str, object]:
        """The keyword arguments of ``Encoder.forward`` (and ``TextEncoder.run``) for the token ids
        ``ids`` (one sequence): {} to keep the positions, ``use_positions=False`` to remove them,
        ``position_ids`` to shuffle them: token t gets position inverse[t] of :func:`shuffle_order`,
        i.e. the encoder reads the tokens in that order at positions 0..T-1 (the positional-encoding
        lesson's shuffled run), without moving them."""
        if self.positions == "remove":
            return {"use_positions": False}
        if self.positions == "shuffle":
            order = shuffle_order(tuple(int(i) for i in ids), self.seed)  # (T,) position t reads token order[t]
            return {"position_ids": torch.as_tensor(np.argsort(order), device=device)}  # (T,)
        return {}


class Switched:
    """A Llama as one call runs it with an ablation's switches: its own modules and weights, each
    given its per-call options. It has what ``decoder.run`` reads (cfg, blocks, embed, head) and
    lives for that call only."""

    def __init__(self, model: Llama, ablation: Ablation):
        self.cfg, self.model, self.ablation = model.cfg, model, ablation
        self.blocks = tuple(partial(block, switches=ablation.block_switches(i)) for i, block in enumerate(model.blocks))

    def embed(self, ids: torch.Tensor, positions: torch.Tensor):
        return self.model.embed(ids, positions, rope=self.ablation.rope)

    def head(self, x: torch.Tensor) -> torch.Tensor:
        return self.model.head(x, norm_scale=self.ablation.norm_scale)


def shuffle_order(ids: tuple[int, ...], seed: int) -> np.ndarray:
    """A seeded permutation of the positions that keeps the first and last tokens in place ([CLS] and
    [SEP], e5's <s> and </s>): the first of ``SHUFFLE_DRAWS`` draws that moves every inner position and
    changes the id sequence, else the first that changes it, else the identity (fewer than two inner
    tokens, or all of them equal: nothing can change). Position t of the shuffled sequence holds the
    token from position order[t]. Shared with the positional-encoding lesson."""
    T = len(ids)
    order = np.arange(T)
    inner = T - 2
    if inner < 2:
        return order
    ids_np = np.asarray(ids)
    home = np.arange(1, T - 1)
    g = torch.Generator().manual_seed(limits.SEED.check("seed", seed))
    fallback = None
    for _ in range(SHUFFLE_DRAWS):
        perm = torch.randperm(inner, generator=g).numpy() + 1  # (inner,) source positions for 1 .. T-2
        if (ids_np[perm] == ids_np[home]).all():
            continue  # the same sequence of ids: nothing to see
        if (perm != home).all():
            order[1:-1] = perm
            return order
        fallback = perm if fallback is None else fallback
    if fallback is not None:
        order[1:-1] = fallback
    return order

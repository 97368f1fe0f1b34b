"""The KV cache of a decoder: every layer's keys and values of the tokens seen so far.

Decoding one token at a time, the keys and values of earlier tokens never change (a causal model:
a token's K and V depend only on the tokens before it), so they are computed once and kept. Each
new step then computes K and V for the one new token and attends over the cached ones:

    without a cache, step t runs the whole prefix of t tokens again      O(t) work per step
    with a cache,    step t runs one token, attending over t cached keys  O(1) work (+ O(t) attention)

The price is memory, linear in the length:

    bytes = 2 (K and V) x layers x tokens x kv_heads x head_dim x bytes per number   (x batch)

which is why grouped-query attention (fewer K/V heads than query heads) exists: SmolLM2-135M keeps
3 K/V heads for its 9 query heads, a third of the cache a full multi-head model would need.

The cache is a value, not state: ``KVCache`` is frozen, and the model takes a cache in and
returns the next one (the old one is left as it was). A model shared by every user of the app (in
st.cache_resource) therefore holds nothing of anyone's conversation.
Cost of immutability, stated: each step copies (torch.cat) each layer's tensors, O(length) per step;
Hugging Face's DynamicCache does the same.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class KVCache:
    """keys[i], values[i]: (B, H_kv, S, Dh), layer i's keys (after RoPE) and values of S positions."""

    keys: tuple[torch.Tensor, ...]
    values: tuple[torch.Tensor, ...]

    def __post_init__(self) -> None:
        if len(self.keys) != len(self.values):
            raise ValueError("one key and one value tensor per layer")
        shapes = {tuple(t.shape) for t in (*self.keys, *self.values)}
        if len(shapes) > 1:
            raise ValueError(f"every layer's K and V must have one shape, got {sorted(shapes)}")

    @classmethod
    def empty(cls) -> KVCache:
        """No positions yet: what a first forward starts from (``cache=None`` means the same)."""
        return cls(keys=(), values=())

    @property
    def n_layers(self) -> int:
        return len(self.keys)

    @property
    def length(self) -> int:
        """How many positions are cached (the position the next token will take)."""
        return self.keys[0].shape[-2] if self.keys else 0

    @property
    def nbytes(self) -> int:
        """The memory the tensors hold, measured from the tensors themselves."""
        return sum(t.numel() * t.element_size() for t in (*self.keys, *self.values))

    @classmethod
    def continuing(cls, cache: KVCache | None, n_layers: int, batch: int, new: int, max_positions: int) -> KVCache:
        """The cache a decoder forward of ``new`` tokens continues from (None: an empty one), checked:
        at least one new token, a cache of this model's ``n_layers`` and this ``batch``, and room for
        cached + new positions within ``max_positions``. Raises ValueError otherwise."""
        cache = cache if cache is not None else cls.empty()
        if new < 1:
            raise ValueError("give at least one token")
        if cache.n_layers not in (0, n_layers) or (cache.length and cache.keys[0].shape[0] != batch):
            raise ValueError("the cache belongs to another model or batch")
        if cache.length + new > max_positions:
            raise ValueError(f"{cache.length + new} positions exceed the model's {max_positions} positions")
        return cache

    def layer(self, i: int) -> tuple[torch.Tensor, torch.Tensor] | None:
        """Layer i's (K, V), or None for an empty cache."""
        return (self.keys[i], self.values[i]) if self.keys else None


def kv_cache_bytes(n_layers: int, n_tokens: int, n_kv_heads: int, d_head: int,
                   bytes_per_number: int = 4, batch: int = 1) -> int:
    """2 · layers · n · kv_heads · head_dim · bytes (· batch): the formula, for comparison with ``KVCache.nbytes``.

    SmolLM2-135M in float32, 1,000 tokens: 2 x 30 x 1000 x 3 x 64 x 4 bytes = 46 MB.

    >>> kv_cache_bytes(30, 1000, 3, 64)
    46080000
    """
    for name, v in (("n_layers", n_layers), ("n_tokens", n_tokens), ("n_kv_heads", n_kv_heads), ("d_head", d_head),
                    ("bytes_per_number", bytes_per_number), ("batch", batch)):
        if v < 0:
            raise ValueError(f"{name} must be non-negative, got {v}")
    return 2 * n_layers * n_tokens * n_kv_heads * d_head * bytes_per_number * batch

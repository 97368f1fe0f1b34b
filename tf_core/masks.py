"""Attention masks, with one convention everywhere in tf_core.

Convention: a boolean mask where ``True`` means "this query may attend to this key", exactly as in
``torch.nn.functional.scaled_dot_product_attention``. Masks broadcast against scores of shape
``(B, H, n_q, n_k)``.

Subtle: ``torch.nn.MultiheadAttention`` uses the opposite meaning (``True`` = "blocked"), and many
notes fill blocked scores with -1e9 rather than -inf. Convert at that boundary with
:func:`to_blocked` and never mix the two inside the core.

    >>> causal_mask(3)
    tensor([[ True, False, False],
            [ True,  True, False],
            [ True,  True,  True]])
"""
from __future__ import annotations

import torch


def causal_mask(n_q: int, n_k: int | None = None, device: torch.device | None = None) -> torch.Tensor:
    """Query i may attend to keys 0..i (aligned at the end when ``n_k > n_q``, as with a KV cache).

    Returns a ``(n_q, n_k)`` boolean tensor.
    """
    n_k = n_q if n_k is None else n_k
    if n_q < 0 or n_k < 0:
        raise ValueError("sizes must be non-negative")
    offset = n_k - n_q  # past keys already in the cache are visible to every new query
    return torch.ones(n_q, n_k, dtype=torch.bool, device=device).tril(diagonal=offset)


def padding_mask(lengths: torch.Tensor | list[int], max_len: int | None = None) -> torch.Tensor:
    """Keys at positions ``>= length`` are padding: returns ``(B, 1, 1, max_len)`` booleans.

    The singleton dimensions broadcast over heads and queries: every query of a sequence may attend
    to that sequence's real tokens only.
    """
    lengths = torch.as_tensor(lengths, dtype=torch.long)
    if lengths.ndim != 1:
        raise ValueError("lengths must be 1-D (one length per sequence)")
    if (lengths < 0).any():
        raise ValueError("lengths must be non-negative")
    longest = int(lengths.max()) if lengths.numel() else 0
    max_len = longest if max_len is None else max_len
    if max_len < longest:
        raise ValueError("max_len is shorter than a sequence")
    keep = torch.arange(max_len, device=lengths.device) < lengths[:, None]  # (B, T)
    return keep[:, None, None, :]  # (B, 1, 1, T)


def combine_masks(*masks: torch.Tensor | None) -> torch.Tensor | None:
    """Logical AND of the given masks (``None`` entries are ignored): a key must pass every one."""
    present = [m for m in masks if m is not None]
    if not present:
        return None
    out = present[0]
    for m in present[1:]:
        out = out & m  # broadcasts, e.g. (T, T) & (B, 1, 1, T) -> (B, 1, T, T)
    return out


def to_additive(mask: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """0 where attending is allowed and -inf where it is not (the form added to scores)."""
    zeros = torch.zeros(mask.shape, dtype=dtype, device=mask.device)
    return zeros.masked_fill(~mask, float("-inf"))


def to_blocked(mask: torch.Tensor) -> torch.Tensor:
    """Our mask in ``nn.MultiheadAttention``'s convention, where ``True`` means blocked."""
    return ~mask

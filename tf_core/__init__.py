"""tf_core: the live Transformer core behind Transformer Details Lab.

Plain PyTorch, no Streamlit: every number the app shows is computed here, so it can be tested
without a browser and used from a notebook::

    >>> import torch, tf_core
    >>> q = k = v = torch.randn(1, 2, 5, 8)          # (B, H, T, Dh)
    >>> tf_core.scaled_dot_product_attention(q, k, v).weights.shape
    torch.Size([1, 2, 5, 5])

Names are imported lazily (PEP 562) so that ``import tf_core`` (and ``tf_core.limits``, which the
home page reads) does not pay for importing torch.
"""
from __future__ import annotations

import importlib

# public name -> submodule that defines it
_EXPORTS = {
    "AttentionOutput": "attention",
    "scaled_dot_product_attention": "attention",
    "multi_head_attention": "attention",
    "split_heads": "attention",
    "merge_heads": "attention",
    "causal_mask": "masks",
    "padding_mask": "masks",
    "combine_masks": "masks",
    "to_additive": "masks",
    "to_blocked": "masks",
    "pick_device": "device",
    "get_device": "device",
    "describe": "device",
    "synchronize": "device",
    "time_call": "device",
    "KVCache": "cache",
    "kv_cache_bytes": "cache",
    "limits": None,  # the module itself
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'tf_core' has no attribute {name!r}")
    module_name = _EXPORTS[name]
    if module_name is None:
        return importlib.import_module(f"tf_core.{name}")
    module = importlib.import_module(f"tf_core.{module_name}")
    return getattr(module, name)

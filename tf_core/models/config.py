"""Checks every model config runs at construction (DESIGN: an invalid combination raises there)."""
from __future__ import annotations


def require_positive(cfg: object, *names: str) -> None:
    """ValueError naming the first of ``names`` whose value on ``cfg`` is below 1."""
    for name in names:
        if getattr(cfg, name) < 1:
            raise ValueError(f"{name} must be positive, got {getattr(cfg, name)}")


def require_heads_divide(cfg: object) -> None:
    """ValueError unless ``cfg.n_heads`` divides ``cfg.d_model``: each head works in d_model / n_heads."""
    if cfg.d_model % cfg.n_heads:
        raise ValueError(f"d_model={cfg.d_model} is not divisible by n_heads={cfg.n_heads}")

"""Loading named tensors into a model, every name and shape checked (shared by every model here)."""
from __future__ import annotations

from collections.abc import Callable, Mapping

import torch
from torch import nn


def load_checked(model: nn.Module, state: Mapping[str, torch.Tensor], assign: bool = False) -> nn.Module:
    """Load ``state`` (exactly ``model``'s parameter names and shapes) into its weights, cast to
    their dtypes; ``assign`` takes the tensors themselves instead of copying. Returns it in eval mode."""
    own = model.state_dict()
    missing, extra = sorted(set(own) - set(state)), sorted(set(state) - set(own))
    if missing or extra:
        raise KeyError(f"state dict mismatch: missing {missing[:5]}, unexpected {extra[:5]}")
    for name, tensor in state.items():
        if tuple(tensor.shape) != tuple(own[name].shape):
            raise ValueError(f"{name}: shape {tuple(tensor.shape)}, expected {tuple(own[name].shape)}")
    model.load_state_dict({k: v.to(own[k].dtype) for k, v in state.items()}, strict=True, assign=assign)
    return model.eval()


def build_on_meta(make: Callable[[], nn.Module], state: Mapping[str, torch.Tensor]) -> nn.Module:
    """``make()`` on the meta device (no random initialisation of weights that are about to be
    replaced), then ``state``'s tensors assigned as its weights."""
    with torch.device("meta"):
        model = make()
    return load_checked(model, state, assign=True)

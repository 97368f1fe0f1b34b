"""Loading named tensors into a model, every name and shape checked (shared by every model here)."""
from __future__ import annotations

from collections.abc import Callable, Mapping

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from tf_core.libc import malloc_trim


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


class _SkipInit(TorchFunctionMode):
    """Inside it, ``torch.nn.init``'s functions and the in-place fills they use do nothing to a meta
    tensor. Why: "initialising" a meta tensor runs one of torch's Python decompositions, whose first
    call imports torch._dynamo (and sympy): ~2.6 s of a cold process on 2 cores to build six
    100k-parameter models whose every weight is then replaced anyway. A module built this way must
    also do its own checks on real tensors (tf_core.positional.RelativeBias validates on the CPU)."""

    FILLS = frozenset({torch.Tensor.normal_, torch.Tensor.uniform_, torch.Tensor.fill_, torch.Tensor.zero_})

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        target = args[0] if args else kwargs.get("tensor")
        if (isinstance(target, torch.Tensor) and target.is_meta
                and (func in self.FILLS or getattr(func, "__module__", None) == "torch.nn.init")):
            return target
        return func(*args, **kwargs)


def build_on_meta(make: Callable[[], nn.Module], state: Mapping[str, torch.Tensor]) -> nn.Module:
    """``make()`` on the meta device with initialisation skipped (_SkipInit: no random numbers for
    weights that are about to be replaced), then ``state``'s tensors assigned as its weights."""
    with torch.device("meta"), _SkipInit():
        model = make()
    return load_checked(model, state, assign=True)


def release_free_memory() -> bool:
    """Hand the heap's free pages back to the operating system (glibc's ``malloc_trim(0)``); False
    where there is no glibc. Each real model's loader calls it once it is done.

    Why, measured (benchmarks/memory.py): a load dequantises hundreds of MiB through many
    temporaries of a few MiB each, under glibc's mmap threshold once it has grown, so they come from
    the heap; freed, they leave holes between the weights that glibc keeps for later use instead of
    returning them. SmolLM2's loader, when it built the whole model first and then copied every
    matrix into column-major order, left 424 MiB so (965 MiB resident above the imports for 513 MiB
    of weights; trimmed, 542). It now reads one tensor at a time, which leaves little: trimming
    returns ~20 MiB after SmolLM2 and ~10 after e5. It frees no live object: the model is unchanged."""
    trim = malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True

"""The real models a drill quantity asks for, loaded once per process for a script, a notebook or a test
(the app passes its own per-process caches instead, ui/drill.py)."""
from __future__ import annotations

import functools
from types import SimpleNamespace

KEYS = ("minilm", "e5", "smollm2", "tinygpt")


class LocalModels:
    """``load(key)``: "minilm" and "e5" as TextEncoders; "smollm2" and "tinygpt" with ``.model`` and
    ``.tokenizer``. Each loads the first time it is asked for, on ``device``."""

    def __init__(self, device=None) -> None:
        from tf_core.device import get_device

        self.device = device if device is not None else get_device()

    @functools.cache
    def load(self, key: str):
        """The model of ``key``; tf_core.failures.ModelLoadError when its package or file is missing or damaged."""
        from tf_core.failures import loading

        if key in ("minilm", "e5"):
            from tf_core.models import registry

            with loading(key):
                return registry.load(key, self.device)
        if key == "smollm2":
            from tf_core.models import smollm2

            with loading("smollm2"):
                m = smollm2.load(self.device)
            return SimpleNamespace(model=m.model, tokenizer=m.tokenizer, name=m.name, eos_id=m.eos_id)
        if key == "tinygpt":
            from tf_core.models import checkpoints

            with loading("tiny-gpt"):
                trained = checkpoints.load_gpt(device=self.device)
            return SimpleNamespace(model=trained.model, tokenizer=trained.model.cfg.vocab, name="TinyGPT", eos_id=None)
        raise ValueError(f"unknown model {key!r}: one of {KEYS}")


@functools.cache
def local() -> LocalModels:
    """One LocalModels per process."""
    return LocalModels()

"""The failures a learner cannot fix by moving a slider, told apart from bugs: a model that cannot be
read (its package is not installed, its file is missing or damaged) and a run that ran out of memory.

A loader call goes inside :func:`loading`, which turns whatever the reading raises into one
:class:`ModelLoadError` saying which model, what went wrong and the command that repairs it; the
original exception stays attached as ``__cause__`` for the server log. :func:`out_of_memory` says
whether an exception is the machine running out of memory (Python's MemoryError, or torch's
allocator failing on the CPU or a GPU). The app turns both into a message in the learner's language
(ui/failures.py); a notebook gets the same exceptions with an English message.

No Streamlit and no torch import here: the exceptions are plain data, and torch's out-of-memory type
is looked up only when torch is already loaded.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tf_core.models.catalog import MODELS, ModelUnavailable

PACKAGE, MISSING, DAMAGED = "package", "missing", "damaged"  # what went wrong, ModelLoadError.problem
INSTALL = "bash scripts/install.sh"  # the project's one install script (README): installs what is missing
# The repository's own trained models (tf_core/models/checkpoints.py): folder under assets/models -> the
# model's name. A lost or damaged file is restored from the repository itself.
CHECKPOINTS = {"tiny-gpt": "TinyGPT", "seq2seq-numbers": "Seq2Seq", "positions": "PositionLM"}
# The words in a RuntimeError that mean an allocation failed: torch's CPU allocator ("DefaultCPUAllocator:
# can't allocate memory: you tried to allocate ... bytes"), CUDA and MPS ("... out of memory ...").
_OOM_WORDS = ("out of memory", "can't allocate memory", "could not allocate", "not enough memory",
              "failed to allocate")


class ModelLoadError(RuntimeError):
    """A model could not be read. ``model``: its name (``"SmolLM2-135M-Instruct"``, ``"TinyGPT"``);
    ``problem``: PACKAGE (a package is not installed: ``package`` names it), MISSING (its file is not
    there) or DAMAGED (its file is there but cannot be read); ``fix``: the shell command, run in the
    repository, that repairs it."""

    def __init__(self, model: str, problem: str, fix: str, package: str | None = None):
        if problem not in (PACKAGE, MISSING, DAMAGED):
            raise ValueError(f"problem must be one of {(PACKAGE, MISSING, DAMAGED)}, got {problem!r}")
        self.model, self.problem, self.fix, self.package = model, problem, fix, package
        what = {PACKAGE: f"the package {package} is not installed", MISSING: "its model file is missing",
                DAMAGED: "its model file is damaged or incomplete"}[problem]
        super().__init__(f"{model} cannot be loaded: {what}. To repair it, run `{fix}`.")


def out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` says the machine ran out of memory: MemoryError, torch.OutOfMemoryError (a GPU),
    or a RuntimeError from torch's allocator (the CPU's has no type of its own)."""
    if isinstance(exc, MemoryError):
        return True
    torch = sys.modules.get("torch")
    oom_type = getattr(torch, "OutOfMemoryError", None) if torch is not None else None
    if oom_type is not None and isinstance(exc, oom_type):
        return True
    return isinstance(exc, RuntimeError) and any(w in str(exc).lower() for w in _OOM_WORDS)


def _missing_module(exc: BaseException) -> str | None:
    """The module a failed import could not find, where ``exc`` is (or was raised while handling) one."""
    for e in (exc, exc.__context__, exc.__cause__):
        if isinstance(e, ImportError):
            return e.name or "?"
    return None


def _describe(model: str, exc: Exception) -> ModelLoadError:
    """``exc``, raised while loading ``model`` (a key of catalog.MODELS or of CHECKPOINTS), as a ModelLoadError."""
    if model in MODELS:
        info = MODELS[model]
        name, reinstall = info.name.split("/")[-1], f".venv/bin/python -m pip uninstall -y {info.pip_name} && {INSTALL}"
        if not info.installed():
            return ModelLoadError(name, PACKAGE, INSTALL, package=info.pip_name)
    elif model in CHECKPOINTS:
        name, reinstall = CHECKPOINTS[model], f"git checkout -- assets/models/{model}"
    else:
        raise KeyError(f"unknown model {model!r}; expected one of {sorted(MODELS) + sorted(CHECKPOINTS)}")
    module = _missing_module(exc)
    if module is not None:  # a reader package (gguf, safetensors, tokenizers) is not installed
        return ModelLoadError(name, PACKAGE, INSTALL, package=module.split(".")[0])
    if isinstance(exc, (ModelUnavailable, FileNotFoundError)):
        return ModelLoadError(name, MISSING, reinstall)
    return ModelLoadError(name, DAMAGED, reinstall)


@contextmanager
def loading(model: str) -> Iterator[None]:
    """Run a loader of ``model`` (``"minilm"``, ``"e5"``, ``"smollm2"``, or a folder of CHECKPOINTS) inside
    this: any exception it raises comes out as a :class:`ModelLoadError` (the original as its cause),
    except an out-of-memory one (:func:`out_of_memory`), which passes unchanged. Anything a reader can
    raise on a truncated or overwritten file counts as damage (ValueError, KeyError, OSError,
    struct.error, a safetensors or tokenizers error ...): the server log keeps which it was.
    """
    try:
        yield
    except ModelLoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - every reader's own error type, see the docstring
        if out_of_memory(exc):
            raise
        raise _describe(model, exc) from exc

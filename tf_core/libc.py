"""glibc's ``malloc_trim``, for the two callers that hand free heap pages back to the system: the real
models' loaders (tf_core.models.weights.release_free_memory) and the app server's trimmer thread
(ui/perf.py). No torch here: the app imports this before any lesson does."""
from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def malloc_trim():
    """glibc's ``malloc_trim(pad)``, or None where the C library is not glibc (macOS, musl). Looked up once:
    ``find_library`` runs a subprocess."""
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None

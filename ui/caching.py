"""The app's result caches: ``st.cache_data`` bounded in number and in age.

``st.cache_data`` is shared by every session of the server process and can bound a function's entries
(``max_entries``) and their age (``ttl``), not their bytes. Every cached experiment of the app goes through
:func:`cached`, so each function holds at most its ``max_entries`` results and none older than
``limits.CACHE_SECONDS`` after it was computed: when a class moves on to another lesson, or goes home, the
server gives the memory of its results back instead of holding the last 64 of every lesson until it
restarts. A result asked for again after that is computed again. What the caches hold in total is printed
by ``benchmarks/classroom.py`` (Streamlit's own estimate, ``/_stcore/metrics``, ``cache_memory_bytes``).

What a cached function returns should be what its page draws, not everything the lab computed: the
multi-head lesson keeps the overview image and the selected head's map, not every layer's (app_pages/attention.py).
"""
from __future__ import annotations

import streamlit as st

from tf_core import limits


def cached(max_entries: int):
    """``@cached(n)`` on a page's experiment function: ``st.cache_data`` with at most ``n`` entries, each
    kept ``limits.CACHE_SECONDS`` at most, and no spinner (a page shows its own progress)."""
    return st.cache_data(max_entries=max_entries, ttl=limits.CACHE_SECONDS, show_spinner=False)

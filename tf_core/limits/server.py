"""Bounds of the server as a whole, shared by every learner (the line of long jobs is in decoders.py)."""
from __future__ import annotations

# How long a cached experiment result is kept after it was computed (ui/caching.py, st.cache_data's ttl).
# The caches are shared by every learner of a server; each is bounded in entries, and this bounds their
# age, so a lesson a class has left gives its memory back. A learner coming back later waits for one run.
CACHE_SECONDS = 30 * 60

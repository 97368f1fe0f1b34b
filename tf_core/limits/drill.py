"""Caps of the interview drill (tf_core/drill)."""
from __future__ import annotations

# A progress file the learner loads back: its size (64 KiB holds every card's state and its last
# DRILL_HISTORY answers many times over; a larger file is refused before it is parsed) ...
DRILL_FILE_BYTES = 64 * 1024
# ... and the answers kept per card (older ones are dropped: the schedule needs only the state).
DRILL_HISTORY = 20
# After "again", a card comes back once this many other cards have been dealt in the session.
DRILL_RELEARN_GAP = 3

"""Every cap on user input, as plain data, in one place: this package.

The lab functions enforce these (a notebook user gets the same caps as the app) and the UI shows
them next to the controls they bound. Nothing here imports torch: the home page reads this module.
Raising a cap is a deliberate change: each comment says what the cap protects.

Each cap lives in the module of its page or topic below and is read here as ``limits.NAME``; a new lesson
adds its caps to its topic's module (or a new one, imported at the end of this file).
"""
# ruff: noqa: F401, F403, E402
from __future__ import annotations

from tf_core.limits.ranges import FloatRange, IntRange

# Any lesson's random seed.
SEED = IntRange(0, 9_999, 0)


from tf_core.limits.attention import *
from tf_core.limits.cost import *
from tf_core.limits.encoders import *
from tf_core.limits.decoders import *
from tf_core.limits.training import *
from tf_core.limits.positions import *
from tf_core.limits.drill import *
from tf_core.limits.breakit import *
from tf_core.limits.server import *

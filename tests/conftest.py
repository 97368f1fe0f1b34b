"""Shared test set-up: the repository root on sys.path, and a small thread count for torch."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CORE_DEVICE", "cpu")  # tests run on the CPU; CUDA checks skip themselves

"""Topic page: what attention and a Transformer block cost, measured on the machine serving the page.

Lessons: `complexity` (time and memory of self-attention against n, explicit against PyTorch's fused SDPA,
and multi-head attention as reshapes; app_pages/lessons/complexity.py) and `block-cost` (the time of each
part of a block against n, attention's parameters against the FFN's, and where the attention core's cost
passes the rest, counted and measured; app_pages/lessons/block_cost.py). No model: both time seeded random
tensors. ``?q`` picks one; a switch under the title moves between them and carries n, d, the heads, the
repeats and the seed over.
"""
from __future__ import annotations

from app_pages.lessons import block_cost, complexity
from ui import lesson

PAGE = "cost"
LESSONS = {"complexity": complexity.PARAMS, "block-cost": block_cost.PARAMS}

LESSON, lang, lab = lesson.open_page(PAGE, LESSONS)  # torch loads here, under a spinner


@lesson.fragment
def lesson_body() -> None:
    """Everything below the title; moving a slider reruns only this."""
    {"complexity": complexity.body, "block-cost": block_cost.body}[LESSON](LESSON, lang, lab)


lesson_body()

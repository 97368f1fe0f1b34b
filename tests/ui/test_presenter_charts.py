"""Presenter mode's chart copies: a real Plotly heatmap of the app at projector sizes, the original untouched."""
from __future__ import annotations

import doctest

import numpy as np

from ui import presenter
from ui.charts import positions


def test_doctests():
    assert doctest.testmod(presenter).failed == 0


def _font_sizes(node, parent="", out=None):
    out = [] if out is None else out
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "size" and parent.endswith("font") and isinstance(value, (int, float)):
                out.append(value)
            else:
                _font_sizes(value, key, out)
    elif isinstance(node, list):
        for value in node:
            _font_sizes(value, parent, out)
    return out


def test_a_plotly_heatmap_gets_every_font_larger_and_stays_the_same_figure():
    z = np.linspace(-1, 1, 12).reshape(3, 4)
    fig = positions.matrix_heatmap(z, np.arange(4), np.arange(3), "zh", "pe.axis.dim", "pe.axis.position", "pe.axis.value")
    before = fig.to_dict()
    big = presenter.projector_figure(fig)
    assert fig.to_dict() == before  # the cached figure is not touched
    sizes, big_sizes = _font_sizes(before), _font_sizes(big.to_dict())
    assert sizes and len(big_sizes) == len(sizes)
    assert all(b == round(s * presenter.FONT_SCALE, 1) for s, b in zip(sizes, big_sizes))
    assert big.to_dict()["data"][0]["z"] == before["data"][0]["z"]  # the same cells

"""The one-image overview of every attention head (ui/images.py)."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from ui import images


def random_attention(L=2, H=3, T=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((L, H, T, T))
    return x / x.sum(-1, keepdims=True)


@pytest.mark.parametrize("T, size", [(5, 44), (44, 44), (128, 44), (130, 64), (7, 64)])
def test_resample_keeps_the_mean_weight_and_shape(T, size):
    att = random_attention(T=T)
    out = images.resample(att, size)
    assert out.shape == (2, 3, size, size)
    if T >= size:  # block averages: the mean weight is kept within rounding of uneven blocks
        assert abs(out.mean() - att.mean()) < 0.15 * att.mean()
    else:  # repeated cells: every output value is one of the input's
        assert np.isin(out, att).all()


def test_resample_upsamples_cells_as_whole_squares():
    att = np.arange(4.0).reshape(1, 1, 2, 2)
    out = images.resample(att, 4)[0, 0]
    assert out.tolist() == [[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]]


def test_colour_ramp_ends_and_clipping():
    c = images.colour(np.array([-1.0, 0.0, 1.0, 2.0, np.nan]))
    assert c[1].tolist() == [255, 255, 255] and c[0].tolist() == [255, 255, 255]  # zero (and below) is white
    assert c[2].tolist() == images.BLUES[-1].tolist() == c[3].tolist()  # one (and above) is the darkest blue
    assert c[4].tolist() == [255, 255, 255]
    mid = images.colour(np.array([0.25, 0.5]))
    assert mid[0].sum() > mid[1].sum()  # more weight, darker


def test_grid_has_a_tile_per_head_and_frames_the_chosen_one():
    L, H, T = 2, 3, 5
    att = np.zeros((L, H, T, T))
    att[1, 2] = np.eye(T)  # one head attends to itself: a dark diagonal in the bottom-right tile
    img = images.head_grid(att, selected=(0, 1))
    size, gap = images.tile_size(L), images.GAP
    assert img.size == (40 + H * (size + gap), 24 + L * (size + gap))
    px = np.asarray(img)
    y0, x0 = 24 + 1 * (size + gap), 40 + 2 * (size + gap)
    diag = px[y0 + size // (2 * T), x0 + size // (2 * T)]  # centre of the first cell of that tile
    assert diag.tolist() == images.BLUES[-1].tolist()
    assert px[y0 + size // (2 * T), x0 + size - 2].tolist() == [255, 255, 255]  # off-diagonal: white
    frame = px[24 - 3, 40 + (size + gap) + size // 2]  # the top edge of the chosen tile's frame
    assert tuple(frame.tolist()) == images.HIGHLIGHT
    png = images.png(img)
    assert Image.open(io.BytesIO(png)).size == img.size

"""Figures drawn as one image: every attention head of a model at once.

A layers x heads grid of T x T maps is 72 to 144 heatmaps: as charts (one Plotly figure per head,
or tens of thousands of Vega rects) it would take seconds to draw on every edit. As one PNG it is
a few ms to build on the server and one image for the browser. Exact values are in the charts
beside it (one head in detail, with hover), not in this overview.

The image carries only numbers (layer and head indices), never the learner's text.
"""
from __future__ import annotations

import functools
import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

# ColorBrewer "Blues" (white -> dark blue): zero weight is the page's own white.
BLUES = np.array([[255, 255, 255], [222, 235, 247], [198, 219, 239], [158, 202, 225], [107, 174, 214],
                  [66, 146, 198], [33, 113, 181], [8, 81, 156], [8, 48, 107]], dtype=np.float64)
HIGHLIGHT = (230, 159, 0)  # Okabe-Ito orange: the head shown in detail
GAP = 4
LABEL_FONT = 14


@functools.cache
def _ramp(gamma: float) -> np.ndarray:
    """(1024, 3) uint8: the Blues ramp at ``value ** gamma`` for 1024 evenly spaced values in [0, 1]."""
    v = np.linspace(0.0, 1.0, 1024) ** gamma
    pos = v * (len(BLUES) - 1)
    lo = np.floor(pos).astype(int).clip(0, len(BLUES) - 2)
    frac = (pos - lo)[:, None]
    ramp = np.rint(BLUES[lo] * (1 - frac) + BLUES[lo + 1] * frac).astype(np.uint8)
    ramp.flags.writeable = False
    return ramp


def colour(values: np.ndarray, gamma: float = 0.5) -> np.ndarray:
    """Values in [0, 1] -> RGB uint8 on the Blues ramp, ``value ** gamma`` (gamma 0.5 makes a
    diffuse head, weights ~1/T, visible next to a head that puts ~1 on one token). A lookup in a
    1024-step table (finer than the eye can tell): ~1 ms for 72 tiles, where computing the ramp
    per pixel took ~27 ms."""
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float32)), 0.0, 1.0)
    return _ramp(gamma)[np.rint(v * 1023).astype(np.intp)]


def resample(maps: np.ndarray, size: int) -> np.ndarray:
    """(..., T, T) -> (..., size, size). Larger maps are averaged over blocks of rows/columns (no
    weight is dropped); smaller ones are repeated (each cell stays a crisp square)."""
    T = maps.shape[-1]
    if T == size:
        return maps
    if T < size:
        idx = (np.arange(size) * T) // size
        return maps[..., idx, :][..., idx]
    edges = (np.arange(size + 1) * T) // size
    counts = np.diff(edges).astype(np.float64)
    rows = np.add.reduceat(maps, edges[:-1], axis=-2) / counts[:, None]
    return np.add.reduceat(rows, edges[:-1], axis=-1) / counts


@functools.cache
def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def tile_size(n_layers: int) -> int:
    """Smaller tiles for deeper models, so that 12 layers still fit a laptop screen."""
    return 64 if n_layers <= 6 else 44


LEFT, TOP = 40, 24  # room for the layer labels (left) and the head labels (top)


@functools.cache
def _base(L: int, H: int, layer_label: str, head_label: str) -> np.ndarray:
    """The grid without its tiles: white canvas, labels and a thin frame around each tile (so that
    a white-ish tile still reads as a tile). Drawn once per shape; every figure copies it."""
    size = tile_size(L)
    step = size + GAP
    img = Image.new("RGB", (LEFT + H * step, TOP + L * step), "white")
    draw = ImageDraw.Draw(img)
    font, grey = _font(LABEL_FONT), (90, 90, 90)
    for head in range(H):
        draw.text((LEFT + head * step + size / 2, TOP / 2), f"{head_label}{head}", fill=grey, font=font, anchor="mm")
    for layer in range(L):
        draw.text((LEFT - 6, TOP + layer * step + size / 2), f"{layer_label}{layer}", fill=grey, font=font,
                  anchor="rm")
        for head in range(H):
            x, y = LEFT + head * step, TOP + layer * step
            draw.rectangle((x - 1, y - 1, x + size, y + size), outline=(215, 215, 215), width=1)
    canvas = np.asarray(img).copy()
    canvas.flags.writeable = False  # shared by every call: copied before drawing on it
    return canvas


def head_grid(att: np.ndarray, selected: tuple[int, int] | None = None, layer_label: str = "L",
              head_label: str = "H") -> Image.Image:
    """(L, H, T, T) attention weights -> one image: a row per layer, a column per head, each tile
    that head's map (query rows down, key columns across), with ``selected`` (layer, head) framed."""
    L, H, T, _ = att.shape
    size = tile_size(L)
    step = size + GAP
    canvas = _base(L, H, layer_label, head_label).copy()
    tiles = colour(resample(np.asarray(att, dtype=np.float64), size))  # (L, H, size, size, 3)
    grid = canvas[TOP:TOP + L * step, LEFT:LEFT + H * step].reshape(L, step, H, step, 3)
    grid[:, :size, :, :size] = tiles.transpose(0, 2, 1, 3, 4)  # every tile in one assignment (a view)
    if selected is not None:  # a 3-pixel frame just outside the chosen tile
        layer, head = selected
        x, y = LEFT + head * step, TOP + layer * step
        y0, y1, x0, x1 = y - 3, y + size + 3, x - 3, x + size + 3
        for ys, xs in ((slice(y0, y0 + 3), slice(x0, x1)), (slice(y1 - 3, y1), slice(x0, x1)),
                       (slice(y0, y1), slice(x0, x0 + 3)), (slice(y0, y1), slice(x1 - 3, x1))):
            canvas[ys, xs] = HIGHLIGHT
    return Image.fromarray(canvas)


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)  # fast; these images are a few hundred kB at most
    return buf.getvalue()

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


def colour(values: np.ndarray, gamma: float = 0.5) -> np.ndarray:
    """Values in [0, 1] -> RGB uint8 on the Blues ramp, ``value ** gamma`` (gamma 0.5 makes a
    diffuse head, weights ~1/T, visible next to a head that puts ~1 on one token)."""
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float64)), 0.0, 1.0) ** gamma
    pos = v * (len(BLUES) - 1)
    lo = np.floor(pos).astype(int).clip(0, len(BLUES) - 2)
    frac = (pos - lo)[..., None]
    return np.rint(BLUES[lo] * (1 - frac) + BLUES[lo + 1] * frac).astype(np.uint8)


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


def head_grid(att: np.ndarray, selected: tuple[int, int] | None = None, layer_label: str = "L",
              head_label: str = "H") -> Image.Image:
    """(L, H, T, T) attention weights -> one image: a row per layer, a column per head, each tile
    that head's map (query rows down, key columns across), with ``selected`` (layer, head) framed."""
    L, H, T, _ = att.shape
    size = tile_size(L)
    font = _font(LABEL_FONT)
    left, top = 40, 24
    width, height = left + H * (size + GAP), top + L * (size + GAP)
    canvas = np.full((height, width, 3), 255, dtype=np.uint8)
    tiles = colour(resample(np.asarray(att, dtype=np.float64), size))  # (L, H, size, size, 3)
    for layer in range(L):
        y = top + layer * (size + GAP)
        for head in range(H):
            x = left + head * (size + GAP)
            canvas[y:y + size, x:x + size] = tiles[layer, head]
    img = Image.fromarray(canvas)
    draw = ImageDraw.Draw(img)
    grey = (90, 90, 90)
    for head in range(H):
        draw.text((left + head * (size + GAP) + size / 2, top / 2), f"{head_label}{head}", fill=grey, font=font,
                  anchor="mm")
    for layer in range(L):
        draw.text((left - 6, top + layer * (size + GAP) + size / 2), f"{layer_label}{layer}", fill=grey, font=font,
                  anchor="rm")
    for layer in range(L):  # a thin frame around each tile: white-ish tiles stay visible as tiles
        for head in range(H):
            x, y = left + head * (size + GAP), top + layer * (size + GAP)
            draw.rectangle((x - 1, y - 1, x + size, y + size), outline=(215, 215, 215), width=1)
    if selected is not None:
        layer, head = selected
        x, y = left + head * (size + GAP), top + layer * (size + GAP)
        draw.rectangle((x - 3, y - 3, x + size + 2, y + size + 2), outline=HIGHLIGHT, width=3)
    return img


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)  # fast; these images are a few hundred kB at most
    return buf.getvalue()

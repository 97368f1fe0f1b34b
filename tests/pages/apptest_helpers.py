"""Helpers for Streamlit AppTest runs of the whole app (app.py with its navigation)."""
from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")

TIMEOUT = 120  # a cold torch import on a 2-core CI machine takes several seconds
_COMPONENTS = None


def _component_registry():
    """One registry of Streamlit's v2 components for every AppTest of the process.

    Each new AppTest (streamlit 1.67) scans the metadata of every installed distribution for component
    manifests on its first run: ~0.27 s on 2 cores, for none (the app uses no custom component), and
    the suite opens the app hundreds of times. The installed packages do not change during a run, so the
    scan's result is shared (the AppTest's own attribute, which its run fills when it is empty)."""
    global _COMPONENTS
    if _COMPONENTS is None:
        from streamlit.components.v2.component_manager import BidiComponentManager

        _COMPONENTS = BidiComponentManager()
        _COMPONENTS.discover_and_register_components(start_file_watching=False)
    return _COMPONENTS


def open_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if hasattr(at, "_bidi_component_manager"):  # (without it, each run scans as before)
        at._bidi_component_manager = _component_registry()
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at


def exceptions(at: AppTest) -> list[str]:
    return [e.value for e in at.exception]


def plotly_figures(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def vega_charts(at: AppTest) -> list:
    return list(at.get("vega_lite_chart"))


def vega_frames(at: AppTest) -> list[tuple[dict, "pandas.DataFrame"]]:  # noqa: F821
    """Every Vega-Lite chart on the page as (spec, the data it draws)."""
    import pyarrow as pa

    out = []
    for el in vega_charts(at):
        data = el.proto.data.data
        frame = pa.ipc.open_stream(data).read_pandas() if data else None
        out.append((json.loads(el.proto.spec), frame))
    return out


def open_expanders(at: AppTest, *keys: str) -> AppTest:
    """Open the lazy expanders (``st.expander(key=..., on_change="rerun")``) with these keys."""
    for key in keys:
        at.session_state[key] = True
    return at.run()


def page_text(at: AppTest) -> str:
    """Every markdown, caption, title and notice on the page, joined (for 'did it change' checks)."""
    parts = []
    for kind in ("title", "markdown", "caption", "info", "warning", "subheader"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [el.proto.label for el in at.get("page_link")]
    return "\n".join(parts)


def assert_healthy(at: AppTest, qid: str, lang: str, n_charts: int | None = None, *,
                   absent: tuple[str, ...] = ()) -> list[tuple[dict, "pandas.DataFrame"]]:  # noqa: F821
    """The checks every lesson's AppTest shares, each failing with a message that names the lesson:
    no exception on the page (its type and message shown), the lesson ``qid``'s title in ``lang``
    (from the curriculum), no card ``{{placeholder}}`` left unfilled, every Plotly figure with data,
    every Vega-Lite chart drawing rows of data, and (``n_charts``, when given) how many charts there are;
    the strings in ``absent`` (a hostile prompt's ``<script>``) appear neither in the page text nor
    in a chart's spec. Returns the charts as :func:`vega_frames` gives them, for the page's own
    checks (``frames = assert_healthy(at, QID, lang, 4)``)."""
    from ui.curriculum import load
    from ui.qa import PLACEHOLDER

    errors = [f"{e.proto.type}: {e.value}" for e in at.exception]
    assert not errors, f"{qid} ({lang}): exception on the page: {errors}"
    title = load().get(qid).title(lang)
    shown = at.title[0].value if len(at.title) else None
    assert shown == title, f"{qid} ({lang}): title {shown!r}, expected {title!r}"
    text = page_text(at)
    unfilled = PLACEHOLDER.findall(text)
    assert not unfilled, f"{qid} ({lang}): unfilled placeholders {sorted(set(unfilled))}"
    for fig in plotly_figures(at):  # a Plotly figure (the positions page's zoomable matrices) has data, and no absent string
        assert fig.get("data"), f"{qid} ({lang}): an empty Plotly figure"
        assert all(s not in str(fig) for s in absent), f"{qid} ({lang}): {absent} in a Plotly figure"
    frames = vega_frames(at)
    if n_charts is not None:
        assert len(frames) == n_charts, f"{qid} ({lang}): {len(frames)} charts, expected {n_charts}"
    empty = [spec.get("title", i) for i, (spec, frame) in enumerate(frames) if frame is None or not len(frame)]
    assert not empty, f"{qid} ({lang}): charts without data: {empty}"
    for s in absent:
        assert s not in text and all(s not in str(spec) for spec, _ in frames), f"{qid} ({lang}): {s!r} on the page"
    return frames


def image_size(frame) -> tuple[int, int]:
    """(width, height) in pixels of the PNG of a matrix image chart's data (ui.charts.positions.matrix_image:
    one pixel per cell)."""
    import base64
    import io

    from PIL import Image

    url = frame.url[frame.url != ""].iloc[0]
    assert url.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).size

"""Helpers for Streamlit AppTest runs of the whole app (app.py with its navigation)."""
from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")

TIMEOUT = 120  # a cold torch import on a 2-core CI machine takes several seconds


def open_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
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

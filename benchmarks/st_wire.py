"""A Streamlit client that talks to a server the way the browser's frontend does, over its websocket.

benchmarks/classroom.py uses it to play many learners from one process: a browser per learner would
cost more CPU than the server it is meant to load. What a learner's browser sends and receives is
copied here from the installed Streamlit 1.67 (its server in streamlit/web/server/starlette/
starlette_websocket.py and streamlit/runtime/app_session.py; its frontend bundle in
streamlit/static), not from the app, so the server cannot tell this client from a browser except by
what it does not do: draw, fetch the static files, keep a cache of messages (so the server sends every
message whole), or hold the XSRF cookie a browser gets with the page (so ui/jobs.py, which names a heavy
job's owner by that cookie, names it by the session instead: one learner per session, as here). The
socket library is ``websockets``, installed with Streamlit (its server depends on it).

* the socket is ``ws://host/_stcore/stream``; the frontend offers the subprotocols
  ``streamlit, <xsrf token or PLACEHOLDER_AUTH_TOKEN>[, <last session id>]``: the server picks the
  first and reads the others as tokens (none are needed without authentication);
* every message is a binary protobuf: BackMsg from the client, ForwardMsg from the server;
* a page is opened with BackMsg.rerun_script: the query string without "?", and either the page's
  url path in ``page_name`` (a first visit) or its ``page_script_hash`` (a move inside the app);
* a widget change is another rerun_script carrying the state of *every* widget the frontend holds
  (WidgetStateManager.createWidgetStatesMsg), the changed one included, with ``fragment_id`` set when
  the widget lives in an st.fragment (then only that fragment reruns), and the current query string;
* the server answers with new_session (a run started), deltas (elements and blocks, each with its
  fragment id and the script that made it), page_info_changed (the app rewrote the query string),
  navigation (the pages and the one being shown) and script_finished (the run ended; its status
  tells a full run from a fragment run and from a run cut short by a rerun).

Pure parts (no socket): :class:`WidgetBook`, which keeps each widget's value as the frontend's
widget manager does, and the helpers that read query strings and the metrics text.
"""
from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetStates

STREAM_PATH = "/_stcore/stream"
# The frontend's own offer when there is no XSRF cookie and no earlier session to resume.
SUBPROTOCOLS = ("streamlit", "PLACEHOLDER_AUTH_TOKEN")
GENERATED_ID_PREFIX = "$$ID-"

# The statuses of ForwardMsg.script_finished that end what the page shows; FINISHED_EARLY_FOR_RERUN
# only says another run took over, so a client keeps waiting for that one.
DONE_STATUSES = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "full run",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment run",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error",
}

# Element types that are widgets the frontend keeps a value for (buttons only send a one-shot trigger
# when clicked, so they hold none).
VALUE_WIDGETS = ("slider", "number_input", "checkbox", "radio", "selectbox", "text_input", "text_area",
                 "button_group")
TRIGGER_WIDGETS = ("button", "download_button", "link_button", "page_link", "menu_button")


def user_key(widget_id: str) -> str | None:
    """The key the app gave a widget, read from its id (``$$ID-<hash>-<key>``); None without one.

    >>> user_key("$$ID-165f0f93e6af6ff016cbcf4d0c8ca293-scaling.dk")
    'scaling.dk'
    >>> user_key("$$ID-165f0f93e6af6ff016cbcf4d0c8ca293-None") is None
    True
    """
    if not widget_id.startswith(GENERATED_ID_PREFIX):
        return None
    rest = widget_id[len(GENERATED_ID_PREFIX):]
    _, _, key = rest.partition("-")
    return None if key in ("", "None") else key


def query_dict(query_string: str) -> dict[str, str]:
    """A query string (without "?") as a dict, the last value of a repeated name winning."""
    return dict(parse_qsl(query_string, keep_blank_values=True))


def same_value(url_text: str | None, value) -> bool:
    """Whether a value the app wrote into the URL is ``value`` (numbers compared as numbers: the app
    writes 0.5 as "0.5" and 3.0 as "3"; an option's text that reads as a number counts as that number).

    >>> same_value("3", 3.0), same_value("10000", "10,000"), same_value("a b", "a b"), same_value("4", 5)
    (True, True, True, False)
    """
    if url_text is None:
        return False
    if isinstance(value, str):  # an option's text ("0.25", "10,000") against the number the app wrote
        try:
            value = float(value.replace(",", ""))
        except ValueError:
            return url_text == value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return math.isclose(float(url_text), float(value), rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            return False
    return url_text == str(value)


def parse_metric(metrics_text: str, family: str) -> list[tuple[dict[str, str], float]]:
    """The samples of one family of Streamlit's /_stcore/metrics (OpenMetrics text): (labels, value) each.

    >>> parse_metric('cache_memory_bytes{cache_type="st_cache_data",cache="a.run"} 2048\\n# EOF', "cache_memory_bytes")
    [({'cache_type': 'st_cache_data', 'cache': 'a.run'}, 2048.0)]
    """
    out = []
    for line in metrics_text.splitlines():
        if not line.startswith(family) or "{" not in line:
            continue
        head, _, value = line.rpartition(" ")
        pairs = (part.split("=", 1) for part in head[head.index("{") + 1: head.rindex("}")].split(",") if "=" in part)
        out.append(({k.strip(): v.strip().strip('"') for k, v in pairs}, float(value)))
    return out


def parse_cache_lookups(metrics_text: str) -> dict[tuple[str, str], dict[str, float]]:
    """``cache_lookups`` of Streamlit's /_stcore/metrics as {(cache type, function): {"hit": n, "miss": n}}.

    >>> parse_cache_lookups('cache_lookups_total{cache_type="st_cache_data",cache="a.run",result="hit"} 3\\n')
    {('st_cache_data', 'a.run'): {'hit': 3.0}}
    """
    out: dict[tuple[str, str], dict[str, float]] = {}
    for labels, value in parse_metric(metrics_text, "cache_lookups"):
        key = (labels.get("cache_type", "?"), labels.get("cache", "?"))
        out.setdefault(key, {})[labels.get("result", "?")] = value
    return out


# --- the widget book ---------------------------------------------------------------------------------
@dataclass
class Widget:
    """One widget as the client knows it: its kind, the last proto the server sent, where it lives, and
    the value the client will report for it (in the form it goes on the wire)."""

    id: str
    kind: str  # the element's oneof name ("slider", "number_input", ...) or "expander"
    proto: object
    fragment_id: str
    script_hash: str
    value: object = None

    @property
    def key(self) -> str | None:
        return user_key(self.id)

    @property
    def is_select_slider(self) -> bool:
        return self.kind == "slider" and self.proto.type == Slider.SELECT_SLIDER

    def choices(self) -> list | None:
        """Every value the widget offers, in wire form, when that is a short list (select sliders,
        radios, selectboxes); None for ranges and free text."""
        if self.is_select_slider:
            return [[o] for o in self.proto.options]
        if self.kind in ("radio", "selectbox"):
            return list(self.proto.options)
        return None

    def bounds(self) -> tuple[float, float, float] | None:
        """(min, max, step) of a numeric slider or number input (None when it has no such range)."""
        p = self.proto
        if self.kind == "slider" and not self.is_select_slider:
            return p.min, p.max, p.step or 1
        if self.kind == "number_input" and p.has_min and p.has_max:
            return p.min, p.max, p.step or 1
        return None

    def app_value(self):
        """The value as the app reads it (a number, an option's text, a bool ...)."""
        v = self.value
        if self.kind == "slider":
            return (v[0] if len(v) == 1 else tuple(v)) if v is not None else None
        return v

    def to_wire(self, app_value):
        """``app_value`` (a number for a slider or number input, an option's text for a select slider,
        radio or selectbox) in the form this widget's state carries it."""
        if self.kind == "slider":
            if self.is_select_slider:
                return [str(app_value)] if not isinstance(app_value, list) else app_value
            return [float(app_value)]
        if self.kind == "number_input":
            return int(app_value) if self.proto.data_type == NumberInput.INT else float(app_value)
        return app_value


def _initial_value(kind: str, p):
    """The value the frontend shows for a widget the server just sent: the one the script set
    (``set_value``), else the widget's default. Mirrors each frontend widget's getCurrStateFromProto /
    getDefaultStateFromProto."""
    if kind == "slider":
        if p.type == Slider.SELECT_SLIDER:
            if p.set_value and len(p.raw_value):
                return list(p.raw_value)
            return [p.options[int(i)] for i in p.default if 0 <= int(i) < len(p.options)]
        return list(p.value) if p.set_value else list(p.default)
    if kind == "number_input":
        v = p.value if p.set_value else p.default
        return int(v) if p.data_type == NumberInput.INT else float(v)
    if kind == "checkbox":
        return p.value if p.set_value else p.default
    if kind in ("radio", "selectbox"):
        if p.set_value and p.raw_value:
            return p.raw_value
        return p.options[p.default] if 0 <= p.default < len(p.options) else None
    if kind in ("text_input", "text_area"):
        return p.value if p.set_value else p.default
    if kind == "button_group":
        if p.set_value:
            return list(p.raw_values)
        labels = [f"{o.content_icon} {o.content}".strip() if o.content_icon else o.content for o in p.options]
        return [labels[i] for i in p.default if 0 <= i < len(labels)]
    raise KeyError(kind)


def _write(state, kind: str, p, value) -> bool:
    """Fill WidgetState ``state`` with ``value`` the way the frontend's widget sends it; False when the
    widget has no value to send (a cleared selectbox)."""
    if value is None:
        return False
    if kind == "slider":
        if p.type == Slider.SELECT_SLIDER:
            state.string_array_value.data.extend(value)
        else:
            state.double_array_value.data.extend(float(v) for v in value)
    elif kind == "number_input":
        if p.data_type == NumberInput.INT:
            state.int_value = int(value)
        else:
            state.double_value = float(value)
    elif kind in ("checkbox", "expander", "popover"):
        state.bool_value = bool(value)
    elif kind in ("radio", "selectbox", "text_input", "text_area"):
        state.string_value = value
    elif kind == "button_group":
        state.string_array_value.data.extend(value)
    else:
        return False
    return True


class WidgetBook:
    """The client's copy of the frontend's widget states: each widget seen, its current value, which
    fragment and which script (the main script or a page) drew it.

    Rules copied from the frontend: a widget seen for the first time takes the value the server gave
    it; later deltas for the same id leave the client's value alone unless the script set a value
    (``set_value``); an expander or popover with an id (a stateful one) reports whether it is open;
    at the end of a full run the widgets it did not draw are forgotten, at the end of a fragment run
    only those of that fragment that it did not draw; on a move to another page only the main
    script's widgets are kept.
    """

    def __init__(self) -> None:
        self.widgets: dict[str, Widget] = {}
        self._drawn: set[str] = set()
        self.unknown: set[str] = set()  # widget kinds with an id that the client cannot state

    def saw_delta(self, msg: ForwardMsg) -> None:
        """Record what a delta ForwardMsg says about widgets."""
        d = msg.delta
        kind = d.WhichOneof("type")
        script = msg.metadata.active_script_hash
        if kind == "new_element":
            el_kind = d.new_element.WhichOneof("type")
            if el_kind in VALUE_WIDGETS:
                p = getattr(d.new_element, el_kind)
                self._saw(p.id, el_kind, p, d.fragment_id, script, _initial_value(el_kind, p),
                          forced=bool(getattr(p, "set_value", False)))
            elif el_kind in TRIGGER_WIDGETS:
                return
            elif el_kind and hasattr(getattr(d.new_element, el_kind), "id"):
                wid = getattr(d.new_element, el_kind).id
                if wid:
                    self.unknown.add(el_kind)
        elif kind == "add_block":
            b = d.add_block
            b_kind = b.WhichOneof("type")
            if b_kind == "expandable" and b.expandable.id:
                old = self.widgets.get(b.expandable.id)
                # The frontend writes the proto's state each time it differs from the last one drawn.
                changed = old is None or old.proto.expanded != b.expandable.expanded
                self._saw(b.expandable.id, "expander", b.expandable, d.fragment_id, script,
                          b.expandable.expanded, forced=changed)
            elif b_kind == "popover" and b.popover.id:
                old = self.widgets.get(b.popover.id)
                changed = old is None or old.proto.open != b.popover.open
                self._saw(b.popover.id, "popover", b.popover, d.fragment_id, script, b.popover.open, forced=changed)
            elif b_kind == "tab_container" and b.tab_container.id:
                self.unknown.add("tab_container")

    def _saw(self, wid: str, kind: str, proto, fragment_id: str, script: str, value, forced: bool) -> None:
        if not wid:
            return
        copy = type(proto)()
        copy.CopyFrom(proto)
        old = self.widgets.get(wid)
        keep = old is not None and old.kind == kind and not forced
        self.widgets[wid] = Widget(wid, kind, copy, fragment_id, script, old.value if keep else value)
        self._drawn.add(wid)

    def run_started(self) -> None:
        self._drawn = set()

    def run_finished(self, fragment_id: str | None) -> None:
        """Forget the widgets this run made inactive: after a full run (``fragment_id`` None) every
        widget it did not draw; after a run of fragment ``fragment_id`` the ones of that fragment only."""
        for wid, w in list(self.widgets.items()):
            if wid in self._drawn:
                continue
            if fragment_id is None or w.fragment_id == fragment_id:
                del self.widgets[wid]

    def keep_only_script(self, script_hash: str) -> None:
        """A move to another page: the page's widgets go, the main script's stay."""
        for wid, w in list(self.widgets.items()):
            if w.script_hash != script_hash:
                del self.widgets[wid]

    def by_key(self, key: str) -> Widget | None:
        for w in self.widgets.values():
            if w.key == key:
                return w
        return None

    def states(self) -> WidgetStates:
        """WidgetStates with every widget that holds a value, as the frontend sends on a change."""
        out = WidgetStates()
        for w in self.widgets.values():
            state = out.widgets.add()
            state.id = w.id
            if not _write(state, w.kind, w.proto, w.value):
                del out.widgets[-1]
        return out


# --- a session over the socket --------------------------------------------------------------------------
@dataclass
class Run:
    """What one request (a page opened, a widget changed) brought back."""

    sent: float  # time.perf_counter() when the BackMsg left
    started: float | None = None  # first new_session after it
    finished: float | None = None  # the script_finished that ended it (not a FINISHED_EARLY_FOR_RERUN)
    status: str | None = None
    deltas: int = 0
    bytes: int = 0
    exceptions: list[str] = field(default_factory=list)
    alerts: list[tuple[float, str, int]] = field(default_factory=list)  # (time, body, Alert.Format)
    progress: list[float] = field(default_factory=list)  # times of st.progress elements
    query_string: str | None = None  # the last page_info_changed during the run
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def seconds(self) -> float:
        return (self.finished - self.sent) if self.finished is not None else math.nan


class Session:
    """One browser tab's worth of Streamlit session over one websocket.

    ``open`` and ``move`` load a page, ``change`` sets one widget; each waits for the run it caused to
    end and returns its :class:`Run` (see ``_send`` for the ways it can end). One request at a time, as
    a learner who waits for the page.
    """

    def __init__(self, host: str, port: int, *, locale: str = "en-US", timezone: str = "UTC"):
        self.host, self.port = host, port
        self.origin = f"http://{host}:{port}"
        self.locale, self.timezone = locale, timezone
        self.book = WidgetBook()
        self.ws = None
        self.session_id: str | None = None
        self.main_script_hash = ""
        self.page_script_hash = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.query_string = ""
        self.closed_reason: str | None = None
        self._run: Run | None = None
        self._fragment: str | None = None  # the fragment the current run asked for, None for a full run
        self._reader: asyncio.Task | None = None

    async def connect(self, timeout: float = 30.0) -> None:
        import websockets

        self.ws = await asyncio.wait_for(websockets.connect(
            f"ws://{self.host}:{self.port}{STREAM_PATH}", subprotocols=list(SUBPROTOCOLS), origin=self.origin,
            max_size=None, compression=None, open_timeout=timeout, ping_interval=None,
        ), timeout)
        if self.ws.subprotocol != SUBPROTOCOLS[0]:
            raise RuntimeError(f"server chose subprotocol {self.ws.subprotocol!r}")
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass

    # requests -----------------------------------------------------------------------------------
    async def open(self, url_path: str, query_string: str, timeout: float) -> Run:
        """The first page of a tab: ``/url_path?query_string`` typed into the address bar."""
        msg = self._rerun(query_string)
        msg.rerun_script.page_name = url_path
        self.query_string = query_string
        return await self._send(msg, None, timeout)

    async def move(self, url_path: str, query_string: str, timeout: float) -> Run:
        """Another page of the app in the same tab (a link inside the app with its query string)."""
        if url_path not in self.pages:
            raise KeyError(f"no page {url_path!r} in the navigation ({sorted(self.pages)})")
        self.book.keep_only_script(self.main_script_hash)
        msg = self._rerun(query_string)
        msg.rerun_script.page_script_hash = self.pages[url_path]
        self.query_string = query_string
        return await self._send(msg, None, timeout)

    async def change(self, key: str, app_value, timeout: float) -> Run:
        """Set the widget keyed ``key`` to ``app_value`` and send every widget's state."""
        w = self.book.by_key(key)
        if w is None:
            raise KeyError(f"no widget keyed {key!r} on the page")
        w.value = w.to_wire(app_value)
        msg = self._rerun(self.query_string)
        msg.rerun_script.page_script_hash = self.page_script_hash
        msg.rerun_script.widget_states.CopyFrom(self.book.states())
        if w.fragment_id:
            msg.rerun_script.fragment_id = w.fragment_id
        return await self._send(msg, w.fragment_id or None, timeout)

    def _rerun(self, query_string: str) -> BackMsg:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = query_string
        cs.context_info.timezone = self.timezone
        cs.context_info.timezone_offset = 0
        cs.context_info.locale = self.locale
        cs.context_info.is_embedded = False
        cs.context_info.color_scheme = "light"
        return msg

    async def _send(self, msg: BackMsg, fragment: str | None, timeout: float) -> Run:
        """Send ``msg`` and wait for the run it causes. The Run comes back however that ends: its status
        is then "timeout" (nothing ended it within ``timeout`` seconds) or "closed" (the socket went),
        and what arrived meanwhile (alerts, progress bars) is still in it."""
        run = Run(sent=time.perf_counter())
        if self.closed_reason is not None:
            run.status = "closed"
            return run
        self._run, self._fragment = run, fragment
        try:
            await self.ws.send(msg.SerializeToString())
            await asyncio.wait_for(run.done.wait(), timeout)
        except asyncio.TimeoutError:
            run.status = "timeout"
        except Exception as e:  # the socket broke while sending
            self.closed_reason = self.closed_reason or f"{type(e).__name__}: {e}"
        finally:
            self._run = None
        if run.finished is None and run.status is None:  # woken by a closed socket
            run.status = "closed"
        return run

    # the reader ------------------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for data in self.ws:
                self._handle(data, time.perf_counter())
            self.closed_reason = f"closed by the server (code {self.ws.close_code})"
        except Exception as e:  # a broken socket ends the session like a close
            self.closed_reason = f"{type(e).__name__}: {e}"
        finally:
            if self._run is not None:
                self._run.done.set()

    def _handle(self, data: bytes, now: float) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        run = self._run
        if run is not None:
            run.bytes += len(data)
        if kind == "delta":
            self.book.saw_delta(msg)
            if run is None:
                return
            run.deltas += 1
            d = msg.delta
            if d.WhichOneof("type") == "new_element":
                el = d.new_element
                el_kind = el.WhichOneof("type")
                if el_kind == "exception":
                    run.exceptions.append(f"{el.exception.type}: {el.exception.message}"[:300])
                elif el_kind == "alert":
                    run.alerts.append((now, el.alert.body, el.alert.format))
                elif el_kind == "progress":
                    run.progress.append(now)
        elif kind == "new_session":
            ns = msg.new_session
            self.main_script_hash = ns.main_script_hash or self.main_script_hash
            if ns.initialize.session_id:
                self.session_id = ns.initialize.session_id
            self.book.run_started()
            if run is not None and run.started is None:
                run.started = now
        elif kind == "navigation":
            nav = msg.navigation
            self.page_script_hash = nav.page_script_hash
            self.pages = {p.url_pathname: p.page_script_hash for p in nav.app_pages}
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
            if run is not None:
                run.query_string = self.query_string
        elif kind == "session_event":
            ev = msg.session_event
            if ev.HasField("script_compilation_exception") and run is not None:
                e = ev.script_compilation_exception
                run.exceptions.append(f"{e.type}: {e.message}"[:300])
        elif kind == "script_finished":
            status = msg.script_finished
            if status in DONE_STATUSES:
                self.book.run_finished(self._fragment if status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
                                       else None)
                if run is not None and run.started is not None:
                    run.finished, run.status = now, DONE_STATUSES[status]
                    run.done.set()

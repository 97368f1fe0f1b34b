"""A measured classroom: many learners on one server at once, and what each of them waits.

    python benchmarks/classroom.py [--learners 30] [--duration 300] [--seed 0] [--time-limit S]
                                   [--heavy N] [--burst K] [--gap 10] [--timeout 60] [--server-env NAME=VALUE]
    python benchmarks/classroom.py --reruns [--lesson scaling] [--rerun-warmup 50] [--rerun-count 500]
    python benchmarks/classroom.py --browser [--duration 60]

Prints figures and a summary against the targets; asserts nothing. The server is a real
``streamlit run app.py`` on a free loopback port, started the way tests/browser/browser_helpers.py
starts it. The learners are not browsers: one Python process plays all of them with a client that
speaks Streamlit's own websocket protocol (benchmarks/st_wire.py), at low priority (os.nice, after the
server has started, so the server keeps its normal priority), and reports its own CPU time. A browser
per learner would need more CPU than the server it is meant to load on a 2-core machine.

Why the learners are built the way they are:
  unique inputs   st.cache_data is shared by every session, so 30 learners moving the same slider to
                  the same values would mostly measure cache hits. Each learner has its own seed and
                  its own sentences, and every value it picks is checked against every input any
                  learner (or the warm-up) has asked for during the run: a change is only sent when
                  the inputs of every cached computation that the changed control feeds are new.
  pace            one action every --gap seconds on average, the gaps drawn from an exponential
                  distribution (a seeded generator per learner). A learner waits for its page before
                  acting again (it reads the result); an action due while the previous one still runs
                  starts right after it and is counted as late.
  lessons         light lessons (LIGHT: scaling d_k/n/seed, positional-encoding d/length/k/seed,
                  embed-scale d/seed, padding-mask extra/layer/head/sentences, ln-vs-bn layer/sentences;
                  each control feeds an st.cache_data computation, so a new value is real work),
                  now and then a move to another light lesson (a page opened inside the tab), and a few
                  heavy jobs (HEAVY: a KV-cache decode and a weight-tying training run, which go
                  through tf_core/worker.py's one line) started in bursts, as when a teacher says "now
                  press this": the line fills, and each job must be answered or told its place.
  warm-up         before the learners, one session opens every lesson once: torch and the models load
                  then, so the timed changes are "after the models loaded".

What is measured (times from the client, time.perf_counter()):
  light change    BackMsg sent -> the script_finished that ends the run it caused (after its deltas).
                  Counted: light-lesson changes with new inputs, after the warm-up, that ended with the
                  new value in the page's URL, every other setting unchanged, and no error. Everything
                  else is listed as excluded, with the reason (failed, refused by a line, not new).
  page opens      in-tab moves to a lesson page (not counted with the changes).
  heavy jobs      sent -> first feedback (the "number N in line" notice or the progress bar), the
                  place it was told, time in line (first notice -> first progress bar), sent -> answered,
                  or how the line turned it away (full, replaced, over its time): the page's own notices,
                  matched against the app's strings in ui/strings.
  errors          exception elements, error boxes (st.error: the app's known failures), compile errors,
                  disconnects, timeouts, a value the page did not take (the URL did not show it), another
                  setting that moved with it (a widget state sent wrong), a control missing from the page.
  cache           Streamlit 1.67 counts every cached function's lookups (hit / miss) and serves them on
                  /_stcore/metrics (family cache_lookups); the ratio is taken over the timed phase.
  memory          VmRSS and VmHWM of the server process from /proc/<pid>/status every --mem-every s.
  client          this process's CPU time (getrusage) and how late its event loop wakes up: a busy
                  client would add its own delay to every figure.
--reruns: one session, --rerun-warmup changes with distinct inputs, then --rerun-count more; server
          VmRSS after each phase (the median of 5 samples a second apart) and the growth (target < 50 MB),
          with what the server's own estimate puts in its caches.
--browser: two simulated sessions and one Chromium (Playwright + Debian's /usr/bin/chromium, as
          tests/browser does) make the same change (ArrowRight on the scaling lesson's n slider, each
          from its own seed); both latencies are printed, so one can see the client's figures agree
          with a browser's (the browser's includes drawing the page; Chromium starts after os.nice, so it
          runs at the same low priority as the simulated sessions).
p95 is the nearest-rank 95th percentile.
"""
from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import resource
import signal
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import browser_helpers as bh  # noqa: E402
import st_wire  # noqa: E402
from rerender import cpu_s, pct, section, tree  # noqa: E402
from ui.i18n import STRINGS  # noqa: E402

TARGET_P95_S = 2.0  # light changes, 30 learners, 2 cores
TARGET_GROWTH_MB = 50.0  # --reruns: VmRSS after the timed reruns minus after the warm-up
SWITCH_P = 0.1  # chance that a learner's action is a move to another light lesson


def template_regex(template: str) -> re.Pattern:
    """A pattern that finds the English text of a UI string in a page, any of its fields filled in
    (each field becomes a group)."""
    parts = re.split(r"\{[^{}]*\}", template)
    return re.compile("(.+?)".join(re.escape(p) for p in parts))


# What a page says about a heavy job, read from the app's own strings so that the benchmark follows
# them: its place in line, or that the line refused or stopped it (strings that do not exist in this
# version of the app are left out).
NOTICES = {kind: template_regex(STRINGS[key]["en"]) for kind, key in (
    ("place", "dec.waiting"), ("busy", "job.busy"), ("replaced", "job.replaced"), ("time limit", "job.time"),
) if key in STRINGS}
REFUSALS = ("busy", "replaced", "time limit")


# --- lessons -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Control:
    """A control a learner moves: its URL name (the widget key is "<lesson>.<name>"), optionally a
    window narrower than the widget's own range, or free text (the learner's sentences)."""

    param: str
    window: tuple[float, float] | None = None
    text: bool = False


@dataclass(frozen=True)
class Lesson:
    """A lesson as the learners use it. ``keys``: the URL parameters each of its cached computations is
    keyed on (read from the page's st.cache_data functions); a change is new when every key that holds
    the changed parameter gets a value tuple never asked before. ``own``: parameters set from the
    learner on opening ("seed", "text", "lines"), so that every learner starts on inputs of its own."""

    id: str
    page: str
    controls: tuple[Control, ...]
    keys: tuple[tuple[str, ...], ...]
    own: tuple[str, ...] = ()
    heavy: bool = False


LIGHT = (
    # app_pages/scaling.py run(dk, n, seed, sigma)
    Lesson("scaling", "scaling", (Control("dk"), Control("n"), Control("seed")),
           (("dk", "n", "sigma", "seed"),), own=("seed",)),
    # app_pages/positions.py pe_table(d, length, base), pe_shift(d, length, base, k), pe_shuffle(model, text, seed)
    Lesson("positional-encoding", "positions", (Control("d"), Control("length"), Control("k"), Control("seed")),
           (("d", "length", "base"), ("d", "length", "base", "k"), ("model", "text", "seed")), own=("seed", "text")),
    # app_pages/positions.py emb_run(d, init, seed)
    Lesson("embed-scale", "positions", (Control("d"), Control("seed")), (("d", "init", "seed"),), own=("seed",)),
    # app_pages/masks.py run_padding(model, sentences, extra, layer, head)
    Lesson("padding-mask", "masks", (Control("extra"), Control("layer"), Control("head"), Control("text", text=True)),
           (("model", "text", "extra", "layer", "head"),), own=("lines",)),
    # app_pages/norms.py run_lnbn_stats(model, sentences, layer); its training runs keep the warm-up's settings
    Lesson("ln-vs-bn", "norms", (Control("layer"), Control("text", text=True)), (("model", "text", "layer"),),
           own=("lines",)),
)
HEAVY = (
    # app_pages/decoding.py run_kv(model, prompt, new): a decode in tf_core.worker's line; a short one
    Lesson("kv-cache", "decoding", (Control("new", window=(4, 40)),), (("decoder", "prompt", "new"),), heavy=True),
    # app_pages/layers.py cached_run(("weight-tying", d, lr, seed, steps)): two training runs in the line
    Lesson("weight-tying", "layers", (Control("seed"),), (("d", "lr", "seed"),), heavy=True),
)
LESSONS = {lesson.id: lesson for lesson in LIGHT + HEAVY}
WARM_HEAVY_QUERY = {"kv-cache": {"new": "8"}, "weight-tying": {}}  # the warm-up's settings (short runs)
NOUNS = ("river", "garden", "window", "doctor", "market", "forest", "kitchen", "island", "bridge", "castle",
         "letter", "winter", "summer", "silver", "family", "friend", "engine", "planet", "signal", "pocket")


def norm(value) -> str:
    """One spelling per value, so that "3", "3.0" and 3 count as the same input."""
    if value is None:
        return ""
    try:
        f = float(str(value).replace(",", ""))  # an option may be written "10,000"
    except (TypeError, ValueError):
        return str(value)
    return repr(f) if math.isfinite(f) else str(value)


class Asked:
    """Every input tuple asked for during the run, per lesson and cached computation (by any learner,
    the warm-up included)."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, tuple[str, ...]], set[tuple[str, ...]]] = {}

    @staticmethod
    def _tuple(key: tuple[str, ...], values: dict[str, str]) -> tuple[str, ...]:
        return tuple(norm(values.get(p)) for p in key)

    def fresh(self, lesson: Lesson, values: dict[str, str], changed: str | None = None) -> bool:
        """True when every computation fed by ``changed`` (all of them for None) gets inputs never
        asked before."""
        keys = [k for k in lesson.keys if changed is None or changed in k]
        return bool(keys) and all(self._tuple(k, values) not in self.seen.get((lesson.id, k), ()) for k in keys)

    def add(self, lesson: Lesson, values: dict[str, str]) -> None:
        for k in lesson.keys:
            self.seen.setdefault((lesson.id, k), set()).add(self._tuple(k, values))


@dataclass
class Learner:
    """Who a simulated learner is: a number, a seed stream and sentences no one else uses."""

    index: int
    count: int  # learners in the run (the warm-up is learner number ``count``)
    base: int  # from --seed: moves every learner's seeds between runs
    visits: int = 0

    def own_seed(self) -> int:
        """A seed of this learner's own: the learners (and the warm-up) take turns through 0..9999, so two
        never share one until a learner has opened some 10,000 / (learners + 1) lessons."""
        return (self.base + self.index + (self.count + 1) * self.visits) % 10_000

    def sentence(self) -> str:
        """One sentence for the lessons that read one line, new at every visit."""
        noun = NOUNS[self.index % len(NOUNS)]
        return f"Learner {self.index} saw the {noun} on visit {self.visits} of run {self.base}."

    def lines(self, extra: str | None = None) -> str:
        """Three sentences of different lengths (the padding lessons need a batch), the last one new."""
        noun = NOUNS[(self.index * 7) % len(NOUNS)]
        third = extra or f"The {noun} of learner {self.index} waited {self.visits} times for run {self.base}."
        return f"Learner {self.index} reads.\nThe second line of learner {self.index} is a little longer.\n{third}"


def opening_query(lesson: Lesson, who: Learner) -> dict[str, str]:
    """The query string a learner opens ``lesson`` with: its own seed and sentences where the lesson takes
    them (every other setting at the lesson's default)."""
    q = {"q": lesson.id, "lang": "en"}
    if "seed" in lesson.own:
        q["seed"] = str(who.own_seed())
    if "text" in lesson.own:
        q["text"] = who.sentence()
    if "lines" in lesson.own:
        q["text"] = who.lines()
    return q


def pick_value(rng: random.Random, widget, control: Control, who: Learner, step: bool = False):
    """A value for ``widget`` (an st_wire.Widget) drawn from what the widget itself offers (its options,
    or min..max by its step, within the control's window); ``step``: the next value up instead, as one
    ArrowRight press gives. Text controls get a new third sentence."""
    if control.text:
        return who.lines(f"Line {rng.randrange(10**6)} is new for learner {who.index}.")
    choices = widget.choices()
    if choices is not None:
        options = [c[0] if isinstance(c, list) else c for c in choices]
        if step:
            current = widget.app_value()
            i = options.index(current) if current in options else -1
            return options[min(i + 1, len(options) - 1)]
        return rng.choice(options)
    lo, hi, stride = widget.bounds()
    if control.window is not None:
        lo, hi = max(lo, control.window[0]), min(hi, control.window[1])
    whole = float(stride).is_integer() and float(lo).is_integer()
    v = min(widget.app_value() + stride, hi) if step else lo + stride * rng.randint(0, int(round((hi - lo) / stride)))
    return int(round(v)) if whole else v


def pick_change(rng: random.Random, lesson: Lesson, widgets: dict, current: dict[str, str], asked: Asked,
                who: Learner, tries: int = 40, only: str | None = None, step: bool = False):
    """(param, value) for a change of one of ``lesson``'s controls to inputs never asked before, or None
    when none was found in ``tries`` draws per control. ``widgets``: param -> st_wire.Widget (None when
    the page does not show it); ``current``: the page's URL values."""
    controls = [c for c in lesson.controls if widgets.get(c.param) is not None and (only is None or c.param == only)]
    rng.shuffle(controls)
    for c in controls:
        for _ in range(1 if step else tries):
            value = pick_value(rng, widgets[c.param], c, who, step=step)
            values = {**current, c.param: str(value)}
            if asked.fresh(lesson, values, c.param):
                return c.param, value
    return None


@dataclass(frozen=True)
class HeavyJob:
    """A heavy job planned before the run, so that a seed gives the same bursts every time."""

    at: float  # seconds after the learners start
    learner: int
    lesson: str


def heavy_plan(rng: random.Random, jobs: int, burst: int, duration: float, learners: int) -> list[HeavyJob]:
    """``jobs`` heavy jobs in bursts of ``burst`` (a few learners press within 3 s of each other), the
    bursts spread evenly over the middle 70 % of the run, alternating between the HEAVY lessons, each job
    given to a different learner while there are learners enough."""
    if jobs <= 0 or learners <= 0:
        return []
    n_bursts = math.ceil(jobs / burst)
    who = rng.sample(range(learners), min(jobs, learners)) + [rng.randrange(learners) for _ in range(jobs - learners)]
    plan = []
    for j in range(jobs):
        b = j // burst
        centre = duration * (0.15 + 0.7 * (b + 0.5) / n_bursts)
        plan.append(HeavyJob(round(centre + rng.uniform(0, 3), 3), who[j], HEAVY[b % len(HEAVY)].id))
    return sorted(plan, key=lambda h: h.at)


def told_place(alerts: list[tuple]) -> list[tuple[float, int]]:
    """(time, position) of every "number N in line" notice among a run's alerts ((time, body, ...) each)."""
    out = []
    for t, body, *_ in alerts:
        m = NOTICES["place"].search(body)
        if m and m.group(1).isdigit():
            out.append((t, int(m.group(1))))
    return out


def notice_kinds(alerts: list[tuple]) -> list[str]:
    """The kinds of NOTICES among a run's alerts, in order."""
    return [kind for _, body, *_ in alerts for kind, rx in NOTICES.items() if rx.search(body)]


def fmt_s(values: list[float]) -> str:
    """Seconds as one line of the report (p50, nearest-rank p95, range, count); NaN, a run that never
    ended, is left out here and counted with the errors instead."""
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return "no samples"
    return (f"p50 {statistics.median(values):6.2f} s   p95 {pct(values, 95):6.2f} s   "
            f"min {min(values):5.2f}   max {max(values):6.2f}   (n={len(values)})")


def spread_rows(rows: list, at_most: int) -> list:
    """At most ``at_most`` rows of ``rows``, evenly spaced, the first and the last always kept."""
    if len(rows) <= at_most:
        return rows
    idx = sorted({round(i * (len(rows) - 1) / (at_most - 1)) for i in range(at_most)})
    return [rows[i] for i in idx]


# --- the server and what is read from it ------------------------------------------------------------------
def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of ``pid`` in KiB (empty when the process is gone)."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    except OSError:
        pass
    return out


def metrics_text(base: str, family: str) -> str:
    """One family of the server's /_stcore/metrics as text ("" when the server does not answer). Read
    outside the timed phases only: it blocks, and the learners must not wait for it."""
    try:
        with urllib.request.urlopen(f"{base}/_stcore/metrics?families={family}", timeout=10) as r:
            return r.read().decode()
    except OSError as e:
        print(f"  (metrics unavailable: {e})")
        return ""


def fetch_metrics(base: str) -> dict:
    """The server's own count of cache hits and misses per cached function."""
    return st_wire.parse_cache_lookups(metrics_text(base, "cache_lookups"))


def cache_memory_mb(base: str) -> dict[str, float]:
    """MB the server holds per cache (st.cache_data and st.cache_resource functions, session state, media
    files), by its own estimate (family cache_memory_bytes, itself cached by the server for 5 s)."""
    out: dict[str, float] = {}
    for labels, value in st_wire.parse_metric(metrics_text(base, "cache_memory_bytes"), "cache_memory_bytes"):
        name = f"{labels.get('cache_type', '?')} {labels.get('cache', '')}".strip()
        out[name] = out.get(name, 0.0) + value / 2**20
    return out


@dataclass
class Record:
    """One action of one learner."""

    learner: int
    lesson: str
    kind: str  # "change", "open", "heavy", "warm-up"
    param: str | None
    t: float  # seconds after the learners started, when it was sent
    seconds: float
    status: str | None
    started_after: float = math.nan  # sent -> new_session
    new: bool = True
    applied: bool = True
    errors: list[str] = field(default_factory=list)
    places: list[tuple[float, int]] = field(default_factory=list)
    first_feedback: float = math.nan
    in_line: float = math.nan
    late: bool = False
    notices: list[str] = field(default_factory=list)  # kinds of NOTICES the page showed

    @property
    def refusal(self) -> str | None:
        """How a line turned the job away ("busy", "replaced", "time limit"), or None."""
        return next((n for n in self.notices if n in REFUSALS), None)


def exclusion(r: Record) -> str | None:
    """Why a light change is left out of the timed figures, or None when it counts."""
    if r.errors:
        return "failed (error, timeout, value not taken)"
    if r.refusal is not None:
        return f"refused by a line ({r.refusal})"
    if not r.new:
        return "inputs not new"
    return None


def describe_run(run: st_wire.Run) -> list[str]:
    """The errors a run shows: exception elements, error boxes (st.error: a known failure such as a model
    that cannot load or no memory left), a compile error, a timeout, a lost socket."""
    errors = [f"exception: {e}" for e in run.exceptions]
    errors += [f"error box: {body[:160]}" for _, body, fmt in run.alerts if fmt == 1]  # Alert.ERROR
    if run.status == "compile error":
        errors.append("compile error")
    if run.status in ("timeout", "closed"):
        errors.append({"timeout": "timeout", "closed": "disconnect"}[run.status])
    return errors


class Classroom:
    """Runs the learners against one server and keeps what they saw."""

    def __init__(self, args, port: int, pid: int):
        self.args, self.port, self.pid = args, port, pid
        self.base = f"http://127.0.0.1:{port}"
        self.asked = Asked()
        self.records: list[Record] = []
        self.mem: list[tuple[float, str, dict]] = []
        self.phase = "warm-up"
        self.t0 = time.perf_counter()
        self.end = math.inf
        self.warm_query: dict[str, str] = {}
        self.late_wakeups: list[float] = []
        self.reconnects = 0
        self.exhausted = 0

    def now(self) -> float:
        """Seconds since the learners started (during the warm-up: since the benchmark began)."""
        return time.perf_counter() - self.t0

    # background tasks ----------------------------------------------------------------------------------
    async def sample_memory(self) -> None:
        while True:
            self.mem.append((time.perf_counter(), self.phase, proc_status(self.pid)))
            await asyncio.sleep(self.args.mem_every)

    async def watch_loop(self) -> None:
        """How late the event loop wakes: the delay this client adds to what it measures."""
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.1)
            self.late_wakeups.append(time.perf_counter() - t - 0.1)

    # sessions --------------------------------------------------------------------------------------------
    async def session(self) -> st_wire.Session:
        s = st_wire.Session("127.0.0.1", self.port)
        await s.connect()
        return s

    def record_open(self, who: Learner, lesson: Lesson, run: st_wire.Run, kind: str, t: float,
                    query_string: str) -> Record:
        values = st_wire.query_dict(query_string) if run.status in st_wire.DONE_STATUSES.values() else {}
        new = self.asked.fresh(lesson, values) if values else False
        if values:
            self.asked.add(lesson, values)
        rec = Record(who.index, lesson.id, kind, None, t, run.seconds, run.status,
                     (run.started - run.sent) if run.started else math.nan, new=new, errors=describe_run(run))
        self.records.append(rec)
        return rec

    async def open_lesson(self, s: st_wire.Session, who: Learner, lesson: Lesson, first: bool,
                          query: dict[str, str] | None = None, kind: str = "open") -> st_wire.Run:
        who.visits += 1
        qs = urlencode(query if query is not None else opening_query(lesson, who))
        t = self.now()
        timeout = self.args.heavy_timeout if (lesson.heavy or self.phase == "warm-up") else self.args.timeout
        run = await (s.open(lesson.page, qs, timeout) if first else s.move(lesson.page, qs, timeout))
        self.record_open(who, lesson, run, kind, t, s.query_string)
        return run

    async def change(self, s: st_wire.Session, who: Learner, lesson: Lesson, rng: random.Random,
                     late: bool, only: str | None = None, step: bool = False) -> Record | None:
        current = st_wire.query_dict(s.query_string)
        widgets = {c.param: s.book.by_key(f"{lesson.id}.{c.param}") for c in lesson.controls}
        pick = pick_change(rng, lesson, widgets, current, self.asked, who, only=only, step=step)
        if pick is None:
            self.exhausted += 1
            return None
        param, value = pick
        asked = {**current, param: str(value)}
        new = self.asked.fresh(lesson, asked, param)
        self.asked.add(lesson, asked)
        t = self.now()
        timeout = self.args.heavy_timeout if lesson.heavy else self.args.timeout
        run = await s.change(f"{lesson.id}.{param}", value, timeout)
        after = st_wire.query_dict(s.query_string)
        if after:
            self.asked.add(lesson, after)
        finished = run.status in st_wire.DONE_STATUSES.values()
        applied = finished and st_wire.same_value(after.get(param), value)
        errors = describe_run(run)
        notices = notice_kinds(run.alerts)
        refused = any(n in REFUSALS for n in notices)  # the page stopped before writing the URL: not an error
        if finished and not applied and not refused:
            errors.append(f"value not applied ({param}={value!r}, URL has {after.get(param)!r})")
        # Every other setting must stay as it was: a widget state the client sent wrong would move one.
        moved = sorted(k for k in set(current) | set(after) if k != param and current.get(k) != after.get(k))
        if finished and moved and not refused:
            errors.append(f"other settings moved ({', '.join(f'{k}: {current.get(k)!r} -> {after.get(k)!r}' for k in moved)})")
        rec = Record(who.index, lesson.id, "heavy" if lesson.heavy else "change", param, t, run.seconds, run.status,
                     (run.started - run.sent) if run.started else math.nan, new=new, applied=applied,
                     errors=errors, late=late, notices=notices)
        rec.places = [(tp - run.sent, pos) for tp, pos in told_place(run.alerts)]
        if lesson.heavy:
            feedback = [tp for tp, _ in told_place(run.alerts)] + run.progress
            rec.first_feedback = (min(feedback) - run.sent) if feedback else math.nan
            if rec.places and run.progress:
                first_notice = run.sent + rec.places[0][0]
                after_notice = [tp for tp in run.progress if tp > first_notice]
                rec.in_line = (after_notice[0] - first_notice) if after_notice else math.nan
            elif run.progress:
                rec.in_line = 0.0
        self.records.append(rec)
        return rec

    # the warm-up -------------------------------------------------------------------------------------------
    async def warm_up(self, lessons) -> None:
        """One session opens every lesson once (torch and the models load now), and the heavy lessons
        with the short settings the heavy jobs will start from."""
        section("warm-up: one session opens every lesson once (torch and the models load here)")
        who = Learner(self.args.learners, self.args.learners, self.args.seed * 7919)
        s = await self.session()
        first = True
        for lesson in lessons:
            query = opening_query(lesson, who)
            if lesson.heavy:
                query.update(WARM_HEAVY_QUERY[lesson.id])
            run = await self.open_lesson(s, who, lesson, first, query=query, kind="warm-up")
            first = False
            if lesson.heavy:
                self.warm_query[lesson.id] = s.query_string
            problems = describe_run(run)
            print(f"  {lesson.id:20s} {run.seconds:6.2f} s  {run.deltas:4d} deltas  {run.bytes / 1024:7.0f} KiB"
                  + (f"   PROBLEM: {problems}" if problems else ""), flush=True)
        await s.close()

    # one learner ---------------------------------------------------------------------------------------------
    async def learner(self, who: Learner, jobs: list[HeavyJob], join_at: float) -> None:
        rng = random.Random(f"{self.args.seed}:{who.index}")
        lesson = LIGHT[who.index % len(LIGHT)]
        await asyncio.sleep(max(0.0, join_at - self.now()))
        s = None
        try:
            s = await self.session()
            run = await self.open_lesson(s, who, lesson, first=True)
            if run.status not in st_wire.DONE_STATUSES.values():
                s, lesson = await self.reconnect(s, who, rng)
            next_due = self.now() + rng.expovariate(1 / self.args.gap)
            late = False
            while True:
                job = jobs[0] if jobs else None
                wake = min(next_due, job.at if job else math.inf)
                if wake >= self.end:
                    break
                await asyncio.sleep(max(0.0, wake - self.now()))
                ok = True
                if job is not None and job.at <= wake:
                    jobs.pop(0)
                    ok, lesson = await self.heavy_job(s, who, LESSONS[job.lesson], rng)
                else:
                    if rng.random() < SWITCH_P:
                        lesson = rng.choice([x for x in LIGHT if x is not lesson])
                        run = await self.open_lesson(s, who, lesson, first=False)
                        ok = run.status in st_wire.DONE_STATUSES.values()
                    else:
                        try:
                            rec = await self.change(s, who, lesson, rng, late)
                        except KeyError as e:  # the page does not show the control
                            self.records.append(Record(who.index, lesson.id, "change", None, self.now(), math.nan,
                                                       None, errors=[f"widget missing: {e}"]))
                            rec = None
                        if rec is None:  # nothing new left to ask here: another lesson
                            lesson = rng.choice([x for x in LIGHT if x is not lesson])
                            run = await self.open_lesson(s, who, lesson, first=False)
                            ok = run.status in st_wire.DONE_STATUSES.values()
                        else:
                            ok = rec.status in st_wire.DONE_STATUSES.values()
                    next_due += rng.expovariate(1 / self.args.gap)
                if not ok:
                    s, lesson = await self.reconnect(s, who, rng)
                # An action that came due meanwhile starts now, once (no burst to catch up), marked late.
                late = next_due < self.now()
                next_due = max(next_due, self.now())
        finally:
            if s is not None:
                await s.close()

    async def reconnect(self, s, who: Learner, rng: random.Random):
        """After a timeout or a lost socket: a fresh tab on a light lesson, as a learner would reload."""
        self.reconnects += 1
        if s is not None:
            await s.close()
        lesson = rng.choice(LIGHT)
        s = await self.session()
        await self.open_lesson(s, who, lesson, first=True)
        return s, lesson

    async def heavy_job(self, s: st_wire.Session, who: Learner, lesson: Lesson, rng: random.Random):
        """Open the heavy lesson at the warm-up's settings (computed: the page opens from the cache), start
        a job no one has asked for, then go back to a light lesson."""
        run = await self.open_lesson(s, who, lesson, first=False,
                                     query=st_wire.query_dict(self.warm_query[lesson.id]), kind="heavy open")
        ok = run.status in st_wire.DONE_STATUSES.values()
        if ok:
            try:
                rec = await self.change(s, who, lesson, rng, late=False)
            except KeyError as e:
                rec = None
                self.records.append(Record(who.index, lesson.id, "heavy", None, self.now(), math.nan, None,
                                           errors=[f"widget missing: {e}"]))
            ok = rec is not None and rec.status in st_wire.DONE_STATUSES.values()
        back = rng.choice(LIGHT)
        if ok:
            run = await self.open_lesson(s, who, back, first=False)
            ok = run.status in st_wire.DONE_STATUSES.values()
        return ok, back


# --- the load run -------------------------------------------------------------------------------------------
async def classroom(args, srv) -> None:
    room = Classroom(args, srv.port, srv.proc.pid)
    mem_task = asyncio.create_task(room.sample_memory())
    loop_task = asyncio.create_task(room.watch_loop())
    deadline = time.monotonic() + args.time_limit - 20  # room to report before the hard limit
    try:
        try:
            await asyncio.wait_for(room.warm_up(LIGHT + HEAVY), max(1.0, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            print(f"  STOPPED: the warm-up did not end within the time limit ({args.time_limit:.0f} s)")
            return
        await asyncio.sleep(5)  # let the warm-up's last job give its memory back before the baseline
        cache0 = fetch_metrics(room.base)
        rss_warm = proc_status(srv.proc.pid)
        plan = heavy_plan(random.Random(f"{args.seed}:heavy"), args.heavy, args.burst, args.duration,
                          args.learners)
        section(f"{args.learners} learners for {args.duration:.0f} s (one action every {args.gap:.0f} s on "
                f"average; {len(plan)} heavy jobs in bursts of {args.burst})")
        for job in plan:
            print(f"  heavy job at {job.at:6.1f} s: learner {job.learner:2d} on {job.lesson}")
        room.late_wakeups.clear()
        room.phase = "learners"
        room.t0 = time.perf_counter()
        room.end = args.duration
        wall0, cpu0, srv_cpu0 = time.time(), resource.getrusage(resource.RUSAGE_SELF), cpu_s(tree(srv.proc.pid))
        load0 = os.getloadavg()
        print(f"  started {time.strftime('%Y-%m-%d %H:%M:%S %Z', time.localtime(wall0))}   "
              f"load average {load0[0]:.2f}", flush=True)
        join_over = min(20.0, args.duration / 4)
        rng = random.Random(f"{args.seed}:join")
        tasks = []
        for i in range(args.learners):
            who = Learner(i, args.learners, args.seed * 7919)
            tasks.append(asyncio.create_task(room.learner(who, [j for j in plan if j.learner == i],
                                                          rng.uniform(0, join_over))))
        progress = asyncio.create_task(print_progress(room, args))
        done, pending = await asyncio.wait(tasks, timeout=max(1.0, deadline - time.monotonic()))
        progress.cancel()
        hit_limit = bool(pending)
        for t in pending:
            t.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        crashed = [t.exception() for t in done if t.exception() is not None]
        wall1, cpu1, srv_cpu1 = time.time(), resource.getrusage(resource.RUSAGE_SELF), cpu_s(tree(srv.proc.pid))
        room.phase = "end"
        room.mem.append((time.perf_counter(), room.phase, proc_status(srv.proc.pid)))
        cache1 = fetch_metrics(room.base)
        report(args, room, srv, plan, cache0, cache1, rss_warm,
               dict(wall0=wall0, wall1=wall1, cpu0=cpu0, cpu1=cpu1, srv0=srv_cpu0, srv1=srv_cpu1, load0=load0,
                    load1=os.getloadavg(), hit_limit=hit_limit, crashed=crashed))
    finally:
        mem_task.cancel()
        loop_task.cancel()


async def print_progress(room: Classroom, args) -> None:
    """A line every 30 s, so that a long run shows it is alive."""
    while True:
        await asyncio.sleep(30)
        timed = [r for r in room.records if r.kind == "change" and not math.isnan(r.seconds)]
        recent = [r.seconds for r in timed if r.t > room.now() - 30]
        errs = sum(1 for r in room.records if r.errors)
        rss = proc_status(room.pid).get("VmRSS", 0) / 1024
        print(f"  t={room.now():5.0f} s  changes {len(timed):4d}  last 30 s p95 "
              f"{pct(recent, 95) if recent else float('nan'):5.2f} s  errors {errs}  server VmRSS {rss:6.0f} MB",
              flush=True)


def report(args, room: Classroom, srv, plan, cache0, cache1, rss_warm, run) -> None:
    recs = room.records
    timed_phase = [r for r in recs if r.kind != "warm-up"]
    light = [r for r in timed_phase if r.kind == "change"]
    counted = [r for r in light if exclusion(r) is None]

    section("light changes: sent -> script_finished (after the deltas)")
    print(f"  counted           {fmt_s([r.seconds for r in counted])}")
    print(f"    sent -> run started (new_session)  {fmt_s([r.started_after for r in counted])}")
    by_lesson: dict[str, list[float]] = {}
    for r in counted:
        by_lesson.setdefault(f"{r.lesson} {r.param}", []).append(r.seconds)
    for name in sorted(by_lesson):
        print(f"    {name:26s} {fmt_s(by_lesson[name])}")
    excluded: dict[str, int] = {}
    for r in light:
        why = exclusion(r)
        if why is not None:
            excluded[why] = excluded.get(why, 0) + 1
    print(f"  excluded: {sum(excluded.values())} of {len(light)} light changes"
          + (": " + ", ".join(f"{n} {why}" for why, n in excluded.items()) if excluded else ""))
    waited = [r for r in counted if r.places]
    print(f"  counted changes that waited in a line first (the page showed their place): {len(waited)}")
    print(f"  not timed here: {sum(1 for r in timed_phase if r.kind == 'open')} page opens (moves to a lesson), "
          f"{sum(1 for r in timed_phase if r.kind == 'heavy open')} heavy-lesson opens, "
          f"{sum(1 for r in timed_phase if r.kind == 'heavy')} heavy jobs (below), "
          f"{sum(1 for r in recs if r.kind == 'warm-up')} warm-up opens (before the models were loaded)")
    print(f"  late starts (the learner's previous action was still running): {sum(1 for r in light if r.late)}; "
          f"lessons left for lack of a new value: {room.exhausted}")
    opens = [r for r in timed_phase if r.kind in ("open", "heavy open") and not r.errors]
    print(f"  page opens        {fmt_s([r.seconds for r in opens])}")

    section("heavy jobs (tf_core/worker.py's line)")
    heavy = [r for r in timed_phase if r.kind == "heavy"]
    tally = {"answered": 0, "told its place": 0, "told the line is full": 0, "neither": 0}
    for r in sorted(heavy, key=lambda r: r.t):
        answered = r.status in st_wire.DONE_STATUSES.values() and not r.errors and r.refusal is None
        told = [p for _, p in r.places]
        tally["answered"] += answered
        tally["told its place"] += bool(told)
        tally["told the line is full"] += r.refusal == "busy"
        tally["neither"] += not (answered or told or r.refusal == "busy")
        outcome = "answered" if answered else f"refused ({r.refusal})" if r.refusal else "NOT answered"
        print(f"  t={r.t:6.1f} s learner {r.learner:2d} {r.lesson:13s} {r.param}: "
              f"first feedback {r.first_feedback:5.2f} s, "
              + (f"told place {told[0]}" + (f" (then {told[1:]})" if len(told) > 1 else "") if told else "no wait")
              + f", in line {r.in_line:5.2f} s, {outcome} after {r.seconds:6.2f} s"
              + (f"  {r.errors}" if r.errors else ""))
    answered_or_told = len(heavy) - tally["neither"]
    print(f"  {len(heavy)} of {len(plan)} planned jobs started; " + ", ".join(f"{k} {v}" for k, v in tally.items())
          + "  (first feedback: the place notice or the progress bar; in line: first notice -> first progress bar)")

    section("errors")
    errors = [(r, e) for r in timed_phase for e in r.errors]
    kinds: dict[str, int] = {}
    for _, e in errors:
        kinds[e.split(":")[0].split(" (")[0]] = kinds.get(e.split(":")[0].split(" (")[0], 0) + 1
    print(f"  {len(errors)} errors" + (": " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) if kinds else "")
          + f"; reconnects {room.reconnects}; crashed learner tasks {len(run['crashed'])}")
    for r, e in errors[:10]:
        print(f"    t={r.t:6.1f} learner {r.learner} {r.lesson} {r.kind}: {e}")
    for e in run["crashed"][:3]:
        print(f"    learner task raised {type(e).__name__}: {e}")
    log_text = srv.log.read_text(errors="replace") if srv.log.exists() else ""
    tracebacks = log_text.count("Traceback")
    print(f"  server log {srv.log}: {tracebacks} tracebacks")

    section("cache lookups over the timed phase (Streamlit's /_stcore/metrics, family cache_lookups)")
    rows, totals = [], {}
    for key in sorted(set(cache0) | set(cache1)):
        hit = cache1.get(key, {}).get("hit", 0) - cache0.get(key, {}).get("hit", 0)
        miss = cache1.get(key, {}).get("miss", 0) - cache0.get(key, {}).get("miss", 0)
        if hit + miss:
            rows.append((key, hit, miss))
            t = totals.setdefault(key[0], [0, 0])
            t[0] += hit
            t[1] += miss
    for (ctype, name), hit, miss in rows:
        print(f"  {ctype:17s} {name:44s} hits {hit:5.0f}  misses {miss:5.0f}  hit ratio {hit / (hit + miss):5.1%}")
    for ctype, (hit, miss) in totals.items():
        print(f"  {ctype:17s} {'all functions':44s} hits {hit:5.0f}  misses {miss:5.0f}  hit ratio {hit / (hit + miss):5.1%}")
    print("  (a lookup is one call of a cached function; a change misses the computations fed by the control it\n"
          "   moved and hits the page's others, and every heavy job opens its page from the cache on purpose)")

    section("server memory (/proc/<pid>/status of the streamlit process)")
    print(f"  {'t (s)':>7s}  {'phase':9s}  {'VmRSS MB':>9s}  {'VmHWM MB':>9s}   (t from the learners' start)")
    for t, phase, st in spread_rows(room.mem, 14):
        print(f"  {t - room.t0:7.1f}  {phase:9s}  {st.get('VmRSS', 0) / 1024:9.1f}  {st.get('VmHWM', 0) / 1024:9.1f}")
    last = room.mem[-1][2] if room.mem else {}
    during = [st.get("VmRSS", 0) / 1024 for t, phase, st in room.mem if phase == "learners"] or [math.nan]
    growth = last.get("VmRSS", 0) / 1024 - min(during)
    print(f"  VmRSS after the warm-up (and 5 s of quiet) {rss_warm.get('VmRSS', 0) / 1024:.1f} MB; while the learners ran "
          f"{min(during):.1f} .. {max(during):.1f} MB; at the end {last.get('VmRSS', 0) / 1024:.1f} MB; VmHWM "
          f"{last.get('VmHWM', 0) / 1024:.1f} MB")
    print(f"  growth, end minus the lowest sample while the learners ran: {growth:+.1f} MB (the warm-up's last jobs\n"
          "  leave memory that the server gives back some seconds later, so the warm-up is no baseline here)")

    section("this client (one process, niceness %d)" % os.nice(0))
    wall = run["wall1"] - run["wall0"]
    cpu = (run["cpu1"].ru_utime + run["cpu1"].ru_stime) - (run["cpu0"].ru_utime + run["cpu0"].ru_stime)
    srv_cpu = run["srv1"] - run["srv0"]
    cores = len(os.sched_getaffinity(0))
    print(f"  timed phase {time.strftime('%H:%M:%S', time.localtime(run['wall0']))} -> "
          f"{time.strftime('%H:%M:%S %Z', time.localtime(run['wall1']))} ({wall:.0f} s wall); load average "
          f"{run['load0'][0]:.2f} at the start, {run['load1'][0]:.2f} at the end")
    print(f"  client CPU {cpu:.1f} s ({cpu / wall:.1%} of one core); server CPU {srv_cpu:.1f} s "
          f"({srv_cpu / wall:.1%} of one core; {cores} cores usable)")
    if room.late_wakeups:
        print(f"  event loop wakes late by p50 {statistics.median(room.late_wakeups) * 1000:.1f} ms, "
              f"p95 {pct(room.late_wakeups, 95) * 1000:.1f} ms, max {max(room.late_wakeups) * 1000:.0f} ms")
    if run["hit_limit"]:
        print("  THE TIME LIMIT STOPPED THE RUN: learners still running were cancelled")

    section("summary against the targets (printed, not asserted)")
    p95 = pct([r.seconds for r in counted], 95) if counted else math.nan
    n_err = len(errors) + len(run["crashed"])
    all_heavy = len(heavy) == len(plan) and answered_or_told == len(heavy)
    rows = [
        (f"light change p95 ({len(counted)} changes, {args.learners} learners, {cores} cores)",
         f"{p95:.2f} s", f"< {TARGET_P95_S:.0f} s", p95 < TARGET_P95_S),
        ("errors (exceptions, disconnects, timeouts, values not taken)", str(n_err), "0", n_err == 0),
        ("heavy jobs answered or told their place (or that the line is full)", f"{answered_or_told} of {len(plan)}",
         "all", all_heavy),
        # Memory under load moves with whatever the jobs hold at the moment: shown, not judged (--reruns judges).
        ("server VmRSS, end minus lowest while learners ran", f"{growth:+.1f} MB", "(info)", None),
    ]
    w = max(len(r[0]) for r in rows)
    for name, value, target, ok in rows:
        print(f"  {name:{w}s}  {value:>12s}  {target:8s}  {'' if ok is None else 'meets' if ok else 'MISSES'}")


# --- --reruns: memory over many distinct reruns ---------------------------------------------------------
async def reruns(args, srv) -> None:
    lesson = LESSONS[args.lesson]
    room = Classroom(args, srv.port, srv.proc.pid)
    who = Learner(0, 1, args.seed * 7919)
    rng = random.Random(f"{args.seed}:reruns")
    section(f"--reruns: one session on {lesson.id}, {args.rerun_warmup} warm-up reruns then {args.rerun_count}, "
            "each with inputs never asked before")
    s = await room.session()
    try:
        run = await room.open_lesson(s, who, lesson, first=True)
        print(f"  page opened in {run.seconds:.2f} s; server VmRSS {proc_status(srv.proc.pid).get('VmRSS', 0) / 1024:.1f} MB")
        phases = {}
        for name, count in (("warm-up", args.rerun_warmup), ("timed", args.rerun_count)):
            times = []
            for i in range(count):
                rec = await room.change(s, who, lesson, rng, late=False)
                if rec is None:
                    print("  no new value left for this lesson's controls")
                    break
                if rec.errors:
                    print(f"  rerun {i}: {rec.errors}")
                times.append(rec.seconds)
                if name == "timed" and (i + 1) % 100 == 0:
                    print(f"  after {i + 1:4d} timed reruns: VmRSS {proc_status(srv.proc.pid).get('VmRSS', 0) / 1024:7.1f} MB",
                          flush=True)
            await asyncio.sleep(2)  # let the server finish sending
            # VmRSS swings by tens of MB from one second to the next while the allocator gives pages back:
            # the median of five samples a second apart, not one reading, stands for the phase's end.
            samples = []
            for _ in range(5):
                samples.append(proc_status(srv.proc.pid))
                await asyncio.sleep(1)
            settled = {k: int(statistics.median(x.get(k, 0) for x in samples)) for k in ("VmRSS", "VmHWM")}
            # (more than 5 s after the last read: the server's cache of this metric has expired)
            phases[name] = (times, settled, cache_memory_mb(room.base))
            shown = " ".join(f"{x.get('VmRSS', 0) / 1024:.0f}" for x in samples)
            print(f"  {name:8s} {fmt_s(times)}   then VmRSS {settled['VmRSS'] / 1024:.1f} MB (median of {shown}), "
                  f"VmHWM {settled['VmHWM'] / 1024:.1f} MB", flush=True)
        errors = sum(1 for r in room.records if r.errors)
        growth = (phases["timed"][1].get("VmRSS", 0) - phases["warm-up"][1].get("VmRSS", 0)) / 1024
        before, after = phases["warm-up"][2], phases["timed"][2]
        section("where the growth is, by the server's own estimate of its caches (/_stcore/metrics, cache_memory_bytes)")
        grew = sorted(((after.get(k, 0) - before.get(k, 0), k) for k in set(before) | set(after)), reverse=True)
        for delta_mb, name in grew[:6]:
            print(f"  {name:60s} {before.get(name, 0):8.1f} -> {after.get(name, 0):8.1f} MB  ({delta_mb:+.1f})")
        in_caches = sum(d for d, _ in grew)
        print(f"  all caches together {in_caches:+.1f} MB of the {growth:+.1f} MB VmRSS growth; the rest "
              f"{growth - in_caches:+.1f} MB (the estimate counts pickled entries, not Python's or malloc's overhead)")
        section("summary (printed, not asserted)")
        print(f"  VmRSS after the warm-up {phases['warm-up'][1].get('VmRSS', 0) / 1024:.1f} MB, after "
              f"{len(phases['timed'][0])} more reruns {phases['timed'][1].get('VmRSS', 0) / 1024:.1f} MB: growth "
              f"{growth:+.1f} MB (target < {TARGET_GROWTH_MB:.0f} MB: {'meets' if growth < TARGET_GROWTH_MB else 'MISSES'}); "
              f"errors {errors}")
    finally:
        await s.close()


# --- --browser: the client's figures beside a real browser's ----------------------------------------------
def chromium_learner(base: str, query: dict[str, str], stop_at: float, gap: float, seed: int, out: list) -> None:
    """One Chromium tab on the scaling lesson pressing ArrowRight on n at exponential gaps, timed in the
    page as benchmarks/rerender.py times it (keydown -> new value in the URL and the caption, script idle)."""
    from playwright.sync_api import sync_playwright

    import rerender

    rng = random.Random(f"{seed}:chromium")
    with sync_playwright() as pw:
        browser = bh.launch_chromium(pw)
        try:
            ctx = browser.new_context(viewport=rerender.VIEWPORT)
            page = ctx.new_page()
            page.goto(f"{base}/scaling?{urlencode(query)}")
            bh.wait_page(page, lesson=True, timeout=120_000)
            page.evaluate(rerender.INSTRUMENT_JS)
            label = STRINGS["scaling.n"]["en"]
            cap = rerender.marker("scaling.health.caption", "n")
            while True:
                time.sleep(rng.expovariate(1 / gap))
                if time.monotonic() >= stop_at:
                    break
                out.append(rerender.press_and_time(page, label, "n", "ArrowRight", cap))
            bh.raise_on_exception(page)
        finally:
            browser.close()


async def browser_check(args, srv) -> None:
    lesson = LESSONS["scaling"]
    room = Classroom(args, srv.port, srv.proc.pid)
    await room.warm_up((lesson,))
    section(f"--browser: 2 simulated sessions and 1 Chromium, ArrowRight on n every {args.gap:.0f} s on average, "
            f"{args.duration:.0f} s")
    room.phase = "learners"
    room.t0 = time.perf_counter()
    stop_at = time.monotonic() + args.duration
    sims: list[Record] = []

    async def simulated(i: int) -> None:
        who = Learner(i, 3, args.seed * 7919)
        rng = random.Random(f"{args.seed}:{i}")
        query = {**opening_query(lesson, who), "n": str(rng.randint(100, 600))}
        s = await room.session()
        try:
            await room.open_lesson(s, who, lesson, first=True, query=query)
            while True:
                await asyncio.sleep(rng.expovariate(1 / args.gap))
                if time.monotonic() >= stop_at:
                    break
                rec = await room.change(s, who, lesson, rng, late=False, only="n", step=True)
                if rec is not None:
                    sims.append(rec)
        finally:
            await s.close()

    chromium_times: list[dict] = []
    who = Learner(2, 3, args.seed * 7919)
    query = {**opening_query(lesson, who), "n": str(random.Random(f"{args.seed}:2").randint(100, 600))}
    await asyncio.gather(simulated(0), simulated(1),
                         asyncio.to_thread(chromium_learner, room.base, query, stop_at, args.gap, args.seed,
                                           chromium_times))
    ok = [r for r in sims if not r.errors]
    section("the same change, two ways")
    print(f"  websocket client, sent -> script_finished      {fmt_s([r.seconds for r in ok])}")
    print(f"  websocket client, sent -> run started           {fmt_s([r.started_after for r in ok])}")
    print(f"  websocket client, run started -> finished       {fmt_s([r.seconds - r.started_after for r in ok])}")
    print(f"  Chromium, keydown -> new value drawn, idle      {fmt_s([r['total'] / 1000 for r in chromium_times])}")
    print(f"  Chromium, keydown -> script running             {fmt_s([r['to_start'] / 1000 for r in chromium_times])}")
    print(f"  Chromium, script running -> notRunning          {fmt_s([r['script'] / 1000 for r in chromium_times])}")
    print(f"  errors in the simulated sessions: {sum(1 for r in sims if r.errors)}")
    print("  (the browser's total also holds drawing the charts; its 'running -> notRunning' is the part the\n"
          "   websocket client's 'run started -> finished' measures)")


# --- main ------------------------------------------------------------------------------------------------------
class Server:
    """``streamlit run app.py`` on a free loopback port for the length of a ``with`` block."""

    def __init__(self, log_dir: Path, env: dict[str, str]):
        self.port = bh.free_port()
        self.log = log_dir / f"classroom-server-{self.port}.log"
        self.env = env
        self.proc = None

    def __enter__(self):
        self.proc = bh.start_server(self.port, self.log, env=self.env)
        bh.wait_healthy(f"http://127.0.0.1:{self.port}", self.proc, timeout=120, poll=0.1)
        return self

    def __exit__(self, *exc):
        bh.stop_server(self.proc)


def code_version() -> str:
    """The commit the server runs and how many files differ from it (the app served is the working tree)."""
    import subprocess

    def git(*cmd: str) -> str:
        done = subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else "?"

    changed = git("status", "--porcelain")
    n = len(changed.splitlines()) if changed != "?" else "?"
    return f"commit {git('rev-parse', '--short', 'HEAD')}, {n} files changed or new in the working tree"


class TimeLimit(BaseException):
    """Raised by SIGALRM when the hard time limit passes (BaseException: nothing may swallow it)."""


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--reruns", action="store_true", help="the memory check: one session, many distinct reruns")
    mode.add_argument("--browser", action="store_true", help="2 simulated sessions beside 1 Chromium")
    ap.add_argument("--learners", type=int, default=30)
    ap.add_argument("--duration", type=float, default=300.0, help="seconds the learners act (default 300)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gap", type=float, default=10.0, help="mean seconds between a learner's actions")
    ap.add_argument("--heavy", type=int, default=None,
                    help="heavy jobs in the run (default 3 per 150 s, at least 3)")
    ap.add_argument("--burst", type=int, default=3, help="heavy jobs started together")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds a light change or page may take")
    ap.add_argument("--heavy-timeout", type=float, default=300.0, help="seconds a heavy job may take")
    ap.add_argument("--time-limit", type=float, default=None,
                    help="hard limit for the whole benchmark, seconds (default duration + 300)")
    ap.add_argument("--mem-every", type=float, default=5.0, help="seconds between memory samples")
    ap.add_argument("--nice", type=int, default=10, help="niceness added to this process after the server starts")
    ap.add_argument("--lesson", default="scaling", choices=[x.id for x in LIGHT], help="--reruns: the lesson")
    ap.add_argument("--rerun-warmup", type=int, default=50)
    ap.add_argument("--rerun-count", type=int, default=500)
    ap.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                    help="an environment variable for the server only (repeatable), e.g. MALLOC_ARENA_MAX=2")
    args = ap.parse_args(argv)
    args.server_env = dict(item.split("=", 1) for item in args.server_env)
    if args.heavy is None:
        args.heavy = 3 * max(1, round(args.duration / 150))
    if args.time_limit is None:
        args.time_limit = args.duration + 300 + (args.rerun_warmup + args.rerun_count) * 2 * args.reruns
    return args


def main(argv=None) -> None:
    args = parse_args(argv)

    def on_alarm(signum, frame):
        raise TimeLimit(f"hard time limit of {args.time_limit:.0f} s passed")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(args.time_limit) + 1)
    log_dir = bh.ARTIFACTS / "classroom"
    started = time.time()
    print(f"classroom benchmark, {time.strftime('%Y-%m-%d %H:%M:%S %Z', time.localtime(started))}; "
          f"streamlit {__import__('streamlit').__version__}; {len(os.sched_getaffinity(0))} usable cores; "
          f"hard limit {args.time_limit:.0f} s")
    print(f"code: {code_version()}; load average {os.getloadavg()[0]:.2f} (other work on this machine counts too)")
    try:
        with Server(log_dir, args.server_env) as srv:
            os.nice(args.nice)  # after the server started: it keeps its own priority
            print(f"server pid {srv.proc.pid} on port {srv.port} (log {srv.log})"
                  + (f", environment {args.server_env}" if args.server_env else "")
                  + f"; this client pid {os.getpid()}, niceness {os.nice(0)}", flush=True)
            if args.reruns:
                asyncio.run(reruns(args, srv))
            elif args.browser:
                asyncio.run(browser_check(args, srv))
            else:
                asyncio.run(classroom(args, srv))
    except TimeLimit as e:
        print(f"\nSTOPPED: {e}")
    finally:
        signal.alarm(0)
    use = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.time() - started
    print(f"\n(the benchmark took {wall:.0f} s; this process used {use.ru_utime + use.ru_stime:.1f} s of CPU in all, "
          f"{(use.ru_utime + use.ru_stime) / wall:.1%} of one core, server start and warm-up included)")


if __name__ == "__main__":
    main()

"""What every drill quantity's test checks, whatever its group (tests/tf_core/test_drill_a.py, _b.py): its
strings (placeholders only from its facts, none in the question), its value in range, its facts plain
numbers or words, its settings named as its lesson's URL names them; and the quantities of a group computed
once, timed after their models loaded (the times are printed, not asserted: speed lives in benchmarks)."""
from __future__ import annotations

import math
import string
import time
from pathlib import Path

from tf_core.drill.base import Measured
from ui.i18n import LANGS, STRINGS, t

ROOT = Path(__file__).resolve().parents[1]
# Controls several lessons share: their URL names, declared in these modules (and the app's language).
SHARED_PARAMS = {"ui/encoders.py": ("text", "model"), "ui/decoders.py": ("prompt", "decoder")}
GLOBAL = ("lang",)  # a quantity may pin the language when its lesson's sentences depend on it


def fields(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def measure_all(quantities, models, preload=("minilm", "smollm2")) -> dict[str, Measured]:
    """qid -> Measured, each computed once, the models loaded before the clock starts."""
    for key in preload:
        models.load(key)
    out, seconds = {}, {}
    for qid, q in quantities.items():
        start = time.perf_counter()
        out[qid] = q.compute(models)
        seconds[qid] = time.perf_counter() - start
    print("\ncompute seconds:", {k: round(v, 2) for k, v in seconds.items()})
    return out


def check_strings(qid: str, m: Measured) -> None:
    known = set(m.facts) | {"value"}
    for lang in LANGS:
        assert not fields(STRINGS[f"drill.{qid}.ask"][lang]), "the question is asked before the run: no placeholder"
        assert not fields(STRINGS.get(f"drill.{qid}.unit", {}).get(lang, ""))  # no unit string: a pure number
        assert fields(STRINGS[f"drill.{qid}.reveal"][lang]) <= known, (qid, lang)
        t(f"drill.{qid}.reveal", lang, value=m.value, **m.facts)  # formats
    assert fields(STRINGS[f"drill.{qid}.reveal"]["en"]) == fields(STRINGS[f"drill.{qid}.reveal"]["zh"])


def check_value_facts_and_settings(q, m: Measured, pages: list[str]) -> None:
    """``pages``: the files (from the repository root) where the lesson's URL parameters are declared."""
    assert isinstance(m, Measured) and isinstance(m.value, float) and math.isfinite(m.value)
    if q.kind == "yesno":
        assert m.value in (0.0, 1.0)
        assert f"drill.{q.qid}.unit" not in STRINGS  # yes or no has no unit
    else:
        assert q.lo <= m.value <= q.hi
    for name, v in m.facts.items():
        assert type(v) in (int, float, str), (name, type(v))
        assert not isinstance(v, float) or math.isfinite(v), name
    sources = "".join((ROOT / p).read_text(encoding="utf-8") for p in pages)
    shared = {n for names in SHARED_PARAMS.values() for n in names} | set(GLOBAL)
    for name, v in m.settings.items():
        assert f'"{name}"' in sources or name in shared, f"{q.qid}: {name} is not a URL parameter of the lesson"
        assert isinstance(v, (int, float, str)) and not isinstance(v, bool), name

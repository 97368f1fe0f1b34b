"""The pure parts of benchmarks/classroom.py and benchmarks/st_wire.py, without a server: the client's
copy of the widget states (a wrong one would make the benchmark load the server with requests no
browser sends), the rule that makes every change ask for new inputs (else the figures would measure
cache hits), and the plan of heavy jobs."""
from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import classroom  # noqa: E402
import st_wire  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.NumberInput_pb2 import NumberInput  # noqa: E402
from streamlit.proto.Slider_pb2 import Slider  # noqa: E402

MAIN, PAGE, FRAG = "main-hash", "page-hash", "frag-1"


def delta(script=PAGE, fragment=FRAG) -> ForwardMsg:
    msg = ForwardMsg()
    msg.metadata.active_script_hash = script
    msg.delta.fragment_id = fragment
    return msg


def slider(key: str, value: float, lo=2, hi=1024, set_value=True, fragment=FRAG) -> ForwardMsg:
    msg = delta(fragment=fragment)
    p = msg.delta.new_element.slider
    p.id, p.type, p.data_type = f"$$ID-abc-{key}", Slider.SLIDER, Slider.INT
    p.min, p.max, p.step = lo, hi, 1
    p.default[:] = [32]
    if set_value:
        p.value[:], p.set_value = [value], True
    return msg


def select_slider(key: str, options: list[str], default: int) -> ForwardMsg:
    msg = delta()
    p = msg.delta.new_element.slider
    p.id, p.type = f"$$ID-def-{key}", Slider.SELECT_SLIDER
    p.options[:] = options
    p.default[:] = [default]
    return msg


def number_input(key: str, value: int) -> ForwardMsg:
    msg = delta()
    p = msg.delta.new_element.number_input
    p.id, p.data_type, p.has_min, p.has_max, p.min, p.max, p.step = f"$$ID-ghi-{key}", NumberInput.INT, True, True, 0, 9999, 1
    p.value, p.set_value = value, True
    return msg


def expander(key: str, expanded: bool) -> ForwardMsg:
    msg = delta()
    msg.delta.add_block.expandable.id = f"$$ID-jkl-{key}"
    msg.delta.add_block.expandable.expanded = expanded
    return msg


def radio(key: str, options: list[str], default: int, script=MAIN) -> ForwardMsg:
    msg = delta(script=script, fragment="")
    p = msg.delta.new_element.radio
    p.id, p.default = f"$$ID-mno-{key}", default
    p.options[:] = options
    return msg


def page_book() -> st_wire.WidgetBook:
    book = st_wire.WidgetBook()
    book.run_started()
    for msg in (radio("lang", ["English", "中文"], 0), slider("scaling.n", 77),
                select_slider("scaling.dk", ["1", "2", "64"], 2), number_input("scaling.seed", 5),
                expander("scaling.full", False)):
        book.saw_delta(msg)
    book.run_finished(None)
    return book


def test_widget_states_carry_every_widget_in_the_form_the_frontend_sends():
    book = page_book()
    states = {w.id: w for w in book.states().widgets}
    assert states["$$ID-mno-lang"].string_value == "English"
    assert list(states["$$ID-abc-scaling.n"].double_array_value.data) == [77.0]
    assert list(states["$$ID-def-scaling.dk"].string_array_value.data) == ["64"]  # the option, not its index
    assert states["$$ID-ghi-scaling.seed"].int_value == 5
    assert states["$$ID-jkl-scaling.full"].WhichOneof("value") == "bool_value"
    assert book.by_key("scaling.n").app_value() == 77.0 and st_wire.user_key("$$ID-abc-scaling.n") == "scaling.n"


def test_the_clients_value_survives_a_redraw_unless_the_script_sets_one():
    book = page_book()
    w = book.by_key("scaling.n")
    w.value = w.to_wire(300)
    book.run_started()
    book.saw_delta(slider("scaling.n", 0, set_value=False))  # drawn again, value left to the frontend
    assert book.by_key("scaling.n").app_value() == 300
    book.saw_delta(slider("scaling.n", 9))  # the script set it (a Reset button)
    assert book.by_key("scaling.n").app_value() == 9


def test_a_fragment_run_forgets_only_its_own_undrawn_widgets_and_a_page_move_keeps_the_main_scripts():
    book = page_book()
    book.run_started()
    book.saw_delta(slider("scaling.n", 77))  # the fragment drew only n this time
    book.run_finished(FRAG)
    assert book.by_key("scaling.dk") is None and book.by_key("scaling.n") is not None
    assert book.by_key("lang") is not None  # outside the fragment: kept
    book.keep_only_script(MAIN)
    assert [w.key for w in book.widgets.values()] == ["lang"]


def test_query_strings_metrics_and_values_are_read_as_the_app_writes_them():
    assert st_wire.query_dict("q=padding-mask&text=One.%0ATwo+two.") == {"q": "padding-mask", "text": "One.\nTwo two."}
    assert st_wire.same_value("0.25", "0.25") and st_wire.same_value("64", 64) and not st_wire.same_value(None, 1)
    text = ('cache_lookups_total{cache_type="st_cache_data",cache="__main__.run",result="hit"} 2\n'
            'cache_lookups_total{cache_type="st_cache_data",cache="__main__.run",result="miss"} 7\n# EOF\n')
    assert st_wire.parse_cache_lookups(text) == {("st_cache_data", "__main__.run"): {"hit": 2.0, "miss": 7.0}}


def test_every_change_asks_for_inputs_no_one_asked_for():
    lesson = classroom.LESSONS["scaling"]
    book = page_book()
    widgets = {c.param: book.by_key(f"scaling.{c.param}") for c in lesson.controls}
    current = {"q": "scaling", "dk": "64", "n": "77", "sigma": "1", "seed": "5"}
    asked, who, rng = classroom.Asked(), classroom.Learner(0, 3, 0), random.Random(0)
    asked.add(lesson, current)
    seen = {classroom.Asked._tuple(lesson.keys[0], current)}
    for _ in range(200):
        param, value = classroom.pick_change(rng, lesson, widgets, current, asked, who)
        values = {**current, param: str(value)}
        key = classroom.Asked._tuple(lesson.keys[0], values)
        assert key not in seen
        seen.add(key)
        asked.add(lesson, values)
    assert classroom.norm("3") == classroom.norm(3.0) == classroom.norm("3.0")


def test_a_control_with_nothing_new_left_gives_no_change_and_step_moves_one_notch():
    lesson = classroom.Lesson("tiny", "p", (classroom.Control("n"),), (("n",),))
    book = st_wire.WidgetBook()
    book.saw_delta(slider("tiny.n", 2, lo=2, hi=4))
    widgets, asked, who = {"n": book.by_key("tiny.n")}, classroom.Asked(), classroom.Learner(0, 1, 0)
    for v in (2, 3, 4):
        asked.add(lesson, {"n": str(v)})
    assert classroom.pick_change(random.Random(1), lesson, widgets, {"n": "2"}, asked, who) is None
    fresh = classroom.Asked()
    assert classroom.pick_change(random.Random(1), lesson, widgets, {"n": "2"}, fresh, who, step=True) == ("n", 3)


def test_learners_own_seeds_and_sentences_are_theirs_alone():
    count = 30
    seeds, sentences = set(), set()
    for i in range(count + 1):  # the warm-up is learner number `count`
        who = classroom.Learner(i, count, 7)
        for _ in range(20):
            who.visits += 1
            seeds.add(who.own_seed())
            sentences.add(who.lines())
    assert len(seeds) == len(sentences) == (count + 1) * 20


def test_heavy_jobs_come_in_bursts_to_different_learners_and_alternate_lessons():
    plan = classroom.heavy_plan(random.Random(3), jobs=6, burst=3, duration=300, learners=30)
    assert len(plan) == 6 and len({j.learner for j in plan}) == 6
    assert all(0 < j.at < 300 for j in plan) and [j.at for j in plan] == sorted(j.at for j in plan)
    first, second = plan[:3], plan[3:]
    assert max(j.at for j in first) - min(j.at for j in first) <= 3 and min(j.at for j in second) > max(j.at for j in first)
    assert {j.lesson for j in first} != {j.lesson for j in second}
    assert classroom.heavy_plan(random.Random(3), jobs=0, burst=3, duration=300, learners=30) == []


def test_the_place_in_line_is_read_from_the_pages_own_notice():
    notice = classroom.STRINGS["dec.waiting"]["en"].format(position=2)
    assert classroom.told_place([(1.5, notice), (2.0, "something else")]) == [(1.5, 2)]
    assert classroom.spread_rows(list(range(10)), 4) == [0, 3, 6, 9]


def test_the_wire_modules_examples_hold():
    import doctest

    assert doctest.testmod(st_wire).failed == 0

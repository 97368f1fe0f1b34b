"""AppTest of the `scaling` lesson: every widget at both ends, in both languages, URLs and reset."""
from __future__ import annotations

import pytest
from apptest_helpers import assert_healthy as healthy, exceptions, open_app, open_expanders, page_text, vega_frames

from tf_core import limits
from ui.curriculum import load as load_curriculum
from ui.i18n import t
from ui.qa import PLACEHOLDER

DK, N, SIGMA, SEED = limits.SCALING_DK, limits.SCALING_N, limits.SCALING_SIGMA, limits.SEED
TITLE = {lang: load_curriculum().get("scaling").title(lang) for lang in ("en", "zh")}


def widget(at, name):
    key = f"scaling.{name}"
    if name in ("dk", "sigma"):
        return at.select_slider(key=key)
    return at.slider(key=key)


def assert_healthy(at, lang):
    # variance, weights, the health legend and its three panels; each drawing rows of data
    return healthy(at, "scaling", lang, 6)


@pytest.fixture(params=["en", "zh"])
def lang(request):
    return request.param


@pytest.fixture
def scaling_app(lang):
    at = open_app(q="scaling", lang=lang)
    assert_healthy(at, lang)
    return at


@pytest.mark.parametrize(
    "name, ends",
    [("dk", (DK.lo, DK.hi)), ("n", (N.lo, N.hi)), ("sigma", (SIGMA.lo, SIGMA.hi)), ("seed", (SEED.lo, SEED.hi))],
)
def test_every_widget_at_both_ends_changes_live_numbers(scaling_app, lang, name, ends):
    at = scaling_app
    before = page_text(at)
    for value in ends:
        widget(at, name).set_value(value).run()
        assert_healthy(at, lang)
        assert widget(at, name).value == value
        assert at.query_params[name] == (str(value) if name != "sigma" else f"{value:g}")
        after = page_text(at)
        # seed 0 and sigma 0.25... all differ from the defaults except where an end IS the default
        if value != widget_default(name):
            assert after != before, f"{name}={value} changed nothing on the page"
        before = after


def widget_default(name):
    return {"dk": DK.default, "n": N.default, "sigma": SIGMA.default, "seed": SEED.default}[name]


@pytest.mark.parametrize("dk, n", [(DK.lo, N.lo), (DK.lo, N.hi), (DK.hi, N.lo), (DK.hi, N.hi)])
def test_pairs_of_extremes(dk, n):
    at = open_app(q="scaling", lang="en", dk=str(dk), n=str(n), sigma=str(SIGMA.hi), seed=str(SEED.hi))
    assert_healthy(at, "en")
    assert widget(at, "dk").value == dk and widget(at, "n").value == n
    assert not at.info  # valid values: no notice


def test_live_number_in_short_answer_is_the_lab_result():
    """The short answer quotes the sampled spread; the largest weights, exact, are in the full answer
    (the takeaway says them aloud: tests/pages/test_takeaway.py)."""
    import math

    from tf_core.lab import scaling as lab
    from ui.text import num

    at = open_app(q="scaling", lang="en", dk="4096", n="1024", seed="7")
    r = lab.run(dk=4096, n=1024, seed=7)
    short = at.markdown[0].value
    assert f"standard deviation of {num(math.sqrt(r.at_var_raw))}." in " ".join(short.split())
    full = open_expanders(at, "scaling.full").expander[0].markdown[0].value
    assert f"averages {num(r.at_raw.pmax)} unscaled and {num(r.at_scaled.pmax)} scaled" in full


@pytest.mark.parametrize("sigma", [2.0, 0.5])
def test_variance_ratio_on_the_card_divides_by_the_theory(sigma):
    """At sigma != 1 the theory is d_k sigma^4: the card's sampled/theory ratio is ~1, not ~sigma^4."""
    from tf_core.lab import scaling as lab
    from ui.text import num

    at = open_app(q="scaling", lang="en", sigma=f"{sigma:g}", seed="3")
    open_expanders(at, "scaling.full")
    r = lab.run(dk=DK.default, n=N.default, seed=3, sigma=sigma)
    ratio = r.var_raw[-1] / (r.dk_grid[-1] * sigma**4)
    assert abs(ratio - 1) < 0.1
    full = at.expander[0].markdown[0].value
    assert f"the ratio sampled/theory is {num(ratio)}." in full
    assert f"the ratio sampled/theory is {num(r.var_raw[-1] / r.dk_grid[-1])}." not in full


def test_charts_draw_the_lab_result():
    from tf_core.lab import scaling as lab

    at = open_app(q="scaling", lang="en", dk="96", n="50", sigma="1.5", seed="11")
    r = lab.run(dk=96, n=50, seed=11, sigma=1.5)
    (_, var), (_, weights), _, (_, pmax), (_, entropy), (_, jac) = vega_frames(at)
    chosen = var[var["kind"] == "at"]
    assert chosen["dk"].tolist() == [96, 96]
    assert chosen["value"].tolist() == pytest.approx([r.at_var_raw, r.at_var_scaled], rel=1e-12)
    sampled = var[var["series"] == t("scaling.var.raw", "en")]
    assert sampled["value"].tolist() == pytest.approx(r.var_raw.tolist(), rel=1e-12)
    assert len(weights) == 2 * 50 and weights["weight"].max() == pytest.approx(r.weights_raw.max(), rel=1e-12)
    for frame, at_values in ((pmax, r.at_raw.pmax), (entropy, r.at_raw.entropy), (jac, r.at_raw.jacobian_norm)):
        assert frame[frame["kind"] == "at"]["value"].iloc[0] == pytest.approx(at_values, rel=1e-12)


def test_closed_expanders_are_lazy_and_open_ones_are_filled(lang):
    at = open_app(q="scaling", lang=lang)
    assert [len(e.children) for e in at.expander] == [0, 0, 0, 0]  # nothing built while closed (the last: export)
    assert not at.code
    open_expanders(at, "scaling.full", "scaling.followups", "scaling.code")
    assert not exceptions(at), exceptions(at)
    assert [len(e.children) for e in at.expander] == [1, 1, 1, 0]
    full = at.expander[0].markdown[0].value
    assert "$$" in full and not PLACEHOLDER.search(page_text(at))
    assert "def run(" in at.code[0].value
    # the open card follows the sliders
    widget(at, "n").set_value(N.hi).run()
    assert at.expander[0].markdown[0].value != full


def test_deep_link_from_root_opens_the_lesson_with_its_settings():
    at = open_app(q="scaling", lang="zh", dk="4096", n="100", sigma="2", seed="3")
    assert_healthy(at, "zh")
    assert (widget(at, "dk").value, widget(at, "n").value, widget(at, "sigma").value, widget(at, "seed").value) == (
        4096, 100, 2.0, 3)
    assert dict(at.query_params) == {"q": "scaling", "lang": "zh", "dk": "4096", "n": "100", "sigma": "2", "seed": "3"}


def test_deep_link_from_the_page_path(lang):
    at = open_app(q="scaling", lang=lang)
    at.switch_page("app_pages/scaling.py").run()
    assert_healthy(at, lang)


@pytest.mark.parametrize(
    "query, expected, notice_key",
    [
        ({"dk": "abc"}, {"dk": 64}, "notice.bad_value"),
        ({"dk": "100"}, {"dk": 96}, "notice.snapped"),
        ({"dk": "1e9"}, {"dk": 4096}, "notice.clamped"),
        ({"n": "-5"}, {"n": 2}, "notice.clamped"),
        ({"n": "3.5"}, {"n": 32}, "notice.bad_value"),
        ({"sigma": "nan"}, {"sigma": 1.0}, "notice.bad_value"),
        ({"seed": "inf"}, {"seed": 0}, "notice.bad_value"),
        ({"foo": "1"}, {}, "notice.unknown_param"),
    ],
)
def test_bad_url_values_fall_back_with_a_notice(query, expected, notice_key):
    at = open_app(q="scaling", lang="en", **query)
    assert_healthy(at, "en")
    for name, value in expected.items():
        assert widget(at, name).value == value
    notices = " ".join(i.value for i in at.info)
    prefix = t(notice_key, "en", name="X", value="X", used="X", lo=0, hi=0).split("X")[0]
    assert prefix and prefix in notices


def test_url_text_is_never_rendered_as_markup():
    at = open_app(q="scaling", lang="en", dk="<script>alert(1)</script>", **{"[x](javascript:alert(1))": "1"})
    assert_healthy(at, "en")
    notices = " ".join(i.value for i in at.info)
    assert "<script>" not in notices and "](javascript" not in notices
    assert r"\<script\>" in notices


def test_control_characters_and_huge_values_in_url():
    at = open_app(q="scaling", lang="en", dk="\x00\x1b[31m" + "9" * 5000, n="\u202e12")
    assert_healthy(at, "en")
    assert all(len(i.value) < 300 for i in at.info)


def test_language_switch_keeps_page_and_settings():
    at = open_app(q="scaling", lang="en")
    widget(at, "dk").set_value(256).run()
    widget(at, "n").set_value(100).run()
    at.radio(key="lang").set_value("zh").run()
    assert_healthy(at, "zh")
    assert widget(at, "dk").value == 256 and widget(at, "n").value == 100
    assert at.query_params["lang"] == "zh" and at.query_params["dk"] == "256"


def test_reset_restores_defaults():
    at = open_app(q="scaling", lang="en", dk="4096", n="1000", sigma="4", seed="9")
    at.button(key="scaling.reset").click().run()
    assert_healthy(at, "en")
    assert (widget(at, "dk").value, widget(at, "n").value, widget(at, "sigma").value, widget(at, "seed").value) == (
        DK.default, N.default, SIGMA.default, SEED.default)
    assert at.query_params["dk"] == str(DK.default)


def test_limits_are_shown_with_the_controls():
    at = open_app(q="scaling", lang="en")
    assert str(DK.hi) in widget(at, "dk").help and str(N.hi) in widget(at, "n").help
    assert str(SEED.hi) in widget(at, "seed").help
    assert f"{DK.lo}" in widget(at, "dk").help and f"{N.lo}" in widget(at, "n").help  # both ends, in the help
    assert f"{SEED.lo}" in widget(at, "seed").help


def test_sidebar_names_the_device_and_thread_counts(lang):
    from tf_core.device import cpu_threads

    at = open_app(q="scaling", lang=lang)
    light, heavy = cpu_threads()
    shown = [c.value for c in at.sidebar.caption]
    assert t("sidebar.cpu", lang, n=light, heavy=heavy) in shown

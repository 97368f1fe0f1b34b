"""Tests for tf_core.limits: the input caps shared by the app and the lab functions."""
from __future__ import annotations

import math

import pytest

from tf_core import limits
from tf_core.limits import FloatRange, IntRange

R = IntRange(1, 97, 7)
F_ = FloatRange(0.25, 4.0, 1.0)


# --------------------------------------------------------------------------- IntRange


@pytest.mark.parametrize("value,expected", [(-5, 1), (0, 1), (1, 1), (7, 7), (97, 97), (98, 97), (10**9, 97)])
def test_int_clamp(value, expected):
    out = R.clamp(value)
    assert out == expected and type(out) is int


def test_int_clamp_truncates_floats_toward_zero():
    assert R.clamp(7.9) == 7
    assert type(R.clamp(7.9)) is int


@pytest.mark.parametrize("value", [1, 2, 50, 97, 5.0])
def test_int_check_accepts_integers_inside(value):
    out = R.check("x", value)
    assert out == value and type(out) is int


@pytest.mark.parametrize("value", [0, -1, 98, 10**6])
def test_int_check_rejects_outside(value):
    with pytest.raises(ValueError, match=r"x=.* outside the limit \[1, 97\]"):
        R.check("x", value)


@pytest.mark.parametrize("value", [True, False, 2.5, 1.0000001, float("nan"), "5", "abc", None])
def test_int_check_rejects_non_integers(value):
    with pytest.raises(ValueError):
        R.check("x", value)


def test_int_check_rejects_bool_even_inside_range():
    # True == 1 is inside [1, 97]; it must still be refused, with the integer message
    with pytest.raises(ValueError, match="must be an integer"):
        R.check("x", True)


@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_int_check_rejects_infinity_with_value_error(value):
    with pytest.raises(ValueError):
        R.check("x", value)


@pytest.mark.parametrize("lo,hi,default", [(1, 5, 0), (1, 5, 6), (5, 1, 3)])
def test_int_range_default_outside_raises(lo, hi, default):
    with pytest.raises(ValueError, match="outside"):
        IntRange(lo, hi, default)


def test_int_range_single_point():
    r = IntRange(3, 3, 3)
    assert r.check("x", 3) == 3 and r.clamp(-1) == 3 and r.clamp(9) == 3


# --------------------------------------------------------------------------- FloatRange


@pytest.mark.parametrize("value,expected", [(0.0, 0.25), (0.25, 0.25), (1.5, 1.5), (4.0, 4.0), (1e9, 4.0), (-math.inf, 0.25), (math.inf, 4.0)])
def test_float_clamp(value, expected):
    out = F_.clamp(value)
    assert out == expected and type(out) is float


@pytest.mark.parametrize("value", [0.25, 1, 2.5, 4.0])
def test_float_check_accepts_inside(value):
    out = F_.check("s", value)
    assert out == value and type(out) is float


@pytest.mark.parametrize("value", [0.2499, 4.0001, -1.0, math.nan, math.inf, -math.inf])
def test_float_check_rejects_outside_and_nan(value):
    with pytest.raises(ValueError, match="outside the limit"):
        F_.check("s", value)


@pytest.mark.parametrize("value", [None, "abc", [1.0]])
def test_float_check_rejects_non_numbers(value):
    with pytest.raises(ValueError):
        F_.check("s", value)


@pytest.mark.parametrize("lo,hi,default", [(0.5, 1.0, 0.25), (0.5, 1.0, 1.5), (0.0, 1.0, math.nan)])
def test_float_range_default_outside_raises(lo, hi, default):
    with pytest.raises(ValueError, match="outside"):
        FloatRange(lo, hi, default)


def test_ranges_are_frozen():
    with pytest.raises(AttributeError):
        R.lo = 0  # type: ignore[misc]


# --------------------------------------------------------------------------- the constants


def _range_constants():
    return {
        name: value for name, value in vars(limits).items() if isinstance(value, (IntRange, FloatRange))
    }


def test_every_range_constant_is_consistent():
    constants = _range_constants()
    # the ones the scaling lesson depends on are all there
    assert {"SEED", "SCALING_DK", "SCALING_N", "SCALING_SIGMA"} <= set(constants)
    for name, r in constants.items():
        assert r.lo <= r.default <= r.hi, name
        assert r.check(name, r.default) == r.default, name
        assert r.clamp(r.default) == r.default, name
        if isinstance(r, IntRange):
            assert all(type(x) is int for x in (r.lo, r.hi, r.default)), name


def test_scalar_caps_are_positive_integers():
    for name in ("SCALING_PAIRS", "SCALING_QUERIES", "ENCODER_TOKENS", "ENCODER_TEXT_CHARS"):
        value = getattr(limits, name)
        assert type(value) is int and value > 0, name
    # the scaling lesson's d_k grid is powers of two up to the cap
    assert limits.SCALING_DK.lo == 1
    assert limits.SCALING_DK.hi & (limits.SCALING_DK.hi - 1) == 0


def test_every_cap_is_defined_in_exactly_one_topic_module_and_read_from_the_package():
    """The package star-imports its topic modules: a name defined in two of them would silently take the
    later one's value. Every cap is defined once and the package holds that very object."""
    import importlib
    import pkgutil

    owners: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(limits.__path__):
        module = importlib.import_module(f"tf_core.limits.{info.name}")
        for name, value in vars(module).items():
            if name.isupper():
                owners.setdefault(name, []).append(info.name)
                assert getattr(limits, name) is value, name
    assert len(owners) > 100 and not {n: m for n, m in owners.items() if len(m) > 1}
    assert {n for n in vars(limits) if n.isupper()} == set(owners) | {"SEED"}

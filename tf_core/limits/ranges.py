"""The two kinds of cap: an inclusive integer or float range with a default, checked at both ends."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IntRange:
    """An inclusive integer range with the default a lesson starts from."""

    lo: int
    hi: int
    default: int

    def __post_init__(self) -> None:
        if not (self.lo <= self.default <= self.hi):
            raise ValueError(f"default {self.default} outside [{self.lo}, {self.hi}]")

    @classmethod
    def indices(cls, n: int) -> IntRange:
        """The valid indices of n things (a model's layers, heads, a prompt's positions): 0 .. n - 1."""
        return cls(0, n - 1, 0)

    def clamp(self, value: int) -> int:
        return max(self.lo, min(self.hi, int(value)))

    def check(self, name: str, value: int) -> int:
        """Return ``value`` if it is an int inside the range, else raise ``ValueError``."""
        try:
            whole = int(value)
        except (TypeError, ValueError, OverflowError):  # None, "x", NaN, inf
            raise ValueError(f"{name} must be an integer, got {value!r}") from None
        if isinstance(value, bool) or whole != value:
            raise ValueError(f"{name} must be an integer, got {value!r}")
        if not (self.lo <= value <= self.hi):
            raise ValueError(f"{name}={value} is outside the limit [{self.lo}, {self.hi}]")
        return int(value)


@dataclass(frozen=True)
class FloatRange:
    """An inclusive float range with a default."""

    lo: float
    hi: float
    default: float

    def __post_init__(self) -> None:
        if not (self.lo <= self.default <= self.hi):
            raise ValueError(f"default {self.default} outside [{self.lo}, {self.hi}]")

    def clamp(self, value: float) -> float:
        return max(self.lo, min(self.hi, float(value)))

    def check(self, name: str, value: float) -> float:
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, got {value!r}") from None
        if not (self.lo <= value <= self.hi):  # also rejects NaN
            raise ValueError(f"{name}={value} is outside the limit [{self.lo}, {self.hi}]")
        return value

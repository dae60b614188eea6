"""The FEEL pieces of a DMN model, compiled once at deployment.

This is the only module of ``engine.dmn`` that talks to ``engine.feel``; everything else works
with :class:`FeelExpression` and :class:`UnaryTests`. Compiling at parse time is what makes a
typo in a rule a deployment error (as in Zeebe) instead of a surprise on the first evaluation.

DMN uses FEEL in two grammars: *expressions* (input expressions, output entries, literal
expressions, default outputs) and *unary tests* (input entries: ``-``, ``"a","b"``, ``< 10``,
``[1..5]``, ``not(...)``, or any boolean expression using ``?`` for the input value).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import engine.feel as feel
from engine.feel import FeelError, FeelSyntaxError
from engine.feel.values import YearsMonthsDuration

__all__ = [
    "FeelError",
    "FeelExpression",
    "FeelSyntaxError",
    "UnaryTests",
    "compile_expression",
    "compile_unary_tests",
    "is_years_months_duration",
    "to_json",
]


@dataclass(frozen=True, slots=True)
class FeelExpression:
    """A compiled FEEL expression and its source text (for messages)."""

    text: str
    compiled: Any = field(repr=False, compare=False)

    def evaluate(self, variables: Mapping[str, Any], now: dt.datetime | None = None) -> Any:
        """The FEEL value (not yet JSON); raises :class:`FeelError`."""
        return self.compiled.evaluate(variables, now=now)


@dataclass(frozen=True, slots=True)
class UnaryTests:
    """A compiled input entry. ``compiled`` is ``None`` for ``-`` and an empty cell, which match
    any input value without calling FEEL (the common case in a wide table)."""

    text: str
    compiled: Any = field(repr=False, compare=False)

    @property
    def matches_anything(self) -> bool:
        return self.compiled is None

    def test(
        self, input_value: Any, variables: Mapping[str, Any], now: dt.datetime | None = None
    ) -> Any:
        """``True``/``False``/``None`` (undecidable, e.g. incomparable types: no match) for the
        input value; raises :class:`FeelError`."""
        if self.compiled is None:
            return True
        return self.compiled.test(input_value, variables, now=now)


def compile_expression(text: str) -> FeelExpression:
    """Raises :class:`FeelSyntaxError`."""
    return FeelExpression(text=text, compiled=feel.compile(text))


def compile_unary_tests(text: str) -> UnaryTests:
    """Raises :class:`FeelSyntaxError`."""
    stripped = text.strip()
    if stripped in ("", "-"):
        return UnaryTests(text=text, compiled=None)
    return UnaryTests(text=text, compiled=feel.compile_unary_tests(text))


def to_json(value: Any) -> Any:
    """A FEEL value as a JSON-compatible Python value (dates as ISO text, numbers as int/float)."""
    return feel.to_json_value(value)


def is_years_months_duration(value: Any) -> bool:
    """FEEL's years-and-months duration (``P1Y2M``) has its own class in ``engine.feel``."""
    return isinstance(value, YearsMonthsDuration)

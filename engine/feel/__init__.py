"""FEEL, the expression language of BPMN/DMN, as Camunda's feel-scala implements it.

Public API (everything else in this package is internal)::

    evaluate(expression, variables=None, *, now=None) -> value
    compile(expression) -> CompiledExpression          # cached by text; .evaluate(variables)
    evaluate_unary_tests(tests, input_value, variables=None, *, now=None) -> bool
    compile_unary_tests(tests) -> CompiledUnaryTests    # .evaluate(input_value, variables)
    is_expression(text) / strip_expression_marker(text)   # BPMN's leading "="
    to_json_value(value)                                 # FEEL result → JSON-compatible
    FeelError, FeelSyntaxError, FeelEvaluationError

Values: null is None, numbers come back as int when integral and Decimal otherwise, dates and
times are ``datetime`` types, days-time durations ``timedelta``, years-months durations
:class:`YearsMonthsDuration`.  Incoming floats are read as exact decimals (``0.1`` is 0.1).
``now`` pins the clock of ``now()``/``today()`` (the engine passes its controllable clock).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from typing import Any

from . import ast as _ast
from .builtins import load as _load_builtins
from .errors import FeelError, FeelEvaluationError, FeelSyntaxError, FeelWarning, InvalidValue
from .interpreter import Fn, compile_node
from .parser import parse_expression, parse_unary_tests
from .references import variable_names
from .runtime import DEFAULT_BUDGET, Env, State
from .unary import Test, compile_unary
from .values import (
    FeelFunction,
    FeelRange,
    YearsMonthsDuration,
    from_python,
    to_json_value,
    to_python,
)

_load_builtins()

__all__ = [
    "CompiledExpression",
    "CompiledUnaryTests",
    "FeelError",
    "FeelEvaluationError",
    "FeelFunction",
    "FeelRange",
    "FeelSyntaxError",
    "FeelWarning",
    "YearsMonthsDuration",
    "compile",
    "compile_unary_tests",
    "evaluate",
    "evaluate_unary_tests",
    "is_expression",
    "strip_expression_marker",
    "to_json_value",
]

_CACHE_SIZE = 4096


def is_expression(text: object) -> bool:
    """True when a BPMN attribute holds a FEEL expression (it starts with ``=``)."""
    return isinstance(text, str) and text.lstrip().startswith("=")


def strip_expression_marker(text: str) -> str:
    """``"= a + 1"`` → ``"a + 1"``; text without the marker is returned unchanged."""
    stripped = text.lstrip()
    return stripped[1:] if stripped.startswith("=") else text


def _run(expression: str, body: Any, *args: Any) -> Any:
    """Run compiled code so that nothing but FeelError leaves the package."""
    try:
        return body(*args)
    except FeelError as exc:
        if exc.expression is None:
            raise type(exc)(exc.message, expression=expression, position=exc.position) from None
        raise
    except InvalidValue as exc:
        raise FeelEvaluationError(exc.message, expression=expression) from None
    except RecursionError:
        raise FeelEvaluationError(
            "the expression is nested too deeply to evaluate", expression=expression
        ) from None
    except MemoryError:
        raise FeelEvaluationError(
            "the expression needs too much memory", expression=expression
        ) from None
    except Exception as exc:  # the engine must only ever see FeelError
        raise FeelEvaluationError(
            f"failed to evaluate the expression: {exc!r}", expression=expression
        ) from None


def _state(variables: Mapping[str, Any] | None, now: dt.datetime | None, budget: int) -> State:
    """Variables may be any mapping (the engine's scope chain, say): they are read lazily,
    one name at a time, never copied."""
    if variables is not None and not hasattr(variables, "get"):
        raise FeelEvaluationError(f"variables must be a mapping, not {type(variables).__name__}")
    return State(variables, now, budget)


class CompiledExpression:
    """A parsed and compiled FEEL expression; evaluate it as often as needed (thread-safe)."""

    __slots__ = ("_fn", "_tree", "text")

    def __init__(self, text: str, fn: Fn, tree: _ast.Node | None = None) -> None:
        self.text = text
        self._fn = fn
        self._tree = tree

    @property
    def variable_names(self) -> list[str]:
        """The variables the expression reads (``a.b > c`` → ``["a", "c"]``); names bound
        inside it (iterators, parameters, ``item``) are not included."""
        return variable_names(self._tree) if self._tree is not None else []

    def evaluate(
        self,
        variables: Mapping[str, Any] | None = None,
        *,
        now: dt.datetime | None = None,
        budget: int = DEFAULT_BUDGET,
    ) -> Any:
        state = _state(variables, now, budget)
        return _run(self.text, self._evaluate, state)

    def evaluate_with_warnings(
        self,
        variables: Mapping[str, Any] | None = None,
        *,
        now: dt.datetime | None = None,
        budget: int = DEFAULT_BUDGET,
    ) -> tuple[Any, list[FeelWarning]]:
        """The result and the reasons why parts of it became null (feel-scala's
        "suppressed failures"): missing variables, wrong types, unknown functions.
        ``str(warning)`` reads like Zeebe's: ``[NO_VARIABLE_FOUND] No variable found ...``."""
        state = _state(variables, now, budget)
        return _run(self.text, self._evaluate, state), state.warnings

    def _evaluate(self, state: State) -> Any:
        result = self._fn(Env(state.top, None, state))
        t = type(result)
        if t is bool or t is str or t is int or result is None:
            return result
        return to_python(result)

    def __repr__(self) -> str:
        return f"CompiledExpression({self.text!r})"


class CompiledUnaryTests:
    """Parsed DMN unary tests (an input entry of a decision table)."""

    __slots__ = ("_test", "text")

    def __init__(self, text: str, test: Test) -> None:
        self.text = text
        self._test = test

    def evaluate(
        self,
        input_value: Any,
        variables: Mapping[str, Any] | None = None,
        *,
        now: dt.datetime | None = None,
        budget: int = DEFAULT_BUDGET,
    ) -> bool:
        """True when the input value passes; null (not comparable) counts as not passing."""
        return self.test(input_value, variables, now=now, budget=budget) is True

    def test(
        self,
        input_value: Any,
        variables: Mapping[str, Any] | None = None,
        *,
        now: dt.datetime | None = None,
        budget: int = DEFAULT_BUDGET,
    ) -> bool | None:
        """The three-valued result: True, False, or None when the tests could not decide
        (e.g. the input cannot be compared with the test's values)."""
        state = _state(variables, now, budget)
        value = from_python(input_value)
        result = _run(self.text, self._test, Env(state.top, None, state), value)
        return result if type(result) is bool else None


_expression_cache: dict[str, CompiledExpression] = {}
_unary_cache: dict[str, CompiledUnaryTests] = {}
_lock = threading.Lock()


def _compile_tree(text: str, node: _ast.Node, build: Any) -> Any:
    try:
        return build(node)
    except RecursionError:
        raise FeelSyntaxError("the expression is nested too deeply", expression=text) from None


def compile(expression: str) -> CompiledExpression:
    """Parse and compile ``expression`` (a leading BPMN ``=`` is allowed); cached by text."""
    cached = _expression_cache.get(expression)
    if cached is not None:
        return cached
    if not isinstance(expression, str):
        raise FeelSyntaxError(f"a FEEL expression must be text, not {type(expression).__name__}")
    text = strip_expression_marker(expression)
    node = parse_expression(text)
    compiled = CompiledExpression(text, _compile_tree(text, node, compile_node), node)
    with _lock:
        if len(_expression_cache) >= _CACHE_SIZE:
            _expression_cache.clear()
        _expression_cache[expression] = compiled
    return compiled


def evaluate(
    expression: str,
    variables: Mapping[str, Any] | None = None,
    *,
    now: dt.datetime | None = None,
    budget: int = DEFAULT_BUDGET,
) -> Any:
    """Evaluate a FEEL expression with the given variables; raise FeelError on failure."""
    return compile(expression).evaluate(variables, now=now, budget=budget)


def compile_unary_tests(tests: str) -> CompiledUnaryTests:
    """Parse and compile unary tests (``-``, ``"a","b"``, ``< 10``, ``[1..5]``, ``not(...)``,
    expressions with ``?``); cached by text."""
    cached = _unary_cache.get(tests)
    if cached is not None:
        return cached
    if not isinstance(tests, str):
        raise FeelSyntaxError(f"unary tests must be text, not {type(tests).__name__}")
    node = parse_unary_tests(tests)
    compiled = CompiledUnaryTests(tests, _compile_tree(tests, node, compile_unary))
    with _lock:
        if len(_unary_cache) >= _CACHE_SIZE:
            _unary_cache.clear()
        _unary_cache[tests] = compiled
    return compiled


def evaluate_unary_tests(
    tests: str,
    input_value: Any,
    variables: Mapping[str, Any] | None = None,
    *,
    now: dt.datetime | None = None,
) -> bool:
    """Does ``input_value`` pass the unary tests (a DMN input entry)?"""
    return compile_unary_tests(tests).evaluate(input_value, variables, now=now)

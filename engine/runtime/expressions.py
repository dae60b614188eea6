"""Evaluating the model's :class:`Expression` values with FEEL, with messages designers read.

Compiled FEEL is cached by source text (a deployed diagram evaluates the same few expressions
millions of times). Failures become :class:`ExpressionFailure` whose message names the
expression and what went wrong; the caller adds the element and turns it into an incident.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from engine.model.elements import Expression


class ExpressionFailure(Exception):
    """An expression could not be evaluated; becomes an incident (EXTRACT_VALUE_ERROR unless
    ``error_type`` says otherwise)."""

    error_type: str | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StepFailure(ExpressionFailure):
    """A step of an element failed for a reason with its own incident type."""

    def __init__(self, message: str, error_type: str) -> None:
        super().__init__(message)
        self.error_type = error_type


_TYPE_NAMES = {
    type(None): "NULL",
    bool: "BOOLEAN",
    int: "NUMBER",
    float: "NUMBER",
    str: "STRING",
    list: "LIST",
    dict: "CONTEXT",
    Decimal: "NUMBER",
}


def type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__.upper())


class Expressions:
    def __init__(self, now_ms: Callable[[], int] | None = None) -> None:
        self._cache: dict[str, Any] = {}
        self._now_ms = now_ms

    def _compiled(self, source: str) -> Any:
        compiled = self._cache.get(source)
        if compiled is None:
            from engine import feel

            try:
                compiled = feel.compile(source)
            except Exception as exc:  # FeelSyntaxError and friends
                raise ExpressionFailure(
                    f"failed to parse expression '{source}': {_reason(exc)}"
                ) from exc
            self._cache[source] = compiled
        return compiled

    def feel(self, source: str, variables: Mapping[str, Any]) -> Any:
        """Evaluate FEEL ``source``; the result is a FEEL value (dates stay typed)."""
        compiled = self._compiled(source)
        try:
            return _evaluate(compiled, variables, self._now_ms)
        except ExpressionFailure:
            raise
        except Exception as exc:
            raise ExpressionFailure(
                f"failed to evaluate expression '{source}': {_reason(exc)}"
            ) from exc

    def why_null(self, expr: Expression, variables: Mapping[str, Any]) -> str:
        """The FEEL warnings explaining a null result (e.g. "no variable found for name 'x'"),
        as a sentence to append to an incident message; empty when there are none."""
        if not expr.is_feel:
            return ""
        try:
            compiled = self._compiled(expr.source)
            with_warnings = getattr(compiled, "evaluate_with_warnings", None)
            if with_warnings is None:
                return ""
            _, warnings = with_warnings(variables)
        except Exception:
            return ""
        return (" (" + "; ".join(str(w) for w in warnings) + ")") if warnings else ""

    def _mismatch(
        self, expr: Expression, variables: Mapping[str, Any], expected: str, value: Any
    ) -> ExpressionFailure:
        return ExpressionFailure(
            f"Expected result of the expression '{expr.source}' to be {expected}, "
            f"but was '{type_name(value)}'"
            + (self.why_null(expr, variables) if value is None else "")
        )

    def evaluate(self, expr: Expression, variables: Mapping[str, Any]) -> Any:
        if not expr.is_feel:
            return expr.source
        return self.feel(expr.source, variables)

    def string(
        self, expr: Expression, variables: Mapping[str, Any], *, allow_number: bool = False
    ) -> str:
        value = self.evaluate(expr, variables)
        if isinstance(value, str):
            return value
        if (
            allow_number
            and isinstance(value, int | float | Decimal)
            and not isinstance(value, bool)
        ):
            return str(int(value)) if float(value).is_integer() else str(value)
        expected = "'STRING' or 'NUMBER'" if allow_number else "'STRING'"
        raise self._mismatch(expr, variables, expected, value)

    def boolean(self, expr: Expression, variables: Mapping[str, Any]) -> bool:
        value = self.evaluate(expr, variables)
        if isinstance(value, bool):
            return value
        raise self._mismatch(expr, variables, "'BOOLEAN'", value)

    def integer(self, expr: Expression, variables: Mapping[str, Any]) -> int:
        value = self.evaluate(expr, variables)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        elif (
            isinstance(value, int | float | Decimal)
            and not isinstance(value, bool)
            and float(value).is_integer()
        ):
            return int(value)
        raise self._mismatch(expr, variables, "'NUMBER'", value)


def _evaluate(compiled: Any, variables: Mapping[str, Any], now_ms: Callable[[], int] | None) -> Any:
    if now_ms is not None:
        try:
            return compiled.evaluate(variables, now=_now_datetime(now_ms))
        except TypeError as exc:
            if "now" not in str(exc):
                raise
    return compiled.evaluate(variables)


def _now_datetime(now_ms: Callable[[], int]) -> Any:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(now_ms() / 1000, tz=UTC)


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text


def to_json(value: Any) -> Any:
    """A FEEL value as a JSON-compatible Python value (variables are JSON in Zeebe)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    try:
        from engine import feel

        converter = getattr(feel, "to_json_value", None)
        if converter is not None:
            return converter(value)
    except ImportError:
        pass
    iso = getattr(value, "isoformat", None)
    if callable(iso):
        return iso()
    return str(value)

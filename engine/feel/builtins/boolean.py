"""Boolean functions: not, is defined, get or else, assert."""

from __future__ import annotations

from typing import Any

from ..errors import FeelEvaluationError
from . import builtin
from .checks import boolean


@builtin("not", "negand")
def not_(v: Any) -> bool:
    return not boolean(v)


@builtin("is defined", "value")
def is_defined(v: Any) -> bool:
    # feel-scala: a missing variable evaluates to null, so this is "is not null"
    return v is not None


@builtin("get or else", "value", "default")
def get_or_else(value: Any, default: Any) -> Any:
    return default if value is None else value


@builtin("assert", "value", "condition")
def assert_(value: Any, condition: Any) -> Any:
    if condition is not True:
        raise FeelEvaluationError(
            f"assertion failure: the condition is not fulfilled for the value {value!r}"
        )
    return value


@builtin("assert", "value", "condition", "cause")
def assert_cause(value: Any, condition: Any, cause: Any) -> Any:
    if condition is not True:
        raise FeelEvaluationError(f"assertion failure: {cause}")
    return value

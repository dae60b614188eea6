"""Built-in functions, one module per family (as feel-scala's ``builtin/``).

Each family registers overloads with :func:`builtin`; a call picks the first overload whose
parameters fit (by count, or by names for named arguments).  A built-in signals "these values
are not for me" by raising :class:`InvalidValue` (or a Python error such as ValueError), and
the call then gives null, as in feel-scala.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import FeelEvaluationError, InvalidValue
from ..runtime import MISSING, State
from ..values import from_python, show


class NoMatch(Exception):
    """Raised by an overload that does not handle the argument types."""


@dataclass(frozen=True, slots=True)
class Builtin:
    name: str
    params: tuple[str, ...]
    fn: Callable[..., Any]
    varargs: bool = False
    needs_state: bool = False


BUILTINS: dict[str, list[Builtin]] = {}


def builtin(
    name: str, *params: str, varargs: bool = False, state: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as an overload of the FEEL function ``name``."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        BUILTINS.setdefault(name, []).append(Builtin(name, params, fn, varargs, state))
        return fn

    return register


_ERRORS = (
    InvalidValue,
    ArithmeticError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    AttributeError,
    NoMatch,
    LookupError,
)


def _arguments(
    b: Builtin, positional: list[Any] | None, named: dict[str, Any] | None
) -> list[Any] | None:
    if named is not None:
        if not set(named) <= set(b.params):
            return None
        return [named.get(p) for p in b.params]
    assert positional is not None
    if b.varargs:
        fixed = len(b.params) - 1
        if len(positional) < fixed:
            return None
        rest = positional[fixed:]
        if fixed == 0 and len(rest) == 1 and type(rest[0]) is list:
            rest = rest[0]
        return [*positional[:fixed], rest]
    if len(positional) != len(b.params):
        return None
    return positional


def invoke_builtin(
    name: str,
    overloads: list[Builtin],
    positional: list[Any] | None,
    named: dict[str, Any] | None,
    state: State,
) -> Any:
    """Call the first fitting overload; MISSING if none takes these parameters."""
    matched = False
    for b in overloads:
        args = _arguments(b, positional, named)
        if args is None:
            continue
        matched = True
        args = [from_python(a) for a in args]
        try:
            if b.needs_state:
                return b.fn(state, *args)
            return b.fn(*args)
        except NoMatch:
            continue
        except FeelEvaluationError:
            raise
        except _ERRORS as exc:
            state.warn("FUNCTION_INVOCATION_FAILURE", f"Failed to invoke function '{name}': {exc}")
            return None
    if matched:
        state.warn(
            "FUNCTION_INVOCATION_FAILURE",
            f"Failed to invoke function '{name}': Illegal arguments: "
            + ", ".join(show(a) for a in (positional or list((named or {}).values()))),
        )
        return None
    return MISSING


def load() -> None:
    """Import every family so that it registers its functions."""
    from . import (  # noqa: F401
        boolean,
        context,
        conversion,
        lists,
        numeric,
        ranges,
        strings,
        temporal,
    )


__all__ = ["BUILTINS", "Builtin", "NoMatch", "builtin", "invoke_builtin", "load"]

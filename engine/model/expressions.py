"""Reading attribute values that may be FEEL, and syntax-checking the FEEL at deployment.

Zeebe refuses a deployment whose expressions do not compile, so a typo in a condition is found
when the diagram is deployed, not when the first instance reaches the gateway. We do the same by
compiling every FEEL source with :func:`engine.feel.compile`.

The FEEL package is written alongside this one; until it provides ``compile`` and
``FeelSyntaxError`` the check is skipped (``feel_checking_available()`` says which). Once it lands
the check is real and the tests that need it run.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

from engine.model.elements import Expression


def evaluate_constant(source: str) -> tuple[Any, str | None]:
    """Evaluate FEEL ``source`` with no variables: ``(value, None)`` or ``(None, why)``.

    Zeebe needs some values when the process is deployed, before any instance (and so any
    variable) exists: the message or signal name and the timer of a process start event. It
    evaluates them then; so do we, to refuse what cannot work. ``(None, None)`` when the FEEL
    package is not available.
    """
    try:
        feel = importlib.import_module("engine.feel")
    except ImportError:  # pragma: no cover
        return None, None
    evaluate = getattr(feel, "evaluate", None)
    if not callable(evaluate):  # pragma: no cover
        return None, None
    try:
        return evaluate(source, {}), None
    except Exception as exc:  # FeelError and friends: report, never crash a deployment
        return None, str(exc) or type(exc).__name__


def constant_string(source: str) -> tuple[str | None, str | None]:
    """:func:`evaluate_constant`, expecting a non-empty string."""
    value, why = evaluate_constant(source)
    if why is not None:
        return None, why
    if not isinstance(value, str) or not value:
        return None, f"it evaluated to {_describe(value)}, expected a non-empty string"
    return value, None


def _describe(value: Any) -> str:
    return "null (no variables exist at deployment)" if value is None else repr(value)


def _load_feel() -> tuple[Callable[[str], Any] | None, type[Exception]]:
    """``engine.feel.compile`` and ``FeelSyntaxError`` when the FEEL package provides them."""
    try:
        feel = importlib.import_module("engine.feel")
    except ImportError:  # pragma: no cover - the package exists in this repository
        return None, Exception
    compile_ = getattr(feel, "compile", None)
    syntax_error = getattr(feel, "FeelSyntaxError", None)
    if not callable(compile_) or not (
        isinstance(syntax_error, type) and issubclass(syntax_error, Exception)
    ):
        return None, Exception
    return compile_, syntax_error


_compile, _syntax_error = _load_feel()


def feel_checking_available() -> bool:
    """True when ``engine.feel`` can compile expressions, so FEEL syntax is checked."""
    return _compile is not None


def feel_syntax_problem(source: str) -> str | None:
    """Why ``source`` (FEEL without ``=``) does not compile, or ``None`` when it does (or when the
    FEEL package is not available yet)."""
    if not source.strip():
        return "the expression is empty"
    if _compile is None:
        return None
    try:
        _compile(source)
    except _syntax_error as exc:
        return str(exc) or type(exc).__name__
    return None


_PATH = re.compile(r"^[^\s.\[\]=]+(\.[^\s.\[\]=]+)*$")


def is_variable_path(text: str) -> bool:
    """A mapping target: a variable name or a dotted path into a context (``a.b.c``)."""
    return bool(_PATH.match(text.strip()))


class ExpressionReader:
    """Turns raw attribute text into :class:`Expression`, recording problems.

    ``problem(element_id, message)`` is the collector the parser passes in; every complaint names
    the element and the attribute, the way Zeebe's deployment rejection does.
    """

    def __init__(self, problem: Callable[[str, str], None]) -> None:
        self._problem = problem

    def read(
        self,
        raw: str | None,
        *,
        element_id: str,
        what: str,
        required: bool = False,
        feel_only: bool = False,
    ) -> Expression | None:
        """Parse ``raw`` (``None`` when the attribute is absent).

        ``feel_only``: Zeebe's "non-static" attributes (conditions, correlation keys, input
        collections...).
        """
        if raw is None or not raw.strip():
            if required:
                self._problem(element_id, f"{what} must be present and not empty")
            return None
        expression = Expression.parse(raw)
        if expression.is_feel:
            problem = feel_syntax_problem(expression.source)
            if problem is not None:
                self._problem(
                    element_id, f"{what} is not a valid FEEL expression '{raw.strip()}': {problem}"
                )
        elif feel_only:
            self._problem(
                element_id,
                f"{what}: expected an expression but found static value '{raw}'; an expression "
                f"must start with '=' (e.g. '={raw.strip()}')",
            )
        return expression

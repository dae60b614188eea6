"""Errors raised by the FEEL interpreter.

Only :class:`FeelError` (and its subclasses) ever leave ``engine.feel``: the engine catches it
to raise an incident, so the message must make sense to a process designer ("no variable found
with name 'x'", "expected a number but found a string"), and the position says where in the
expression the problem is.
"""

from __future__ import annotations


class FeelError(Exception):
    """A FEEL expression could not be evaluated.

    ``position`` is the 0-based character offset in the expression (``None`` when unknown),
    ``line``/``column`` are 1-based.
    """

    def __init__(
        self,
        message: str,
        *,
        expression: str | None = None,
        position: int | None = None,
    ) -> None:
        self.message = message
        self.expression = expression
        self.position = position
        self.line: int | None = None
        self.column: int | None = None
        if expression is not None and position is not None:
            before = expression[:position]
            self.line = before.count("\n") + 1
            self.column = position - (before.rfind("\n") + 1) + 1
        super().__init__(self._render())

    def _render(self) -> str:
        if self.line is None:
            return self.message
        return f"{self.message} (at line {self.line}, column {self.column})"


class FeelSyntaxError(FeelError):
    """The text is not a valid FEEL expression (or unary-tests list)."""


class FeelEvaluationError(FeelError):
    """Evaluation failed in a way feel-scala reports as a failure, not as ``null``."""


class InvalidRange(FeelEvaluationError):
    """A range literal with ends that cannot form a range (``[1.."a"]``).

    A failure at the top of an expression, but null when it is a function argument
    (feel-scala reports it as a failed invocation there)."""


class InvalidValue(Exception):
    """Internal: an operation met a value it cannot handle.

    feel-scala turns most of these into ``null`` (a "suppressed failure"); the interpreter
    catches this where feel-scala does and lets it surface as :class:`FeelEvaluationError`
    where feel-scala fails the whole evaluation.
    """

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class FeelWarning:
    """Why part of a result became null (feel-scala's "suppressed failure").

    ``str()`` gives Zeebe's form, ``[NO_VARIABLE_FOUND] No variable found with name 'x'``,
    which the engine appends to an incident message.
    """

    __slots__ = ("failure_type", "message")

    def __init__(self, failure_type: str, message: str) -> None:
        self.failure_type = failure_type
        self.message = message

    def __str__(self) -> str:
        return f"[{self.failure_type}] {self.message}"

    def __repr__(self) -> str:
        return f"FeelWarning({self.failure_type!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FeelWarning)
            and other.failure_type == self.failure_type
            and other.message == self.message
        )

    def __hash__(self) -> int:
        return hash((self.failure_type, self.message))

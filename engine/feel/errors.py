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


class InvalidValue(Exception):
    """Internal: an operation met a value it cannot handle.

    feel-scala turns most of these into ``null`` (a "suppressed failure"); the interpreter
    catches this where feel-scala does and lets it surface as :class:`FeelEvaluationError`
    where feel-scala fails the whole evaluation.
    """

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)

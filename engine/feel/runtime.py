"""Evaluation-time state shared by the interpreter and the built-in functions.

``Env`` is one scope (variables of a loop, a filter, a function call) with a parent link;
``State`` is per evaluation: the clock (``now()``/``today()``), the step budget that stops
runaway loops, the call depth, and the suppressed failures (why a result became null).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import FeelEvaluationError, FeelWarning
from .values import from_variable

MISSING: Any = object()
DEFAULT_BUDGET = 2_000_000  # loop iterations (a call counts 10): at most about 2 s of work
MAX_CALL_DEPTH = 120


class State:
    __slots__ = ("budget", "depth", "now", "raw", "top", "warnings")

    def __init__(self, raw: Any, now: dt.datetime | None, budget: int) -> None:
        self.raw = raw
        self.now = now
        self.budget = budget
        self.depth = 0
        self.warnings: list[FeelWarning] = []
        self.top: dict[str, Any] = {}

    def lookup(self, name: str) -> Any:
        """A variable from the caller's variables, converted to a FEEL value once."""
        raw = self.raw
        if raw is None:
            self.warn("NO_VARIABLE_FOUND", f"No variable found with name '{name}'")
            return None
        try:
            v = raw.get(name, MISSING)
        except Exception:  # a variable provider must not break evaluation
            v = MISSING
        if v is MISSING:
            self.warn("NO_VARIABLE_FOUND", f"No variable found with name '{name}'")
            return None
        v = from_variable(v)
        self.top[name] = v
        return v

    def warn(self, failure_type: str, message: str) -> None:
        if len(self.warnings) < 100:  # a loop must not collect millions of them
            self.warnings.append(FeelWarning(failure_type, message))

    def has(self, name: str) -> bool:
        raw = self.raw
        if name in self.top:
            return True
        try:
            return name in raw
        except Exception:  # a variable provider must not break evaluation
            return False

    def clock(self) -> dt.datetime:
        """The current time, aware; injectable so that the engine's controlled clock counts."""
        now = self.now
        if now is None:
            return dt.datetime.now(dt.UTC).astimezone()
        if now.tzinfo is None:
            return now.replace(tzinfo=dt.UTC)
        return now

    def spend(self, steps: int = 1) -> None:
        self.budget -= steps
        if self.budget < 0:
            raise FeelEvaluationError(
                "the expression takes too long: it exceeded its evaluation budget "
                "(an endless or very large loop?)"
            )


class Env:
    __slots__ = ("parent", "state", "vars")

    def __init__(self, vars: dict[str, Any], parent: Env | None, state: State) -> None:
        self.vars = vars
        self.parent = parent
        self.state = state

    def child(self, vars: dict[str, Any]) -> Env:
        return Env(vars, self, self.state)

    def lookup(self, name: str) -> Any:
        e: Env | None = self
        while e is not None:
            v = e.vars.get(name, MISSING)
            if v is not MISSING:
                return v
            e = e.parent
        return self.state.lookup(name)

    def find(self, name: str) -> Any:
        """Like lookup but MISSING (no warning) when there is no such variable."""
        e: Env | None = self
        while e is not None:
            v = e.vars.get(name, MISSING)
            if v is not MISSING:
                return v
            e = e.parent
        st = self.state
        raw = st.raw
        if raw is not None and st.has(name):
            return st.lookup(name)
        return MISSING

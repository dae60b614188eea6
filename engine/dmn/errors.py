"""The exceptions ``engine.dmn`` raises, one per way a decision can go wrong.

Deployment and evaluation fail for different people at different times: a
:class:`DmnParseError` is the modeller's problem and refuses the deployment
(gRPC ``INVALID_ARGUMENT``), a :class:`DecisionEvaluationError` happens at run
time with real variables and becomes Zeebe's ``failedDecisionId`` /
``failureMessage`` (or a ``DECISION_EVALUATION_ERROR`` incident on a
business-rule task). Keeping them apart lets the runtime map each without
inspecting messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.dmn.results import EvaluatedDecision


class DmnParseError(ValueError):
    """A DMN resource the engine refuses to deploy.

    ``message`` names the resource and the offending element id, e.g.
    ``"Resource 'a.dmn': decision 'dish' (rule 'rule_2'): expected 2 input entries, found 1"``.
    Every problem found in one resource is reported at once (joined with newlines) so the
    modeller fixes them in one round trip; ``problems`` keeps them apart for tests and tools.
    """

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems: tuple[str, ...] = tuple(problems) or (message,)

    def __str__(self) -> str:
        return self.message


class UnknownDecisionError(LookupError):
    """``evaluate_decision`` was asked for a decision id the graph does not hold.

    The runtime looks decisions up before evaluating, so this is a programming error on its
    side (Zeebe answers ``NOT_FOUND`` before any evaluation happens).
    """

    def __init__(self, decision_id: str, drg_id: str) -> None:
        self.decision_id = decision_id
        self.drg_id = drg_id
        super().__init__(
            f"no decision with id '{decision_id}' in decision requirements graph '{drg_id}'"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class DecisionEvaluationError(Exception):
    """A decision failed while being evaluated with concrete variables.

    ``decision_id`` is the decision that failed, which is a *required* decision when the failure
    happened further down the graph (Zeebe's ``failedDecisionId``). ``message`` says why, in words
    a modeller acts on (Zeebe's ``failureMessage``). ``evaluated_decisions`` holds the decisions
    that completed before the failure, in evaluation order, so the response can show them as
    Zeebe does.
    """

    def __init__(
        self,
        decision_id: str,
        message: str,
        evaluated_decisions: Sequence[EvaluatedDecision] = (),
    ) -> None:
        super().__init__(decision_id, message)
        self.decision_id = decision_id
        self.message = message
        self.evaluated_decisions: tuple[EvaluatedDecision, ...] = tuple(evaluated_decisions)

    def __str__(self) -> str:
        return f"Failed to evaluate decision '{self.decision_id}': {self.message}"

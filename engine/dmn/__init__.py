"""DMN decisions: deploy a ``.dmn`` resource, evaluate its decisions the way Zeebe does.

The runtime calls two functions and nothing else:

* ``parse_dmn(xml, resource_name)`` → :class:`DecisionRequirementsGraph` (id, name, checksum,
  decisions in document order) or :class:`DmnParseError` naming the decision and the reason;
* ``evaluate_decision(drg, decision_id, variables, now=...)`` → :class:`DecisionResult` (the
  output and, per evaluated decision, the inputs and matched rules Zeebe's
  ``EvaluateDecisionResponse`` reports) or :class:`DecisionEvaluationError` naming the failed
  decision.

Supported: DMN 1.3/1.4/1.5 decision tables (all hit policies and COLLECT aggregations, default
output entries, ``outputValues`` priorities) and literal expressions, with required decisions.
Not supported (refused at deployment): business knowledge models, contexts, relations,
invocations and other boxed expressions.
"""

from __future__ import annotations

from engine.dmn.errors import DecisionEvaluationError, DmnParseError, UnknownDecisionError
from engine.dmn.evaluator import evaluate_decision
from engine.dmn.model import (
    Aggregation,
    Decision,
    DecisionRequirementsGraph,
    DecisionTable,
    DecisionType,
    HitPolicy,
    LiteralExpression,
)
from engine.dmn.parser import DMN_NAMESPACES, parse_dmn
from engine.dmn.results import (
    DecisionResult,
    EvaluatedDecision,
    EvaluatedInput,
    EvaluatedOutput,
    MatchedRule,
)

__all__ = [
    "DMN_NAMESPACES",
    "Aggregation",
    "Decision",
    "DecisionEvaluationError",
    "DecisionRequirementsGraph",
    "DecisionResult",
    "DecisionTable",
    "DecisionType",
    "DmnParseError",
    "EvaluatedDecision",
    "EvaluatedInput",
    "EvaluatedOutput",
    "HitPolicy",
    "LiteralExpression",
    "MatchedRule",
    "UnknownDecisionError",
    "evaluate_decision",
    "parse_dmn",
]

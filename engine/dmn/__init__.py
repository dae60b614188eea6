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

How the runtime uses it (``engine.runtime.behaviors.decisions``)::

    graph = parse_dmn(content, resource_name)          # deploy; DmnParseError → INVALID_ARGUMENT
    graph.id, graph.name, graph.checksum               # DRG id/name, version when checksum changes
    graph.decision_names                               # {decision id: name}, document order
    try:
        result = evaluate_decision(graph, decision_id, variables, now=engine_clock_now)
        output_json = result.output_json               # decisionOutput
        evaluated = result.evaluated_decisions
    except DecisionEvaluationError as exc:             # failedDecisionId / failureMessage
        evaluated = exc.evaluated_decisions            # those completed before the failure
    for e in evaluated:                                # → engine.api.EvaluatedDecision
        e.decision_id, e.decision_name, e.decision_type, e.output_json,
        e.evaluated_inputs_records(), e.matched_rules_records()   # camelCase, JSON-text values

The graph is immutable and its FEEL is compiled, so one parsed graph serves every evaluation
(from any thread) until the resource is redeployed.
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

"""What one evaluation returns: the output and the audit trail Zeebe reports.

The classes mirror Zeebe's ``EvaluateDecisionResponse`` (``EvaluatedDecision``,
``EvaluatedDecisionInput``, ``MatchedDecisionRule``, ``EvaluatedDecisionOutput``). Values are
held as JSON-compatible Python values (``None``, bool, int, float, str, list, dict); FEEL dates
and durations are already rendered as ISO strings. ``as_record()`` gives the camelCase dict
with JSON *text* values that ``engine.api.EvaluatedDecision`` and the gateway expect, so the
mapping onto protobuf is field-for-field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


def to_json_text(value: Any) -> str:
    """Compact JSON, non-ASCII kept readable (部门 names appear in outputs)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class EvaluatedInput:
    input_id: str
    input_name: str
    input_value: Any

    def as_record(self) -> dict[str, Any]:
        return {
            "inputId": self.input_id,
            "inputName": self.input_name,
            "inputValue": to_json_text(self.input_value),
        }


@dataclass(frozen=True, slots=True)
class EvaluatedOutput:
    output_id: str
    output_name: str
    output_value: Any

    def as_record(self) -> dict[str, Any]:
        return {
            "outputId": self.output_id,
            "outputName": self.output_name,
            "outputValue": to_json_text(self.output_value),
        }


@dataclass(frozen=True, slots=True)
class MatchedRule:
    rule_id: str
    rule_index: int  # 1-based
    evaluated_outputs: tuple[EvaluatedOutput, ...]

    def as_record(self) -> dict[str, Any]:
        return {
            "ruleId": self.rule_id,
            "ruleIndex": self.rule_index,
            "evaluatedOutputs": [o.as_record() for o in self.evaluated_outputs],
        }


@dataclass(frozen=True, slots=True)
class EvaluatedDecision:
    """One decision of the graph as it was evaluated (required decisions come first)."""

    decision_id: str
    decision_name: str
    decision_type: str  # "DECISION_TABLE" | "LITERAL_EXPRESSION"
    output: Any
    evaluated_inputs: tuple[EvaluatedInput, ...] = ()
    matched_rules: tuple[MatchedRule, ...] = ()

    @property
    def output_json(self) -> str:
        return to_json_text(self.output)

    def evaluated_inputs_records(self) -> list[dict[str, Any]]:
        return [i.as_record() for i in self.evaluated_inputs]

    def matched_rules_records(self) -> list[dict[str, Any]]:
        return [r.as_record() for r in self.matched_rules]


@dataclass(frozen=True, slots=True)
class DecisionResult:
    """The requested decision's output plus every decision evaluated on the way."""

    decision_id: str
    decision_name: str
    decision_requirements_id: str
    output: Any
    evaluated_decisions: tuple[EvaluatedDecision, ...]

    @property
    def output_json(self) -> str:
        return to_json_text(self.output)

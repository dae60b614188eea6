"""Evaluating a decision of a deployed graph with concrete variables.

Semantics follow dmn-scala, the DMN engine inside Zeebe, so a decision gives the same result here
as on a Camunda 8 cluster:

* required decisions are evaluated first, depth-first in ``informationRequirement`` order, each at
  most once per evaluation; a decision sees the results of the decisions it *directly* requires as
  variables named by their ``<variable name>`` or, without one, by their decision id;
* decision-table input expressions are evaluated once; each input entry is a unary test whose
  ``?`` is the input value; ``true`` matches, ``false`` and ``null`` do not (an entry with ``?``
  that gives a non-boolean is ``null``, as in feel-scala);
* when no rule matches, the outputs' ``defaultOutputEntry`` values are the result (one value for
  one default, a context for several) and without defaults the result is ``null``, whatever
  the hit policy (COLLECT included);
* a decision's ``<variable typeRef>`` is checked against its result (``null`` always passes,
  unknown types are not checked); input and output column ``typeRef`` are not enforced,
  as in Zeebe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NoReturn

from engine.dmn.errors import DecisionEvaluationError, UnknownDecisionError
from engine.dmn.expressions import FeelError, to_json
from engine.dmn.hit_policies import (
    HitPolicyViolation,
    MatchedRow,
    apply_hit_policy,
    rules_to_report,
)
from engine.dmn.model import (
    Decision,
    DecisionRequirementsGraph,
    DecisionTable,
    Input,
    LiteralExpression,
    Rule,
)
from engine.dmn.results import (
    DecisionResult,
    EvaluatedDecision,
    EvaluatedInput,
    EvaluatedOutput,
    MatchedRule,
)
from engine.dmn.type_refs import type_mismatch


def evaluate_decision(
    drg: DecisionRequirementsGraph,
    decision_id: str,
    variables: Mapping[str, Any] | None,
    *,
    now: dt.datetime | None = None,
) -> DecisionResult:
    """Evaluate ``decision_id`` (and the decisions it requires) with ``variables``.

    ``now`` is the engine clock's current time for FEEL's ``now()`` / ``today()`` (so a controlled
    clock controls decisions too); ``None`` uses the wall clock.

    Raises :class:`UnknownDecisionError` when the graph has no such decision and
    :class:`DecisionEvaluationError` naming the failing decision otherwise.
    """
    decision = drg.decision(decision_id)
    if decision is None:
        raise UnknownDecisionError(decision_id, drg.id)
    run = _Evaluation(drg, dict(variables or {}), now)
    output = run.evaluate(decision)
    return DecisionResult(
        decision_id=decision.id,
        decision_name=decision.name,
        decision_requirements_id=drg.id,
        output=to_json(output),
        evaluated_decisions=tuple(run.evaluated),
    )


class _Failure(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Evaluation:
    """One call of :func:`evaluate_decision`: the variables, the results so far, the audit."""

    def __init__(
        self, drg: DecisionRequirementsGraph, variables: dict[str, Any], now: dt.datetime | None
    ) -> None:
        self.drg = drg
        self.variables = variables
        self.now = now
        self.results: dict[str, Any] = {}
        self.evaluated: list[EvaluatedDecision] = []

    def evaluate(self, decision: Decision) -> Any:
        if decision.id in self.results:
            return self.results[decision.id]
        context = dict(self.variables)
        for required_id in decision.required_decisions:
            required = self.drg.decisions[required_id]  # the parser checked the reference
            context[required.result_name] = self.evaluate(required)
        try:
            if isinstance(decision.logic, DecisionTable):
                value, inputs, rules = self._decision_table(decision.logic, context)
            else:
                value, inputs, rules = self._literal(decision.logic, context), (), ()
            if decision.type_ref:
                problem = type_mismatch(decision.type_ref, value)
                if problem:
                    _fail(f"{problem} (typeRef of the decision's variable)")
        except _Failure as failure:
            raise DecisionEvaluationError(decision.id, failure.message, self.evaluated) from None
        self.evaluated.append(
            EvaluatedDecision(
                decision_id=decision.id,
                decision_name=decision.name,
                decision_type=decision.decision_type.value,
                output=to_json(value),
                evaluated_inputs=inputs,
                matched_rules=rules,
            )
        )
        self.results[decision.id] = value
        return value

    # ------------------------------------------------------ literal expression

    def _literal(self, logic: LiteralExpression, context: dict[str, Any]) -> Any:
        try:
            return logic.expression.evaluate(context, self.now)
        except FeelError as exc:
            _fail(f"failed to evaluate expression '{logic.expression.text.strip()}': {exc}")

    # ---------------------------------------------------------- decision table

    def _decision_table(
        self, table: DecisionTable, context: dict[str, Any]
    ) -> tuple[Any, tuple[EvaluatedInput, ...], tuple[MatchedRule, ...]]:
        input_values = [self._input_value(column, context) for column in table.inputs]
        inputs = tuple(
            EvaluatedInput(column.id, column.name, to_json(value))
            for column, value in zip(table.inputs, input_values, strict=True)
        )
        matched = [
            rule for rule in table.rules if self._matches(table, rule, input_values, context)
        ]
        if not matched:
            return self._defaults(table, context), inputs, ()
        rows: list[MatchedRow] = [
            (rule, self._output_entries(table, rule, context))
            for rule in rules_to_report(table, matched)
        ]
        try:
            value = apply_hit_policy(table, rows)
        except HitPolicyViolation as violation:
            _fail(violation.message)
        return (
            value,
            inputs,
            tuple(self._matched_rule(table, rule, values) for rule, values in rows),
        )

    def _input_value(self, column: Input, context: dict[str, Any]) -> Any:
        try:
            return column.expression.evaluate(context, self.now)
        except FeelError as exc:
            _fail(
                f"failed to evaluate the expression '{column.expression.text.strip()}' of input "
                f"'{column.name}' ({column.id}): {exc}"
            )

    def _matches(
        self, table: DecisionTable, rule: Rule, input_values: list[Any], context: dict[str, Any]
    ) -> bool:
        for column, entry, value in zip(
            table.inputs, rule.input_entries, input_values, strict=True
        ):
            if entry.matches_anything:
                continue
            try:
                outcome = entry.test(value, context, self.now)
            except FeelError as exc:
                _fail(
                    f"failed to evaluate the input entry '{entry.text.strip()}' of rule "
                    f"{_rule_label(rule)} for input '{column.name}': {exc}"
                )
            if outcome is not True:  # false, or null (undecidable): the rule does not match
                return False
        return True

    def _output_entries(
        self, table: DecisionTable, rule: Rule, context: dict[str, Any]
    ) -> tuple[Any, ...]:
        values: list[Any] = []
        for output, entry in zip(table.outputs, rule.output_entries, strict=True):
            if entry is None:
                values.append(None)
                continue
            try:
                values.append(entry.evaluate(context, self.now))
            except FeelError as exc:
                _fail(
                    f"failed to evaluate the output entry '{entry.text.strip()}' of rule "
                    f"{_rule_label(rule)} for output '{output.display_name}': {exc}"
                )
        return tuple(values)

    def _defaults(self, table: DecisionTable, context: dict[str, Any]) -> Any:
        defaults: dict[str, Any] = {}
        for output in table.outputs:
            if output.default is None:
                continue
            try:
                defaults[output.name or output.id] = output.default.evaluate(context, self.now)
            except FeelError as exc:
                _fail(
                    f"failed to evaluate the default output entry '{output.default.text.strip()}' "
                    f"of output '{output.display_name}': {exc}"
                )
        if not defaults:
            return None
        if len(defaults) == 1:
            return next(iter(defaults.values()))
        return defaults

    @staticmethod
    def _matched_rule(table: DecisionTable, rule: Rule, values: tuple[Any, ...]) -> MatchedRule:
        return MatchedRule(
            rule_id=rule.id,
            rule_index=rule.index,
            evaluated_outputs=tuple(
                EvaluatedOutput(output.id, output.display_name, to_json(value))
                for output, value in zip(table.outputs, values, strict=True)
            ),
        )


def _fail(message: str) -> NoReturn:
    raise _Failure(message)


def _rule_label(rule: Rule) -> str:
    return f"'{rule.id}' (row {rule.index})" if rule.id else f"{rule.index}"

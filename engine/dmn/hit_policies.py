"""How the matched rules of a decision table become its result.

The semantics are dmn-scala's (what Zeebe evaluates), which follow DMN 1.3 §8.2.11:

* single-hit policies (UNIQUE, FIRST, ANY, PRIORITY) give one value: the output entry itself for
  a one-output table, a context ``{outputName: value}`` when there are several outputs;
* multiple-hit policies (RULE ORDER, OUTPUT ORDER, COLLECT) give a list of those;
* COLLECT with an aggregation (SUM, MIN, MAX, COUNT) gives one number;
* PRIORITY and OUTPUT ORDER rank rules by the position of their output entries in each output's
  ``outputValues`` (first listed = highest priority, outputs compared left to right); values not
  listed rank last and ties keep rule order. Without ``outputValues`` the rule order is kept.

The no-match case (default output entries, else null) is the evaluator's, because it happens
before any hit policy applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from engine.dmn.expressions import to_json
from engine.dmn.model import Aggregation, DecisionTable, HitPolicy, Output, Rule
from engine.dmn.output_values import priority
from engine.dmn.results import to_json_text

MatchedRow = tuple[Rule, tuple[Any, ...]]
"""A matched rule with its evaluated output entries, one per output column."""


class HitPolicyViolation(Exception):
    """The matched rules break the table's hit policy; ``message`` names the rules involved."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def rules_to_report(table: DecisionTable, matched: Sequence[Rule]) -> Sequence[Rule]:
    """Which matched rules are evaluated and reported: only the first for FIRST (as Zeebe's
    audit does), all of them otherwise."""
    if table.hit_policy is HitPolicy.FIRST:
        return matched[:1]
    return matched


def apply_hit_policy(table: DecisionTable, rows: Sequence[MatchedRow]) -> Any:
    """The table's result for at least one matched row; raises :class:`HitPolicyViolation`."""
    policy = table.hit_policy
    if policy is HitPolicy.UNIQUE:
        if len(rows) > 1:
            raise HitPolicyViolation(
                f"Expected at most one rule to match for UNIQUE hit policy, but found "
                f"{len(rows)}: {_rule_names(rows)}"
            )
        return _shape(table.outputs, rows[0][1])
    if policy is HitPolicy.FIRST:
        return _shape(table.outputs, rows[0][1])
    if policy is HitPolicy.ANY:
        results = [_shape(table.outputs, values) for _, values in rows]
        if any(result != results[0] for result in results[1:]):
            shown = ", ".join(
                f"{_rule_name(rule)} → {_show(result)}"
                for (rule, _), result in zip(rows, results, strict=True)
            )
            raise HitPolicyViolation(
                "Expected all matched rules to have the same output for ANY hit policy, but "
                f"found different outputs: {shown}"
            )
        return results[0]
    if policy is HitPolicy.PRIORITY:
        return _shape(table.outputs, _by_priority(table.outputs, rows)[0][1])
    if policy is HitPolicy.OUTPUT_ORDER:
        return [_shape(table.outputs, values) for _, values in _by_priority(table.outputs, rows)]
    if policy is HitPolicy.RULE_ORDER:
        return [_shape(table.outputs, values) for _, values in rows]
    # COLLECT
    if table.aggregation is None:
        return [_shape(table.outputs, values) for _, values in rows]
    return _aggregate(table.aggregation, rows)


def _shape(outputs: Sequence[Output], values: tuple[Any, ...]) -> Any:
    if len(outputs) == 1:
        return values[0]
    return {output.name or output.id: value for output, value in zip(outputs, values, strict=True)}


def _by_priority(outputs: Sequence[Output], rows: Sequence[MatchedRow]) -> list[MatchedRow]:
    def rank(row: MatchedRow) -> tuple[int, ...]:
        return tuple(
            priority(output.output_values, value)
            for output, value in zip(outputs, row[1], strict=True)
        )

    return sorted(rows, key=rank)  # stable: equal ranks keep rule order


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _aggregate(aggregation: Aggregation, rows: Sequence[MatchedRow]) -> Any:
    if aggregation is Aggregation.COUNT:
        return len(rows)
    values = [values[0] for _, values in rows]
    for (rule, _), value in zip(rows, values, strict=True):
        if not _is_number(value):
            raise HitPolicyViolation(
                f"COLLECT {aggregation.value} needs numbers, but {_rule_name(rule)} gave "
                f"{_show(value)}"
            )
    if aggregation is Aggregation.SUM:
        return sum((Decimal(str(v)) for v in values), Decimal(0))
    key = lambda v: Decimal(str(v))  # noqa: E731 - ints, floats and Decimals compared exactly
    return min(values, key=key) if aggregation is Aggregation.MIN else max(values, key=key)


def _rule_name(rule: Rule) -> str:
    return rule.id or f"rule {rule.index}"


def _rule_names(rows: Sequence[MatchedRow]) -> str:
    return ", ".join(_rule_name(rule) for rule, _ in rows)


def _show(value: Any) -> str:
    """A FEEL value as the JSON a modeller sees in the response (``"a"``, ``1.5``, ``null``)."""
    return to_json_text(to_json(value))

"""Evaluation failures: each names the decision and the cell, so the incident is actionable."""

from __future__ import annotations

import pytest

from engine.dmn import DecisionEvaluationError, evaluate_decision, parse_dmn

from .conftest import definitions

ONE_INPUT_TABLE = """
<decision id="{id}" name="Failing table">
  <decisionTable id="{id}_t" hitPolicy="{hit}">
    <input id="in_amount" label="Amount"><inputExpression><text>{expression}</text>
    </inputExpression></input>
    <output id="out" name="result"/>
    <rule id="r1"><inputEntry><text>{entry}</text></inputEntry>
    <outputEntry><text>{output}</text></outputEntry></rule>
  </decisionTable>
</decision>
"""


def table(
    *,
    decision_id: str = "failing",
    hit: str = "UNIQUE",
    expression: str = "amount",
    entry: str = "-",
    output: str = '"ok"',
) -> bytes:
    return definitions(
        ONE_INPUT_TABLE.format(
            id=decision_id, hit=hit, expression=expression, entry=entry, output=output
        )
    )


def failure(xml: bytes, variables: dict) -> DecisionEvaluationError:
    drg = parse_dmn(xml, "failing.dmn")
    with pytest.raises(DecisionEvaluationError) as caught:
        evaluate_decision(drg, drg.decision_ids[-1], variables)
    return caught.value


def test_feel_error_in_an_input_expression_names_decision_and_input() -> None:
    error = failure(table(expression="undefined_function(amount)"), {"amount": 1})
    assert error.decision_id == "failing"
    assert error.message.startswith(
        "failed to evaluate the expression 'undefined_function(amount)' of input 'Amount' "
        "(in_amount): "
    )
    assert str(error).startswith("Failed to evaluate decision 'failing': failed to evaluate")


def test_feel_error_in_an_output_entry_names_the_rule_and_output() -> None:
    error = failure(table(output="undefined_function(1)"), {"amount": 1})
    assert "output entry 'undefined_function(1)' of rule 'r1' (row 1) for output 'result'" in (
        error.message
    )


def test_feel_error_in_an_input_entry_names_the_rule() -> None:
    error = failure(table(entry="undefined_function(?)"), {"amount": 1})
    assert "input entry 'undefined_function(?)' of rule 'r1' (row 1) for input 'Amount'" in (
        error.message
    )


def test_an_input_entry_that_is_not_a_test_is_refused() -> None:
    error = failure(table(entry="? + 1"), {"amount": 1})
    assert error.decision_id == "failing"
    assert "must give true, false or null, but gave 2" in error.message


def test_collect_sum_over_non_numbers_fails_naming_the_rule() -> None:
    xml = table(hit="COLLECT", output='"text"').replace(
        b'hitPolicy="COLLECT"', b'hitPolicy="COLLECT" aggregation="SUM"'
    )
    error = failure(xml, {"amount": 1})
    assert error.message == 'COLLECT SUM needs numbers, but r1 gave "text"'


def test_evaluation_error_keeps_no_partial_result_for_the_failed_decision() -> None:
    error = failure(table(expression="undefined_function(amount)"), {"amount": 1})
    assert error.evaluated_decisions == ()

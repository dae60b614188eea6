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


# feel-scala's assert() is the FEEL way to fail on purpose; most other mistakes (unknown
# functions, wrong types) give null with a warning, as in Zeebe
POSITIVE_AMOUNT = 'assert(amount, amount > 0, "amount must be positive")'


def failure(xml: bytes, variables: dict) -> DecisionEvaluationError:
    drg = parse_dmn(xml, "failing.dmn")
    with pytest.raises(DecisionEvaluationError) as caught:
        evaluate_decision(drg, drg.decision_ids[-1], variables)
    return caught.value


def test_feel_error_in_an_input_expression_names_decision_and_input() -> None:
    error = failure(table(expression=POSITIVE_AMOUNT), {"amount": -1})
    assert error.decision_id == "failing"
    assert error.message.startswith(
        f"failed to evaluate the expression '{POSITIVE_AMOUNT}' of input 'Amount' (in_amount): "
    )
    assert "amount must be positive" in error.message
    assert str(error).startswith("Failed to evaluate decision 'failing': failed to evaluate")


def test_feel_error_in_an_output_entry_names_the_rule_and_output() -> None:
    error = failure(table(output='assert(1, false, "no")'), {"amount": 1})
    assert """output entry 'assert(1, false, "no")' of rule 'r1' (row 1) for output 'result'""" in (
        error.message
    )


def test_feel_error_in_an_input_entry_names_the_rule() -> None:
    error = failure(table(entry="assert(?, ? > 0)"), {"amount": -1})
    assert "input entry 'assert(?, ? > 0)' of rule 'r1' (row 1) for input 'Amount'" in (
        error.message
    )


def test_an_input_entry_with_question_mark_that_is_not_boolean_does_not_match() -> None:
    drg = parse_dmn(table(entry="? + 1"), "failing.dmn")
    result = evaluate_decision(drg, "failing", {"amount": 1})
    assert result.output is None
    assert result.evaluated_decisions[0].matched_rules == ()


def test_collect_sum_over_non_numbers_fails_naming_the_rule() -> None:
    xml = table(hit="COLLECT", output='"text"').replace(
        b'hitPolicy="COLLECT"', b'hitPolicy="COLLECT" aggregation="SUM"'
    )
    error = failure(xml, {"amount": 1})
    assert error.message == 'COLLECT SUM needs numbers, but r1 gave "text"'


def test_evaluation_error_keeps_no_partial_result_for_the_failed_decision() -> None:
    error = failure(table(expression=POSITIVE_AMOUNT), {"amount": -1})
    assert error.evaluated_decisions == ()

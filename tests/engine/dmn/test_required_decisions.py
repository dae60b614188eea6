"""Decisions that require other decisions, and literal-expression decisions.

``required-decisions.dmn``: ``base_fee`` (literal, variable ``baseFee``) and ``discount`` (literal,
no variable) feed the table ``fee_band``, which feeds the literal ``letter``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from engine.dmn import DecisionEvaluationError, UnknownDecisionError, evaluate_decision, parse_dmn

from .conftest import definitions, literal


def test_required_decisions_are_evaluated_first_and_visible_by_variable_name_or_id(
    required_decisions,
) -> None:
    result = evaluate_decision(required_decisions, "letter", {"member": True})
    assert result.output == "Your fee band is reduced"  # 100 * (1 - 0.1) = 90 < 95
    assert [d.decision_id for d in result.evaluated_decisions] == [
        "base_fee",
        "discount",
        "fee_band",
        "letter",
    ]
    assert [d.decision_type for d in result.evaluated_decisions] == [
        "LITERAL_EXPRESSION",
        "LITERAL_EXPRESSION",
        "DECISION_TABLE",
        "LITERAL_EXPRESSION",
    ]
    fee_band = result.evaluated_decisions[2]
    assert fee_band.output == "reduced"
    assert fee_band.evaluated_inputs[0].input_value == 90
    assert fee_band.matched_rules[0].rule_id == "fee_band_r1"


def test_the_result_names_the_requested_decision_and_graph(required_decisions) -> None:
    result = evaluate_decision(required_decisions, "fee_band", {"member": False})
    assert (result.decision_id, result.decision_name) == ("fee_band", "Fee band")
    assert result.decision_requirements_id == "required-decisions"
    assert result.output == "full"
    assert [d.decision_id for d in result.evaluated_decisions] == [
        "base_fee",
        "discount",
        "fee_band",
    ]


def test_a_decision_required_twice_is_evaluated_once() -> None:
    body = (
        literal("shared", "x + 1")
        + literal("left", "shared * 2", requires=("shared",))
        + literal("right", "shared * 3", requires=("shared",))
        + literal("top", "left + right", requires=("left", "right"))
    )
    drg = parse_dmn(definitions(body), "diamond.dmn")
    result = evaluate_decision(drg, "top", {"x": 1})
    assert result.output == 10
    assert [d.decision_id for d in result.evaluated_decisions] == ["shared", "left", "right", "top"]


def test_a_required_decision_result_shadows_an_input_variable_of_the_same_name() -> None:
    body = literal("price", "10") + literal("total", "price * 2", requires=("price",))
    drg = parse_dmn(definitions(body), "shadow.dmn")
    assert evaluate_decision(drg, "total", {"price": 1000}).output == 20


def test_literal_expression_without_variables(required_decisions) -> None:
    result = evaluate_decision(required_decisions, "base_fee", None)
    assert result.output == 100
    assert result.output_json == "100"
    only = result.evaluated_decisions[0]
    assert only.evaluated_inputs == () and only.matched_rules == ()


def test_literal_expression_can_return_a_context_and_a_list() -> None:
    drg = parse_dmn(definitions(literal("ctx", '{"name": n, "tags": [1, 2]}')), "ctx.dmn")
    result = evaluate_decision(drg, "ctx", {"n": "张三"})
    assert result.output == {"name": "张三", "tags": [1, 2]}
    assert result.output_json == '{"name":"张三","tags":[1,2]}'


def test_variable_type_ref_is_checked_like_dmn_scala(required_decisions) -> None:
    with pytest.raises(DecisionEvaluationError) as caught:
        evaluate_decision(required_decisions, "wrong_type", {})
    assert caught.value.decision_id == "wrong_type"
    assert "expected the result to be of type 'number'" in caught.value.message
    assert '"not a number"' in caught.value.message


def test_failure_in_a_required_decision_names_that_decision(required_decisions) -> None:
    with pytest.raises(DecisionEvaluationError) as caught:
        evaluate_decision(required_decisions, "uses_broken", {})
    assert caught.value.decision_id == "broken"
    assert "always broken" in caught.value.message
    assert "uses_broken" not in caught.value.message


def test_decisions_completed_before_a_failure_are_kept_on_the_error() -> None:
    body = literal("ok", "1") + literal(
        "bad", 'assert(ok, ok > 1, "ok is too small")', requires=("ok",)
    )
    drg = parse_dmn(definitions(body), "partial.dmn")
    with pytest.raises(DecisionEvaluationError) as caught:
        evaluate_decision(drg, "bad", {})
    assert caught.value.decision_id == "bad"
    assert [d.decision_id for d in caught.value.evaluated_decisions] == ["ok"]


def test_unknown_decision_id_is_a_lookup_error_naming_the_graph(required_decisions) -> None:
    with pytest.raises(UnknownDecisionError) as caught:
        evaluate_decision(required_decisions, "nope", {})
    assert str(caught.value) == (
        "no decision with id 'nope' in decision requirements graph 'required-decisions'"
    )


def test_now_pins_the_clock_of_feel_now_and_today() -> None:
    """The runtime passes its (controllable) clock, so a decision about deadlines is testable."""
    drg = parse_dmn(
        definitions(literal("due", 'string(today()) + " / " + string(now() + duration("P1D"))')),
        "clock.dmn",
    )
    pinned = dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    result = evaluate_decision(drg, "due", {}, now=pinned)
    assert result.output == "2026-11-29 / 2026-11-30T23:30:00+08:00"

"""Each hit policy on the same three overlapping rules (``>= 0`` low, ``>= 50`` medium,
``>= 100`` high; scores 1, 2, 4), as a designer reads them in the table."""

from __future__ import annotations

import pytest

from engine.dmn import DecisionEvaluationError, evaluate_decision


def matched(result) -> list[int]:
    return [rule.rule_index for rule in result.evaluated_decisions[-1].matched_rules]


def test_unique_gives_the_one_matching_rule(hit_policies) -> None:
    result = evaluate_decision(hit_policies, "unique", {"amount": 70})
    assert result.output == "medium"
    assert matched(result) == [2]


def test_unique_boundaries_follow_the_interval_brackets(hit_policies) -> None:
    assert evaluate_decision(hit_policies, "unique", {"amount": 0}).output == "low"
    assert evaluate_decision(hit_policies, "unique", {"amount": 50}).output == "medium"
    assert evaluate_decision(hit_policies, "unique", {"amount": 99.5}).output == "medium"
    assert evaluate_decision(hit_policies, "unique", {"amount": 100}).output == "high"


def test_unique_without_a_match_is_null_with_no_matched_rules(hit_policies) -> None:
    result = evaluate_decision(hit_policies, "unique", {"amount": -1})
    assert result.output is None
    assert result.output_json == "null"
    assert matched(result) == []


def test_unique_violation_names_every_matching_rule(hit_policies) -> None:
    with pytest.raises(DecisionEvaluationError) as caught:
        evaluate_decision(hit_policies, "unique_overlap", {"amount": 120})
    assert caught.value.decision_id == "unique_overlap"
    assert caught.value.message == (
        "Expected at most one rule to match for UNIQUE hit policy, but found 3: "
        "unique_overlap_r1, unique_overlap_r2, unique_overlap_r3"
    )


def test_a_table_without_hit_policy_is_unique(hit_policies) -> None:
    assert evaluate_decision(hit_policies, "no_hit_policy", {"amount": 3}).output == "low"


def test_first_takes_the_first_matching_rule_and_reports_only_it(hit_policies) -> None:
    result = evaluate_decision(hit_policies, "first", {"amount": 120})
    assert result.output == "low"
    assert matched(result) == [1]


def test_priority_takes_the_highest_ranked_output_value_not_the_first_rule(hit_policies) -> None:
    result = evaluate_decision(hit_policies, "priority", {"amount": 120})
    assert result.output == "high"
    assert matched(result) == [1, 2, 3]  # all matches are reported, as Zeebe does
    assert evaluate_decision(hit_policies, "priority", {"amount": 60}).output == "medium"


def test_priority_over_two_outputs_compares_left_to_right(hit_policies) -> None:
    # rules: (high, letter), (high, phone), (low, phone); "phone" outranks "letter"
    result = evaluate_decision(hit_policies, "priority_two_outputs", {"amount": 1})
    assert result.output == {"level": "high", "channel": "phone"}


def test_output_order_lists_outputs_by_priority(hit_policies) -> None:
    result = evaluate_decision(hit_policies, "output_order", {"amount": 120})
    assert result.output == ["high", "medium", "low"]
    assert evaluate_decision(hit_policies, "output_order", {"amount": 60}).output == [
        "medium",
        "low",
    ]


def test_rule_order_lists_outputs_in_rule_order(hit_policies) -> None:
    result = evaluate_decision(hit_policies, "rule_order", {"amount": 120})
    assert result.output == ["low", "medium", "high"]
    assert matched(result) == [1, 2, 3]


def test_any_accepts_several_matches_with_the_same_output(hit_policies) -> None:
    result = evaluate_decision(hit_policies, "any", {"amount": 50})
    assert result.output == "positive"
    assert matched(result) == [1, 2]


def test_any_refuses_matches_with_different_outputs(hit_policies) -> None:
    with pytest.raises(DecisionEvaluationError) as caught:
        evaluate_decision(hit_policies, "any", {"amount": 150})
    assert caught.value.decision_id == "any"
    assert "ANY hit policy" in caught.value.message
    assert 'any_r3 → "big"' in caught.value.message


def test_collect_lists_every_match(hit_policies) -> None:
    assert evaluate_decision(hit_policies, "collect", {"amount": 120}).output == [1, 2, 4]
    assert evaluate_decision(hit_policies, "collect", {"amount": 10}).output == [1]


def test_collect_without_a_match_is_null_not_an_empty_list(hit_policies) -> None:
    # dmn-scala (and so Zeebe) returns null when no rule matches, whatever the hit policy
    assert evaluate_decision(hit_policies, "collect", {"amount": -5}).output is None


@pytest.mark.parametrize(
    ("decision_id", "expected"),
    [("collect_sum", 7), ("collect_min", 1), ("collect_max", 4), ("collect_count", 3)],
)
def test_collect_aggregations(hit_policies, decision_id: str, expected: int) -> None:
    result = evaluate_decision(hit_policies, decision_id, {"amount": 120})
    assert result.output == expected
    assert result.output_json == str(expected)


def test_collect_sum_of_one_match(hit_policies) -> None:
    assert evaluate_decision(hit_policies, "collect_sum", {"amount": 60}).output == 3


def test_collect_with_two_outputs_gives_a_list_of_contexts(hit_policies) -> None:
    result = evaluate_decision(hit_policies, "collect_pairs", {"amount": 120})
    assert result.output == [{"level": "low", "score": 1}, {"level": "high", "score": 4}]
    rule = result.evaluated_decisions[0].matched_rules[1]
    assert [(o.output_id, o.output_name, o.output_value) for o in rule.evaluated_outputs] == [
        ("collect_pairs_out1", "level", "high"),
        ("collect_pairs_out2", "score", 4),
    ]


def test_default_output_entries_apply_when_no_rule_matches(hit_policies) -> None:
    assert evaluate_decision(hit_policies, "default_output", {"amount": 5}).output == {
        "level": "unknown",
        "review": True,
    }
    assert evaluate_decision(hit_policies, "default_output", {"amount": 500}).output == {
        "level": "high",
        "review": False,
    }

"""Input entries in every unary-test form a designer writes in Camunda Modeler.

``unary_forms`` is a FIRST table whose rules each use one form (see the ``form`` output); the
last rule (``-`` everywhere) catches the rest, so each case checks that *its* rule is the first
to match and that the forms before it did not match by accident.
"""

from __future__ import annotations

import datetime as dt

import pytest

from engine.dmn import evaluate_decision

BASE = {"category": "adult", "age": 40, "registeredOn": "2010-06-01", "limit": 999}


@pytest.mark.parametrize(
    ("variables", "form", "rule_index"),
    [
        ({"category": "minor"}, "string list", 1),
        ({"category": "child"}, "string list", 1),
        ({"category": "student", "age": 12}, "negation and comparison", 2),
        ({"category": "retired", "age": 70}, "open interval", 4),
        ({"age": 18}, "closed interval", 3),
        ({"age": 65}, "closed interval", 3),
        ({"age": 66}, "open interval", 4),
        ({"age": 80, "registeredOn": dt.date(2020, 1, 1)}, "date equality", 5),
        ({"age": 80, "registeredOn": dt.date(1999, 12, 31)}, "date comparison", 6),
        ({"age": 90, "limit": 85}, "expression with ? and a variable", 7),
        ({"age": 90, "category": None}, "null test", 8),
        ({"age": 90, "category": "veteran"}, "boolean function of ?", 9),
        ({"age": 90}, "anything", 10),
    ],
)
def test_each_unary_test_form_matches_its_rule(
    unary_tests, variables: dict, form: str, rule_index: int
) -> None:
    registered = variables.get("registeredOn", dt.date(2010, 6, 1))
    values = {**BASE, **variables, "registeredOn": registered}
    result = evaluate_decision(unary_tests, "unary_forms", values)
    assert result.output == form
    assert [r.rule_index for r in result.evaluated_decisions[0].matched_rules] == [rule_index]


def test_negation_excludes_the_listed_values(unary_tests) -> None:
    # rule 2 is not("retired","other") and < 18: a retired 12-year-old skips it
    values = {**BASE, "category": "retired", "age": 12, "registeredOn": dt.date(2010, 6, 1)}
    result = evaluate_decision(unary_tests, "unary_forms", values)
    assert result.output == "anything"


def test_open_interval_excludes_its_end_points(unary_tests) -> None:
    values = {**BASE, "age": 80, "registeredOn": dt.date(2010, 6, 1)}
    assert evaluate_decision(unary_tests, "unary_forms", values).output == "anything"


def test_an_empty_input_entry_matches_anything(unary_tests) -> None:
    for x in ("a", None, 3):
        assert evaluate_decision(unary_tests, "empty_cells", {"x": x}).output == "matched"


def test_evaluated_inputs_show_what_each_column_saw(unary_tests) -> None:
    values = {"category": "minor", "age": 7, "registeredOn": dt.date(2020, 1, 1), "limit": 1}
    decision = evaluate_decision(unary_tests, "unary_forms", values).evaluated_decisions[0]
    assert [(i.input_id, i.input_name, i.input_value) for i in decision.evaluated_inputs] == [
        ("unary_forms_in1", "Category", "minor"),
        ("unary_forms_in2", "Age", 7),
        ("unary_forms_in3", "Since", "2020-01-01"),
    ]

"""Deploying DMN: what the graph holds, and every way a resource is refused."""

from __future__ import annotations

import hashlib

import pytest

from engine.dmn import (
    DMN_NAMESPACES,
    Aggregation,
    DecisionTable,
    DecisionType,
    DmnParseError,
    HitPolicy,
    LiteralExpression,
    parse_dmn,
)

from .conftest import RESOURCES, definitions, literal

TABLE = """
<decision id="{id}" name="Table">
  <decisionTable id="{id}_t" {attrs}>
    <input id="in1" label="Amount"><inputExpression typeRef="number"><text>amount</text>
    </inputExpression></input>
    {outputs}
    {rules}
  </decisionTable>
</decision>
"""


def table(
    decision_id: str = "t",
    *,
    attrs: str = "",
    outputs: str = '<output id="out1" name="level" typeRef="string"/>',
    rules: str = '<rule id="r1"><inputEntry><text>&gt; 1</text></inputEntry>'
    '<outputEntry><text>"x"</text></outputEntry></rule>',
) -> str:
    return TABLE.format(id=decision_id, attrs=attrs, outputs=outputs, rules=rules)


def refused(xml: bytes, name: str = "test.dmn") -> DmnParseError:
    with pytest.raises(DmnParseError) as caught:
        parse_dmn(xml, name)
    return caught.value


# ------------------------------------------------------------------- what is deployed


def test_graph_carries_the_definitions_identity_and_every_decision_in_document_order() -> None:
    data = (RESOURCES / "required-decisions.dmn").read_bytes()
    drg = parse_dmn(data, "required-decisions.dmn")
    assert drg.id == "required-decisions"
    assert drg.name == "Required decisions"
    assert drg.resource_name == "required-decisions.dmn"
    assert drg.decision_ids == (
        "base_fee",
        "discount",
        "fee_band",
        "letter",
        "wrong_type",
        "broken",
        "uses_broken",
    )
    assert drg.decision_names["fee_band"] == "Fee band"
    assert drg.decisions["fee_band"].required_decisions == ("base_fee", "discount")
    assert drg.decisions["base_fee"].result_name == "baseFee"  # the variable name wins
    assert drg.decisions["discount"].result_name == "discount"  # no variable: the decision id


def test_checksum_is_the_sha256_of_the_bytes_so_a_changed_resource_is_a_new_version() -> None:
    data = (RESOURCES / "hit-policies.dmn").read_bytes()
    first = parse_dmn(data, "a.dmn")
    assert first.checksum == hashlib.sha256(data).hexdigest()
    assert parse_dmn(data, "b.dmn").checksum == first.checksum
    changed = data.replace(b'name="Unique"', b'name="Unique!"')
    assert parse_dmn(changed, "a.dmn").checksum != first.checksum


def test_decision_tables_keep_hit_policy_aggregation_columns_and_rules(hit_policies) -> None:
    assert hit_policies.decisions["unique"].decision_type is DecisionType.DECISION_TABLE
    collect_sum = hit_policies.decisions["collect_sum"].logic
    assert isinstance(collect_sum, DecisionTable)
    assert collect_sum.hit_policy is HitPolicy.COLLECT
    assert collect_sum.aggregation is Aggregation.SUM
    assert [rule.index for rule in collect_sum.rules] == [1, 2, 3]
    assert [rule.id for rule in collect_sum.rules] == [
        "collect_sum_r1",
        "collect_sum_r2",
        "collect_sum_r3",
    ]
    output_order = hit_policies.decisions["output_order"].logic
    assert isinstance(output_order, DecisionTable)
    assert output_order.hit_policy is HitPolicy.OUTPUT_ORDER
    assert output_order.outputs[0].output_values == ("high", "medium", "low")
    omitted = hit_policies.decisions["no_hit_policy"].logic
    assert isinstance(omitted, DecisionTable)
    assert omitted.hit_policy is HitPolicy.UNIQUE  # the DMN default


def test_literal_expression_decision_keeps_its_variable_and_type(required_decisions) -> None:
    letter = required_decisions.decisions["letter"]
    assert letter.decision_type is DecisionType.LITERAL_EXPRESSION
    assert isinstance(letter.logic, LiteralExpression)
    assert letter.variable_name == "letter"
    assert letter.type_ref == "string"


@pytest.mark.parametrize("namespace", list(DMN_NAMESPACES))
def test_dmn_13_14_and_15_namespaces_are_accepted(namespace: str) -> None:
    drg = parse_dmn(definitions(literal("d", "1 + 1"), ns=namespace), "v.dmn")
    assert drg.decision_ids == ("d",)


def test_definitions_without_a_name_use_the_id_and_decisions_without_a_name_too() -> None:
    xml = (
        b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="only-id">'
        b'<decision id="d"><literalExpression><text>1</text></literalExpression></decision>'
        b"</definitions>"
    )
    drg = parse_dmn(xml, "x.dmn")
    assert drg.name == "only-id"
    assert drg.decisions["d"].name == "d"


def test_required_input_data_is_allowed_and_does_not_become_a_required_decision() -> None:
    body = (
        '<decision id="d"><informationRequirement><requiredInput href="#age"/>'
        "</informationRequirement><literalExpression><text>age</text></literalExpression>"
        '</decision><inputData id="age" name="age"/>'
    )
    drg = parse_dmn(definitions(body), "x.dmn")
    assert drg.decisions["d"].required_decisions == ()


# --------------------------------------------------------------------- refusals


def test_malformed_xml_names_line_and_column() -> None:
    error = refused(b"<definitions xmlns='https://www.omg.org/spec/DMN/20191111/MODEL/'>\n<oops>")
    assert "Resource 'test.dmn' is not well-formed XML: line 2" in error.message


def test_a_bpmn_file_is_not_a_dmn_resource() -> None:
    error = refused(
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="x"/>', "p.bpmn"
    )
    assert "expected a DMN <definitions> root element" in error.message
    assert "DMN 1.3" in error.message


def test_dmn_11_is_refused_with_the_supported_versions_listed() -> None:
    error = refused(
        definitions(literal("d", "1"), ns="http://www.omg.org/spec/DMN/20151101/dmn.xsd")
    )
    assert "20151101" in error.message
    assert "https://www.omg.org/spec/DMN/20230324/MODEL/" in error.message


def test_definitions_without_id_and_without_decisions_are_refused() -> None:
    error = refused(b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"/>')
    assert "must have an id" in error.message
    error = refused(definitions(""))
    assert "contains no decision" in error.message


def test_required_decision_href_that_points_nowhere_is_named() -> None:
    error = refused(definitions(literal("a", "b", requires=("b",))))
    assert error.problems == (
        "decision 'a': requires decision 'b' (href '#b'), which does not exist in this resource",
    )


@pytest.mark.parametrize("href", ["other.dmn#b", "b", "#", ""])
def test_required_decision_href_must_be_a_local_fragment(href: str) -> None:
    body = (
        f'<decision id="a"><informationRequirement><requiredDecision href="{href}"/>'
        "</informationRequirement><literalExpression><text>1</text></literalExpression>"
        "</decision>"
    )
    error = refused(definitions(body))
    assert error.problems == (
        f"decision 'a': requiredDecision href '{href}' must reference a decision of this "
        "resource as '#decisionId'",
    )


def test_feel_syntax_error_in_a_literal_expression_is_a_deployment_error() -> None:
    error = refused(definitions(literal("total", "price * (1 +")))
    assert "decision 'total': literal expression 'price * (1 +' is not a valid FEEL" in (
        error.message
    )


def test_cycle_between_decisions_is_refused_with_the_path() -> None:
    body = (
        literal("a", "b", requires=("b",))
        + literal("b", "c", requires=("c",))
        + literal("c", "a", requires=("a",))
    )
    error = refused(definitions(body))
    assert "cycle: a → b → c → a" in error.message


def test_a_decision_requiring_itself_is_a_cycle() -> None:
    error = refused(definitions(literal("a", "1", requires=("a",))))
    assert "cycle: a → a" in error.message


def test_duplicate_decision_id_is_refused() -> None:
    error = refused(definitions(literal("a", "1") + literal("a", "2")))
    assert "decision 'a': the id is used by another decision" in error.message


def test_feel_syntax_error_in_an_input_entry_names_decision_and_rule() -> None:
    rules = (
        '<rule id="bad_rule"><inputEntry><text>&gt; &gt; 3</text></inputEntry>'
        '<outputEntry><text>"x"</text></outputEntry></rule>'
    )
    error = refused(definitions(table("dish", rules=rules)))
    assert error.message.startswith(
        "Resource 'test.dmn': decision 'dish' (rule 'bad_rule'): input entry 1 '> > 3' is not "
        "valid FEEL unary tests"
    )


def test_feel_syntax_error_in_an_input_expression_and_an_output_entry_are_both_reported() -> None:
    body = TABLE.format(
        id="d",
        attrs="",
        outputs='<output id="o" name="x"/>',
        rules='<rule id="r"><inputEntry><text>-</text></inputEntry>'
        "<outputEntry><text>1 +</text></outputEntry></rule>",
    ).replace("<text>amount</text>", "<text>amount +* 2</text>")
    error = refused(definitions(body))
    assert len(error.problems) == 2
    assert "decision 'd' (input 'in1'): input expression 'amount +* 2'" in error.problems[0]
    assert "decision 'd' (rule 'r'): output entry 1 '1 +'" in error.problems[1]


def test_rule_with_the_wrong_number_of_entries_is_refused() -> None:
    rules = '<rule id="short"><outputEntry><text>"x"</text></outputEntry></rule>'
    error = refused(definitions(table(rules=rules)))
    assert "decision 't' (rule 'short'): expected 1 input entries, found 0" in error.message


def test_unknown_hit_policy_is_refused_with_the_allowed_ones() -> None:
    error = refused(definitions(table(attrs='hitPolicy="SOMETIMES"')))
    assert "unknown hit policy 'SOMETIMES'" in error.message
    assert "RULE ORDER" in error.message


def test_aggregation_needs_collect_and_a_single_output() -> None:
    error = refused(definitions(table(attrs='hitPolicy="FIRST" aggregation="SUM"')))
    assert "aggregation SUM is only allowed with hit policy COLLECT, not FIRST" in error.message
    outputs = '<output id="o1" name="a"/><output id="o2" name="b"/>'
    rules = (
        '<rule id="r"><inputEntry><text>-</text></inputEntry>'
        "<outputEntry><text>1</text></outputEntry><outputEntry><text>2</text></outputEntry></rule>"
    )
    error = refused(
        definitions(
            table(attrs='hitPolicy="COLLECT" aggregation="MAX"', outputs=outputs, rules=rules)
        )
    )
    assert "COLLECT with aggregation MAX needs exactly one output, found 2" in error.message


def test_several_outputs_need_distinct_names() -> None:
    outputs = '<output id="o1" name="a"/><output id="o2"/><output id="o3" name="a"/>'
    rules = (
        '<rule id="r"><inputEntry><text>-</text></inputEntry><outputEntry><text>1</text>'
        "</outputEntry><outputEntry><text>2</text></outputEntry><outputEntry><text>3</text>"
        "</outputEntry></rule>"
    )
    error = refused(definitions(table(outputs=outputs, rules=rules)))
    assert any("(output 'o2')" in p and "needs a name" in p for p in error.problems)
    assert any("(output 'o3')" in p and "'a' is used twice" in p for p in error.problems)


def test_a_table_without_outputs_is_refused() -> None:
    error = refused(definitions(table(outputs="", rules="")))
    assert "decision 't': the decision table has no output" in error.message


def test_unsupported_decision_logic_and_knowledge_models_are_refused_not_skipped() -> None:
    context = '<decision id="ctx"><context><contextEntry/></context></decision>'
    bkm = (
        '<decision id="uses_bkm"><knowledgeRequirement><requiredKnowledge href="#k"/>'
        "</knowledgeRequirement><literalExpression><text>1</text></literalExpression>"
        "</decision>"
    )
    error = refused(definitions(context + bkm))
    assert "decision 'ctx': decision logic 'context' is not supported" in error.message
    assert "decision 'uses_bkm': business knowledge models" in error.message


def test_a_decision_without_logic_or_with_an_empty_literal_expression_is_refused() -> None:
    error = refused(
        definitions(
            '<decision id="empty"/>'
            '<decision id="blank"><literalExpression><text>  </text></literalExpression></decision>'
        )
    )
    assert "decision 'empty': has no decision logic" in error.message
    assert "decision 'blank': the literal expression is empty" in error.message


def test_a_non_feel_expression_language_is_refused() -> None:
    body = (
        '<decision id="js"><literalExpression expressionLanguage="javascript">'
        "<text>1 + 1</text></literalExpression></decision>"
    )
    error = refused(definitions(body))
    assert "expression language 'javascript' is not supported, only FEEL" in error.message


def test_output_values_that_are_not_literals_are_refused() -> None:
    outputs = (
        '<output id="o1" name="level"><outputValues><text>"a", foo</text></outputValues></output>'
    )
    error = refused(definitions(table(attrs='hitPolicy="PRIORITY"', outputs=outputs)))
    assert "(output 'o1'): output values" in error.message
    assert "'foo' is neither a quoted string, a number nor a boolean" in error.message

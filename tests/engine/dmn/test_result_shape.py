"""The result maps field-for-field onto Zeebe's EvaluateDecisionResponse messages.

The gateway builds ``pyzeebe.proto.gateway_pb2`` messages from the ``as_record()`` dicts; this
test builds them the same way, so a renamed key or a value that is not JSON text fails here and
not in a client.
"""

from __future__ import annotations

import json

from pyzeebe.proto import gateway_pb2 as pb

from engine.dmn import evaluate_decision


def test_records_build_zeebe_protobuf_messages(hit_policies) -> None:
    result = evaluate_decision(hit_policies, "collect_pairs", {"amount": 120})
    decision = result.evaluated_decisions[0]
    message = pb.EvaluatedDecision(
        decisionId=decision.decision_id,
        decisionName=decision.decision_name,
        decisionType=decision.decision_type,
        decisionOutput=decision.output_json,
        evaluatedInputs=[
            pb.EvaluatedDecisionInput(**i) for i in decision.evaluated_inputs_records()
        ],
        matchedRules=[
            pb.MatchedDecisionRule(
                ruleId=r["ruleId"],
                ruleIndex=r["ruleIndex"],
                evaluatedOutputs=[pb.EvaluatedDecisionOutput(**o) for o in r["evaluatedOutputs"]],
            )
            for r in decision.matched_rules_records()
        ],
    )
    assert message.decisionType == "DECISION_TABLE"
    assert json.loads(message.decisionOutput) == [
        {"level": "low", "score": 1},
        {"level": "high", "score": 4},
    ]
    assert message.evaluatedInputs[0].inputId == "collect_pairs_in1"
    assert message.evaluatedInputs[0].inputName == "Amount"
    assert message.evaluatedInputs[0].inputValue == "120"
    assert [r.ruleIndex for r in message.matchedRules] == [1, 2]
    assert message.matchedRules[1].ruleId == "collect_pairs_r2"
    assert message.matchedRules[1].evaluatedOutputs[0].outputName == "level"
    assert message.matchedRules[1].evaluatedOutputs[0].outputValue == '"high"'


def test_values_are_json_text_with_readable_chinese_and_decimals() -> None:
    from engine.dmn.results import EvaluatedInput

    record = EvaluatedInput("i", "部门", "民政").as_record()
    assert record == {"inputId": "i", "inputName": "部门", "inputValue": '"民政"'}


def test_decimal_results_are_json_numbers(required_decisions) -> None:
    result = evaluate_decision(required_decisions, "discount", {"member": True})
    assert result.output == 0.1
    assert result.output_json == "0.1"

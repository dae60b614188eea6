"""Unit callbacks: recorded once in the ledger, the contract's message published with an
idempotent message id; wrong roles and townships get 403."""

from __future__ import annotations

import json
from typing import Any

from domain.clock import now_in_shanghai
from tests.api.conftest import Api

ISSUER = {"issuer_name": "宁海县桃源街道社区卫生服务中心", "issuer_uscc": "12330226MB0000001H"}


def _id_number(api: Api, case_id: str) -> str:
    detail = api.get(f"/cases/{case_id}", "t-supervisor").json()
    return str(detail["deceased"]["id_number"])


def _messages(api: Api, name: str) -> list[Any]:
    return [m for m in api.gateway.messages if m.name == name]


def test_certificate_with_the_right_code_is_recorded_and_published_once(api: Api) -> None:
    case_id = api.report(seed=21)["case_id"]
    body = {"code": _id_number(api, case_id), "issued_at": now_in_shanghai().isoformat(), **ISSUER}
    first = api.post(f"/cases/{case_id}/certificate", "t-health-taoyuan", body)
    replay = api.post(f"/cases/{case_id}/certificate", "t-health-taoyuan", body)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "case_id": case_id,
        "action": "certificate_issued",
        "recorded": True,
        "message": "certificate-issued",
        "reference": body["code"],
    }
    assert replay.status_code == 200 and replay.json()["recorded"] is False
    assert replay.json()["reference"] == body["code"]
    [message] = _messages(api, "certificate-issued")  # the replay's message id was refused
    assert message.correlationKey == case_id
    assert message.messageId == f"certificate:{case_id}"
    variables = json.loads(message.variables)
    assert variables["certificateForms"] == ["paper"]
    assert variables["certificateCode"] == body["code"]
    timeline = api.get(f"/cases/{case_id}", "t-supervisor").json()["timeline"]
    issued = [e for e in timeline if e["step"] == "certificate_issued"]
    assert len(issued) == 1 and issued[0]["actor"] == "health:doc-1"


def test_certificate_with_a_wrong_code_is_422_and_nothing_is_published(api: Api) -> None:
    case_id = api.report(seed=22)["case_id"]
    body = {"code": "330226190001010000", "issued_at": now_in_shanghai().isoformat(), **ISSUER}
    response = api.post(f"/cases/{case_id}/certificate", "t-health-taoyuan", body)
    assert response.status_code == 422
    problem = response.json()
    assert any("国卫规划发" in e["message_zh"] and e["field"] == "code" for e in problem["errors"])
    assert any("rule of 2026" in e["message_en"] for e in problem["errors"])
    assert _messages(api, "certificate-issued") == []


def test_health_of_another_township_gets_403(api: Api) -> None:
    case_id = api.report(seed=23, token="t-hotline", township=_changjie())["case_id"]
    body = {"code": "x" * 18, "issued_at": now_in_shanghai().isoformat(), **ISSUER}
    response = api.post(f"/cases/{case_id}/certificate", "t-health-taoyuan", body)
    assert response.status_code == 403
    assert response.json()["message_en"] == "case is outside your township scope"


def test_acknowledgement_correlates_by_case_and_unit(api: Api) -> None:
    case_id = api.report(seed=24)["case_id"]
    response = api.post(f"/cases/{case_id}/acknowledgements", "t-police", {})
    assert response.status_code == 200 and response.json()["recorded"] is True
    [message] = _messages(api, "directive-acknowledged")
    assert message.correlationKey == f"{case_id}:police"
    assert message.messageId == f"ack:{case_id}:police"
    other_unit = api.post(f"/cases/{case_id}/acknowledgements", "t-police", {"unit": "hrss"})
    assert other_unit.status_code == 403


def test_benefit_action_of_another_unit_is_403_and_own_is_recorded_once(api: Api) -> None:
    case_id = api.report(seed=25)["case_id"]
    done = {"done_at": now_in_shanghai().isoformat(), "reference": "YL-1"}
    welfare = api.post(
        f"/cases/{case_id}/benefit-actions", "t-hrss", {"action": "welfare_stopped", **done}
    )
    assert welfare.status_code == 403
    body = {"action": "pension_stopped", **done}
    first = api.post(f"/cases/{case_id}/benefit-actions", "t-hrss", body)
    again = api.post(f"/cases/{case_id}/benefit-actions", "t-hrss", body)
    assert first.json()["recorded"] is True and again.json()["recorded"] is False
    timeline = api.get(f"/cases/{case_id}", "t-supervisor").json()["timeline"]
    stops = [e for e in timeline if e["step"] == "pension_stopped"]
    assert len(stops) == 1
    assert stops[0]["reference"] == "YL-1" and stops[0]["due_at"] is not None


def test_non_normal_finding_publishes_a_masked_finding(api: Api) -> None:
    case_id = api.report(seed=26)["case_id"]
    number = _id_number(api, case_id)
    body = {"finding": f"外伤，身份证{number}", "found_at": now_in_shanghai().isoformat()}
    response = api.post(f"/cases/{case_id}/non-normal-finding", "t-health-taoyuan", body)
    assert response.status_code == 200
    [message] = _messages(api, "non-normal-death-found")
    assert number not in message.variables


def test_engine_down_answers_503_and_the_retry_publishes_without_recording_twice(
    api: Api,
) -> None:
    case_id = api.report(seed=27)["case_id"]
    body = {"done_at": now_in_shanghai().isoformat()}
    api.gateway.unavailable = True
    down = api.post(f"/cases/{case_id}/cremation", "t-funeral", body)
    assert down.status_code == 503
    api.gateway.unavailable = False
    retry = api.post(f"/cases/{case_id}/cremation", "t-funeral", body)
    assert retry.status_code == 200 and retry.json()["recorded"] is False
    [message] = _messages(api, "cremation-recorded")
    assert message.messageId == f"cremation:{case_id}"


def test_unknown_case_is_404(api: Api) -> None:
    response = api.post(
        "/cases/nope/cremation", "t-funeral", {"done_at": "2026-01-01T00:00:00+08:00"}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "case.not_found"


def _changjie() -> Any:
    from domain.ninghai import Township

    return Township.CHANGJIE


def test_certificate_without_a_code_gets_the_rule_s_code(api: Api) -> None:
    case_id = api.report(seed=28)["case_id"]
    body = {"issued_at": now_in_shanghai().isoformat(), **ISSUER}
    response = api.post(f"/cases/{case_id}/certificate", "t-health-taoyuan", body)
    assert response.status_code == 200, response.text
    assert response.json()["reference"] == _id_number(api, case_id)


def _unidentified(api: Api, seed: int) -> str:
    from tests.api.conftest import report_body

    body = report_body(seed=seed)
    body["deceased"] = {
        "id_type": "none",
        "no_id_reason": "unidentified_body",
        "died_at": body["deceased"]["died_at"],
        "place_of_death": "other",
        "address": body["deceased"]["address"],
    }
    response = api.post("/reports", "t-hotline", body)
    assert response.status_code == 201, response.text
    return str(response.json()["case_id"])


def test_deceased_without_id_gets_issuer_code_and_next_yearly_serial(api: Api) -> None:
    codes = []
    for seed in (29, 30):
        case_id = _unidentified(api, seed)
        body = {"issued_at": now_in_shanghai().isoformat(), **ISSUER}
        response = api.post(f"/cases/{case_id}/certificate", "t-health-taoyuan", body)
        assert response.status_code == 200, response.text
        codes.append(response.json()["reference"])
    assert codes == [ISSUER["issuer_uscc"] + "0001", ISSUER["issuer_uscc"] + "0002"]

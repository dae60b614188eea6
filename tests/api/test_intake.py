"""POST /reports: the single entrance, over real HTTP with a real ledger and real gRPC."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.api.conftest import Api, report_body

CONTRACT_START_VARIABLES = {
    "caseId",
    "diedAt",
    "reportedAt",
    "township",
    "village",
    "placeOfDeath",
    "idType",
    "reporterRole",
    "profile",
}


def test_report_opens_a_case_and_starts_the_process_without_personal_data(api: Api) -> None:
    body = report_body(seed=3)
    response = api.post("/reports", "t-grid-taoyuan", body)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["joined"] is False and answer["report_late"] is False
    assert answer["family_link"].startswith(api.settings.public_url + "/family/")
    [instance] = api.gateway.instances
    assert instance.bpmnProcessId == "after-death-affairs"
    variables = json.loads(instance.variables)
    assert set(variables) == CONTRACT_START_VARIABLES
    assert variables["caseId"] == answer["case_id"]
    assert variables["township"] == "桃源街道"
    assert set(variables["profile"]) == {
        "hasPension",
        "hasSocialInsurance",
        "receivesWelfare",
        "hasDisabilityCard",
        "isBusinessOwner",
    }
    text = instance.variables
    deceased = body["deceased"]
    assert deceased["id_number"] not in text and deceased["name"] not in text
    assert body["family_contact"]["phone"] not in text
    detail = api.get(f"/cases/{answer['case_id']}", "t-supervisor").json()
    assert isinstance(detail["process_instance_key"], int), "the case must link to its instance"


def test_second_report_of_the_same_person_joins_the_open_case(api: Api) -> None:
    first = api.post("/reports", "t-grid-taoyuan", report_body(seed=4))
    second = api.post("/reports", "t-hotline", report_body(seed=4))
    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["case_id"] == first.json()["case_id"]
    assert second.json()["joined"] is True and second.json()["report_count"] == 2
    assert len(api.gateway.instances) == 1
    [message] = api.gateway.messages
    assert message.name == "duplicate-report-received"
    assert message.correlationKey == first.json()["case_id"]
    assert message.messageId.startswith("dup:")
    assert "duplicateReport" in json.loads(message.variables)


def test_late_report_is_flagged(api: Api) -> None:
    answer = api.report(seed=5, delay=timedelta(hours=13))
    assert answer["report_late"] is True
    assert answer["case"]["report_late"] is True


def test_report_while_the_engine_is_down_is_kept_and_started_on_retry(api: Api) -> None:
    body = {**report_body(seed=6), "idempotency_key": "client-req-6"}
    api.gateway.unavailable = True
    down = api.post("/reports", "t-grid-taoyuan", body)
    assert down.status_code == 503
    assert down.headers["retry-after"] == "5"
    case_id = down.json()["case_id"]
    assert "报告已保存" in down.json()["message_zh"]
    api.gateway.unavailable = False
    retry = api.post("/reports", "t-grid-taoyuan", body)
    assert retry.status_code == 200 and retry.json()["case_id"] == case_id
    assert retry.json()["report_count"] == 1  # the retry stored nothing twice
    assert len(api.gateway.instances) == 1


def test_grid_worker_outside_the_township_gets_403(api: Api) -> None:
    response = api.post("/reports", "t-grid-changjie", report_body(seed=7))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert api.gateway.instances == []


def test_role_that_does_not_take_reports_gets_403_and_no_token_401(api: Api) -> None:
    assert api.post("/reports", "t-police", report_body(seed=8)).status_code == 403
    assert api.client.post("/reports", json=report_body(seed=8)).status_code == 401


def test_bad_id_number_is_422_with_chinese_and_english_field_messages(api: Api) -> None:
    body = report_body(seed=9)
    number = body["deceased"]["id_number"]
    body["deceased"]["id_number"] = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = api.post("/reports", "t-grid-taoyuan", body)
    assert response.status_code == 422
    problem = response.json()
    [error] = [e for e in problem["errors"] if e["field"].startswith("deceased")]
    assert error["field"].startswith("deceased.id_number") or error["field"] == "deceased"
    assert "校验" in error["message_zh"] or "身份" in error["message_zh"]
    assert "check" in error["message_en"].lower()
    assert api.gateway.instances == []


def test_missing_field_is_422_naming_the_field(api: Api) -> None:
    body = report_body(seed=10)
    del body["reported_at"]
    problem = api.post("/reports", "t-grid-taoyuan", body).json()
    assert problem["code"] == "validation_failed"
    [error] = problem["errors"]
    assert error["field"] == "reported_at"
    assert error["message_zh"] == "reported_at：必填字段缺失"
    assert error["message_en"].startswith("reported_at: ")


def test_openapi_has_examples_and_error_bodies(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    post = spec["paths"]["/reports"]["post"]
    examples = post["requestBody"]["content"]["application/json"]["examples"]
    assert examples["grid"]["value"]["deceased"]["address"]["township"] == "桃源街道"
    assert {"401", "403", "422"} <= set(post["responses"])
    certificate = spec["components"]["schemas"]["CertificateIn"]
    assert certificate["examples"][0]["code"]


def test_api_start_up_starts_instances_of_reports_taken_while_the_engine_was_down(
    tmp_path: object,
) -> None:
    from api.settings import ApiSettings
    from tests.api.conftest import TOKENS
    from tests.api.live import live_api
    from tests.workers.fake_gateway import fake_gateway

    with fake_gateway() as gateway:
        settings = ApiSettings(
            zeebe_address=gateway.address,
            database_url=f"sqlite:///{tmp_path}/ledger.db",
            shenhou_api_tokens=TOKENS,
        )
        gateway.unavailable = True
        with live_api(settings) as client:
            response = client.post(
                "/reports",
                json=report_body(seed=11),
                headers={"Authorization": "Bearer t-grid-taoyuan"},
            )
            assert response.status_code == 503
        assert gateway.instances == []
        gateway.unavailable = False
        with live_api(settings):  # a restarted API
            gateway.wait_for(lambda g: len(g.instances) == 1)
        variables = json.loads(gateway.instances[0].variables)
        assert variables["caseId"] == response.json()["case_id"]
        assert variables["reporterRole"] == report_body(seed=11)["reporter"]["role"]


def test_two_simultaneous_reports_of_one_death_make_one_case_and_one_instance(api: Api) -> None:
    from concurrent.futures import ThreadPoolExecutor

    body = report_body(seed=12)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda t: api.post("/reports", t, body), ["t-hotline"] * 2))
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].json()["case_id"] == answers[1].json()["case_id"]
    assert len(api.gateway.instances) == 1
    assert [m.name for m in api.gateway.messages] == ["duplicate-report-received"]

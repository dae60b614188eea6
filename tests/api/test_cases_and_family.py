"""Case queries within the caller's scope, and the family's link: progress and unlimited
certificate copies."""

from __future__ import annotations

from domain.clock import now_in_shanghai
from domain.ninghai import Township
from tests.api.conftest import Api

ISSUER = {"issuer_name": "宁海县桃源街道社区卫生服务中心", "issuer_uscc": "12330226MB0000001H"}


def _certify(api: Api, case_id: str) -> None:
    number = api.get(f"/cases/{case_id}", "t-supervisor").json()["deceased"]["id_number"]
    body = {"code": number, "issued_at": now_in_shanghai().isoformat(), **ISSUER}
    response = api.post(f"/cases/{case_id}/certificate", "t-health-taoyuan", body)
    assert response.status_code == 200, response.text


def test_case_list_is_limited_to_the_callers_townships(api: Api) -> None:
    mine = api.report(seed=31)["case_id"]
    other = api.report(seed=32, token="t-hotline", township=Township.CHANGJIE)["case_id"]
    grid_view = api.get("/cases", "t-grid-taoyuan").json()
    assert [c["id"] for c in grid_view["items"]] == [mine] and grid_view["total"] == 1
    county = api.get("/cases", "t-supervisor").json()
    assert {c["id"] for c in county["items"]} == {mine, other}
    assert api.get("/cases", "t-grid-taoyuan", township="长街镇").status_code == 403
    assert api.get(f"/cases/{other}", "t-grid-taoyuan").status_code == 403
    assert api.get("/cases", None).status_code == 401


def test_case_filters(api: Api) -> None:
    api.report(seed=33)
    from datetime import timedelta

    late = api.report(seed=34, delay=timedelta(hours=14))["case_id"]
    response = api.get("/cases", "t-supervisor", report_late="true").json()
    assert [c["id"] for c in response["items"]] == [late]
    assert api.get("/cases", "t-supervisor", status="bogus").status_code == 422


def test_case_detail_timeline_has_deadlines_and_actors(api: Api) -> None:
    case_id = api.report(seed=35)["case_id"]
    api.post(f"/cases/{case_id}/acknowledgements", "t-civil", {})
    detail = api.get(f"/cases/{case_id}", "t-supervisor").json()
    steps = {e["step"]: e for e in detail["timeline"]}
    assert steps["report"]["due_at"] and steps["report"]["on_time"] is True
    assert steps["directive_acknowledged:civil_affairs"]["actor"] == "civil_affairs:civ-1"
    assert detail["deceased"]["id_number"]  # staff in scope see the full record


def test_family_link_shows_progress_and_gives_unlimited_copies(api: Api) -> None:
    answer = api.report(seed=36)
    case_id, link = answer["case_id"], answer["family_link"]
    path = link.removeprefix(api.settings.public_url)
    before = api.client.post(f"{path}/proof-requests", json={})
    assert before.status_code == 409  # nothing to copy before the certificate
    _certify(api, case_id)
    numbers = []
    for n in range(3):
        response = api.client.post(f"{path}/proof-requests", json={"request_id": f"r{n}"})
        assert response.status_code == 201, response.text
        numbers += [c["sequence_no"] for c in response.json()]
    assert numbers == [2, 3, 4]
    replay = api.client.post(f"{path}/proof-requests", json={"request_id": "r0"})
    assert [c["sequence_no"] for c in replay.json()] == [2]  # a retried request issues nothing
    two = api.client.post(f"{path}/proof-requests", json={"request_id": "r9", "copies": 2})
    assert [c["issue_kind"] for c in two.json()] == ["copy", "copy"]
    progress = api.client.get(path).json()
    assert progress["certificate_available"] is True and progress["copies_issued"] == 5
    assert all(step["actor"] is None for step in progress["steps"])
    copy_messages = [m for m in api.gateway.messages if m.name == "certificate-copy-requested"]
    assert {m.messageId for m in copy_messages} == {"copy:r0", "copy:r1", "copy:r2", "copy:r9"}


def test_forged_family_link_is_404(api: Api) -> None:
    api.report(seed=37)
    assert api.client.get("/family/U0gtMQ.forged").status_code == 404
    assert api.client.get("/family/not-a-token").status_code == 404


def test_family_link_for_staff(api: Api) -> None:
    case_id = api.report(seed=38)["case_id"]
    response = api.get(f"/cases/{case_id}/family-link", "t-hotline")
    assert response.status_code == 200 and "/family/" in response.json()["family_link"]
    assert api.get(f"/cases/{case_id}/family-link", "t-police").status_code == 403


def test_timeline_shows_pending_steps_with_their_deadlines(api: Api) -> None:
    case_id = api.report(seed=39)["case_id"]
    timeline = api.get(f"/cases/{case_id}", "t-supervisor").json()["timeline"]
    pending = {e["step"]: e for e in timeline if e["state"] == "pending"}
    assert {"certificate_issued", "household_deregistration", "cremation"} <= set(pending)
    assert pending["household_deregistration"]["due_at"] is not None
    assert pending["household_deregistration"]["at"] is None
    assert timeline[0]["step"] == "report" and timeline[0]["state"] == "done"

"""Fixtures for API tests: the real app under uvicorn on a free port, a real SQLite ledger
in a temporary directory, and a fake Zeebe gateway over real gRPC that records what the
API starts and publishes."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.settings import ApiSettings, StaticToken
from domain.clock import now_in_shanghai
from domain.fakes import fake_death_report
from domain.ninghai import Township
from tests.api.live import live_api
from tests.workers.fake_gateway import FakeGateway, fake_gateway

TOKENS = {
    "t-hotline": StaticToken(sub="op-1", roles=["hotline"]),
    "t-grid-taoyuan": StaticToken(sub="grid-1", roles=["grid"], townships=["桃源街道"]),
    "t-grid-changjie": StaticToken(sub="grid-2", roles=["grid"], townships=["长街镇"]),
    "t-health-taoyuan": StaticToken(sub="doc-1", roles=["health"], townships=["桃源街道"]),
    "t-police": StaticToken(sub="pol-1", roles=["police"]),
    "t-civil": StaticToken(sub="civ-1", roles=["civil"]),
    "t-hrss": StaticToken(sub="hr-1", roles=["hrss"]),
    "t-funeral": StaticToken(sub="fun-1", roles=["funeral"]),
    "t-supervisor": StaticToken(sub="sup-1", roles=["supervisor"]),
}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def report_body(
    seed: int = 1, *, delay: timedelta = timedelta(hours=2), township: Township = Township.TAOYUAN
) -> dict[str, Any]:
    """A generated report (valid ID numbers, invented people) as JSON."""
    died_at = now_in_shanghai() - delay - timedelta(minutes=5)
    report = fake_death_report(random.Random(seed), died_at, report_delay=delay, township=township)
    return report.model_dump(mode="json", exclude_none=True)


class Api:
    def __init__(self, client: httpx.Client, gateway: FakeGateway, settings: ApiSettings):
        self.client = client
        self.gateway = gateway
        self.settings = settings

    def post(self, path: str, token: str, body: dict[str, Any]) -> httpx.Response:
        return self.client.post(path, json=body, headers=auth(token))

    def get(self, path: str, token: str | None = None, **params: Any) -> httpx.Response:
        return self.client.get(path, headers=auth(token) if token else {}, params=params)

    def report(self, token: str = "t-grid-taoyuan", **kwargs: Any) -> dict[str, Any]:
        response = self.post("/reports", token, report_body(**kwargs))
        assert response.status_code in (200, 201), response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with fake_gateway() as gateway:
        settings = ApiSettings(
            zeebe_address=gateway.address,
            database_url=f"sqlite:///{tmp_path}/ledger.db",
            shenhou_api_tokens=TOKENS,
            shenhou_family_link_secret="test-secret",
        )
        with live_api(settings) as client:
            yield Api(client, gateway, settings)

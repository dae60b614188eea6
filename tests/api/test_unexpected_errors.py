"""An unexpected error answers 500 in both languages and logs no personal data."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.app import create_app
from api.settings import ApiSettings
from tests.api.live import live_api


def test_unexpected_error_is_a_bilingual_500_without_personal_data_in_logs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = ApiSettings(
        zeebe_address="127.0.0.1:1", database_url=f"sqlite:///{tmp_path}/ledger.db"
    )
    app = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("lookup failed for 330226194403150011 phone 13912345678")

    with live_api(settings, app) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.json()["message_zh"] == "服务器内部错误"
    logged = capsys.readouterr()
    assert "330226194403150011" not in logged.err + logged.out
    assert "13912345678" not in logged.err + logged.out

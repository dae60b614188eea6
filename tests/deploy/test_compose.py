"""docker-compose.yml cannot run on our CI machines (no container engine), so these checks
keep it exact: the ports and images the README promises, every part wired to the settings
names the code reads, and the API image built from files that exist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from api.settings import ApiSettings, StaticToken

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
    return data


def test_camunda_orchestration_container_on_zeebes_ports_with_a_health_check() -> None:
    camunda = compose()["services"]["orchestration"]
    assert camunda["image"].startswith("camunda/camunda:8.9.")
    assert set(camunda["ports"]) == {"26500:26500", "8080:8080", "9600:9600"}
    assert "/actuator/health/status" in " ".join(camunda["healthcheck"]["test"])


def test_every_shenhou_part_reaches_camunda_and_postgres_by_the_settings_the_code_reads() -> None:
    services = compose()["services"]
    for name in ("deploy", "workers", "api"):
        env = services[name]["environment"]
        assert env["ZEEBE_ADDRESS"] == "orchestration:26500"
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert services[name]["depends_on"], name
    fields = set(ApiSettings.model_fields)
    for variable in services["api"]["environment"]:
        assert variable.lower() in fields, f"{variable} is not a setting of the case API"
    assert services["workers"]["depends_on"]["deploy"]["condition"] == (
        "service_completed_successfully"
    )


def test_the_commands_exist_and_the_image_copies_real_paths() -> None:
    from shenhou.cli import COMMANDS

    services = compose()["services"]
    for name in ("deploy", "workers", "api"):
        command = services[name]["command"]
        assert command[0] == "shenhou" and command[1] in COMMANDS
    for line in (ROOT / "Dockerfile").read_text("utf-8").splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"
    init = (ROOT / "deploy" / "postgres-init.sql").read_text("utf-8")
    assert "CREATE DATABASE camunda_secondary" in init and "CREATE DATABASE shenhou" in init


def test_the_example_token_file_is_valid_for_the_api() -> None:
    raw = json.loads((ROOT / "deploy" / "api-tokens.example.json").read_text("utf-8"))
    for entry in raw.values():
        StaticToken.model_validate(entry)

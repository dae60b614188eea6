"""Settings of the engine process: command-line flags over environment over defaults.

Environment variables are named ``ENGINE_<SETTING>`` (``ENGINE_GRPC_ADDRESS``,
``ENGINE_DATA_DIR`` ...). The controlled clock also answers to Zeebe's own switch,
``ZEEBE_CLOCK_CONTROLLED=true``, so a test suite written for Zeebe runs unchanged.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def parse_address(address: str) -> tuple[str, int]:
    """``host:port`` (``[::1]:port`` for IPv6) → ``(host, port)``; ValueError with a clear text."""
    host, sep, port_text = address.rpartition(":")
    if not sep or not port_text.isdigit():
        raise ValueError(f"address {address!r} is not of the form host:port")
    port = int(port_text)
    if not 0 <= port <= 65535:
        raise ValueError(f"address {address!r}: port {port} is out of range")
    host = host.strip("[]") or "0.0.0.0"
    return host, port


class EngineSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGINE_", extra="ignore")

    grpc_address: str = "127.0.0.1:26500"
    http_address: str = "127.0.0.1:8080"
    management_address: str = "127.0.0.1:9600"
    data_dir: Path = Path("./data/engine")
    clock_controlled: bool = Field(
        default=False,
        validation_alias=AliasChoices("ZEEBE_CLOCK_CONTROLLED", "ENGINE_CLOCK_CONTROLLED"),
    )
    log_level: str = "INFO"
    queue_capacity: int = Field(default=10_000, gt=0)

    @field_validator("grpc_address", "http_address", "management_address")
    @classmethod
    def _valid_address(cls, value: str) -> str:
        parse_address(value)
        return value

    @field_validator("log_level")
    @classmethod
    def _valid_level(cls, value: str) -> str:
        level = value.upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"log level must be one of {', '.join(LOG_LEVELS)}")
        return level

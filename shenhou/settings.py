"""Settings of the whole system, read from the environment (and `.env`) with pydantic-settings.

The names are the ones ARCHITECTURE.md documents; the defaults are the embedded setup
(`make run` on one machine). Setting ``ZEEBE_ADDRESS`` switches every part to an external
Zeebe / Camunda 8 cluster and stops `shenhou up` from starting the embedded engine.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    zeebe_address: str | None = Field(
        default=None, description="host:port of an external Zeebe gateway; unset = embedded engine"
    )
    engine_grpc_address: str = "127.0.0.1:26500"
    engine_http_address: str = "127.0.0.1:8080"
    engine_management_address: str = "127.0.0.1:9600"
    engine_data_dir: Path = Path("data/engine")
    zeebe_clock_controlled: bool = False
    shenhou_api_address: str = "127.0.0.1:8000"
    database_url: str = "sqlite:///./data/shenhou.db"
    bpmn_dir: Path = Path("bpmn")
    log_level: str = "INFO"

    @property
    def effective_zeebe_address(self) -> str:
        """Where workers and the API reach the engine."""
        return self.zeebe_address or self.engine_grpc_address

    @property
    def embedded(self) -> bool:
        return not self.zeebe_address

"""Where the board links each case's process instance: the engine console's address."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class BoardSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # The engine console (engine/console) on the engine's HTTP address.
    shenhou_console_url: str = "http://127.0.0.1:8080/console"

    def instance_url(self, key: int | None) -> str | None:
        return None if key is None else f"{self.shenhou_console_url.rstrip('/')}/instances/{key}"

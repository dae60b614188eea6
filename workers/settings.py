"""Settings of the worker process, from the same environment names as ``shenhou.settings``.

workers/ may not import ``shenhou`` (the import rule keeps the CLI out of the runtime),
so the few names the workers need are read here again with pydantic-settings.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    zeebe_address: str = "127.0.0.1:26500"
    database_url: str = "sqlite:///./data/shenhou.db"
    log_level: str = "INFO"
    shenhou_api_address: str = "127.0.0.1:8000"
    # Public base URL of the case API, for links in notices (defaults to the API address).
    shenhou_public_url: str | None = None

    # Worker tuning
    shenhou_worker_name: str = "shenhou-workers"
    shenhou_worker_request_timeout_ms: int = Field(default=10_000, ge=0)
    shenhou_worker_max_back_off_ms: int = Field(default=60_000, ge=0)

    # Department systems: "ledger" (default, records kept in our database) or an HTTP base
    # URL of the department's own endpoint, e.g. SHENHOU_DEPT_HRSS_URL=https://hrss.example/api
    shenhou_dept_police_url: str | None = None
    shenhou_dept_civil_url: str | None = None
    shenhou_dept_hrss_url: str | None = None
    shenhou_dept_dpf_url: str | None = None
    shenhou_dept_market_url: str | None = None
    shenhou_dept_funeral_url: str | None = None
    shenhou_dept_token: str | None = None
    shenhou_dept_timeout_s: float = 10.0
    shenhou_dept_retries: int = Field(default=3, ge=0)

    # Notification channels, each enabled when configured; the sink is always on in dev.
    shenhou_notify_sink: Path | None = Path("data/notifications.jsonl")
    dingtalk_webhook_url: str | None = None
    dingtalk_secret: str | None = None
    shenhou_notify_webhook_url: str | None = None
    shenhou_notify_webhook_token: str | None = None
    shenhou_sms_gateway_url: str | None = None
    shenhou_sms_gateway_token: str | None = None
    # Same secret as the API's: the workers put the family's link into SMS notices.
    shenhou_family_link_secret: str = "dev-only-family-link-secret"
    # Cremation booking contact printed on the family notice.
    shenhou_cremation_contact: str = "宁海县殡仪馆 0574-00000000"

    # Test hook for the "worker killed in the middle of a job" test: after the department
    # action of this task type is durable, the worker stops before completing the job.
    shenhou_worker_crash_after_action: str | None = None

    @property
    def public_url(self) -> str:
        base = self.shenhou_public_url or f"http://{self.shenhou_api_address}"
        return base.rstrip("/")

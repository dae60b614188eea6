"""What the routes share at run time: the engine client and the ledger's sessions.

Built in the app's lifespan so nothing connects at import time, and closed on shutdown.
"""

from __future__ import annotations

from api.engine_client import EngineClient
from api.settings import ApiSettings


class Runtime:
    def __init__(self, settings: ApiSettings) -> None:
        self.settings = settings
        self.engine = EngineClient(settings.zeebe_address)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        await self.engine.close()

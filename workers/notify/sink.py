"""Local sink: every notice appended as one JSON line to a file.

For development and for the end-to-end tests, which read the file to see what the
departments and the family would have received. Each line is flushed and fsynced before
``send`` returns, so "sent" means "on disk", as for a real channel it means "accepted".
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

from workers.notify.message import ChannelError, Message


class LocalSink:
    name = "sink"

    def __init__(self, path: Path) -> None:
        self.path = path

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    async def send(self, message: Message) -> None:
        record = {
            "at": time.time(),
            "template": message.template,
            "case_id": message.case_id,
            "dedupe_key": message.dedupe_key,
            "recipients": list(message.recipients),
            "title": message.title,
            "text": message.text,
        }
        try:
            await asyncio.to_thread(self._append, json.dumps(record, ensure_ascii=False))
        except OSError as error:
            raise ChannelError(f"sink: {error}") from error

    def read(self) -> list[dict[str, object]]:
        """Every notice written so far (tests and the dev console read it)."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

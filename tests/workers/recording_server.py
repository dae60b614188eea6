"""A real HTTP server on a free loopback port that records requests and plays answers.

Used instead of mocks so channel and adapter tests go through httpx's real transport:
connection handling, headers, query strings and timeouts are exercised for real.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    body: object = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class RecordingServer:
    url: str
    requests: list[Recorded]
    answers: list[Answer]
    default: Answer
    responder: Callable[[Recorded], Answer] | None = None


@contextmanager
def recording_server(default: Answer | None = None) -> Iterator[RecordingServer]:
    state = RecordingServer(url="", requests=[], answers=[], default=default or Answer())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.do_POST(method="GET")

        def do_POST(self, method: str = "POST") -> None:
            length = int(self.headers.get("Content-Length", "0"))
            parts = urlsplit(self.path)
            recorded = Recorded(
                method=method,
                path=parts.path,
                query=parse_qs(parts.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length),
            )
            state.requests.append(recorded)
            if state.responder is not None:
                answer = state.responder(recorded)
            else:
                answer = state.answers.pop(0) if state.answers else state.default
            if answer.delay_s:
                time.sleep(answer.delay_s)
            payload = json.dumps(answer.body, ensure_ascii=False).encode()
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()

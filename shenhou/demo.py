"""`shenhou demo`: take one generated case from report to closed through the case API.

For a new user after `make run`: it files a report as the grid worker, then plays each unit
the way its staff (or its own system) would call the API — acknowledgements, the notice
delivered at home, the certificate, the cremation, the paper-certificate report — and
shows the case's timeline as the workers and the engine move it along. Everything goes
over HTTP with the development tokens; nothing is called in-process, so what it shows is
what a real unit would see. The person is generated (valid ID number, invented name).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from domain.clock import now_in_shanghai
from domain.fakes import fake_death_report
from domain.models import ProfileFlags, WelfareKind
from shenhou.dev_credentials import token_for
from shenhou.settings import Settings

console = Console()

# The unit named in the directive → the API role whose staff acknowledge for it.
UNIT_ROLES = {
    "health": "health",
    "police": "police",
    "civil_affairs": "civil",
    "hrss": "hrss",
    "dpf": "dpf",
    "funeral_home": "funeral",
    "grid": "grid",
}
ISSUER = {"issuer_name": "宁海县桃源街道社区卫生服务中心", "issuer_uscc": "12330226MB0000001H"}
WAIT_S = 60.0


class Demo:
    def __init__(self, base_url: str, data_dir: Path) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=10.0)
        self.data_dir = data_dir

    def call(self, method: str, path: str, role: str, body: Any = None) -> Any:
        headers = {"authorization": f"Bearer {token_for(role, self.data_dir)}"}
        response = self.client.request(method, path, json=body, headers=headers)
        if response.status_code >= 400:
            raise SystemExit(f"{method} {path} as {role}: {response.status_code} {response.text}")
        return response.json()

    def case(self, case_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", f"/cases/{case_id}", "supervisor")
        return result

    def wait(self, case_id: str, what: str, done: Callable[[dict[str, Any]], bool]) -> dict:
        deadline = time.monotonic() + WAIT_S
        with console.status(f"waiting for {what} …"):
            while time.monotonic() < deadline:
                case = self.case(case_id)
                if done(case):
                    return case
                time.sleep(0.3)
        raise SystemExit(f"{what} did not happen within {WAIT_S:.0f} s: are the workers running?")


def _step(case: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((s for s in case["timeline"] if s["step"] == name and s["state"] == "done"), None)


def _short_time(iso: str | None) -> str:
    """'2026-11-29T14:12:36+08:00' → '11-29 14:12' (the table must fit a terminal)."""
    return f"{iso[5:10]} {iso[11:16]}" if iso else ""


def show(case: dict[str, Any]) -> None:
    table = Table(title=f"case {case['id']} — {case['status']} ({case['stage']})")
    for column in ("step", "state", "at", "deadline", "on time", "who"):
        table.add_column(column)
    for step in case["timeline"]:
        table.add_row(
            step.get("label_zh") or step["step"],
            step["state"],
            _short_time(step.get("at")),
            _short_time(step.get("due_at")),
            {True: "✓", False: "✗", None: ""}[step.get("on_time")],
            (step.get("actor") or "").split(":")[0],
        )
    console.print(table)


def run(demo: Demo, seed: int) -> dict[str, Any]:
    now = now_in_shanghai()
    report = fake_death_report(
        random.Random(seed), now - timedelta(hours=2), report_delay=timedelta(hours=2)
    )
    report = report.model_copy(
        update={
            "profile": ProfileFlags(
                has_pension=True, receives_welfare=frozenset({WelfareKind.OLD_AGE_ALLOWANCE})
            )
        }
    )
    answer = demo.call(
        "POST", "/reports", "grid", report.model_dump(mode="json", exclude_none=True)
    )
    case_id = answer["case_id"]
    console.print(f"report filed: case [bold]{case_id}[/bold]; family link {answer['family_link']}")
    case = demo.wait(
        case_id, "the 12345 directive", lambda c: _step(c, "directive_sent") is not None
    )
    units = (_step(case, "directive_sent") or {}).get("details", {}).get("units", [])
    for unit in units:
        demo.call("POST", f"/cases/{case_id}/acknowledgements", UNIT_ROLES[unit], {"unit": unit})
    console.print(f"acknowledged by {', '.join(units)}")
    at = now_in_shanghai().isoformat()
    demo.call("POST", f"/cases/{case_id}/notice-delivery", "grid", {"delivered_at": at})
    certificate = {"code": report.deceased.id_number, "issued_at": at, **ISSUER}
    demo.call("POST", f"/cases/{case_id}/certificate", "health", certificate)
    console.print("grid worker delivered the notice; the doctor issued the certificate")
    demo.wait(
        case_id, "the certificate to reach the process", lambda c: c["certificate_at"] is not None
    )
    demo.call("POST", f"/cases/{case_id}/cremation", "funeral", {"done_at": at})
    demo.call("POST", f"/cases/{case_id}/certificate/paper-report", "health", {"reported_at": at})
    console.print("cremation recorded; paper certificate reported")
    return demo.wait(
        case_id, "every department and the case to close", lambda c: c["status"] == "closed"
    )


def main(argv: Sequence[str]) -> int:
    settings = Settings()
    parser = argparse.ArgumentParser(
        prog="shenhou demo",
        description="Take one generated case from report to closed through the running "
        "system's case API (start it first with `make run`).",
    )
    parser.add_argument("--api", default=f"http://{settings.shenhou_api_address}")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args(list(argv))
    case = run(Demo(args.api, args.data_dir), args.seed)
    show(case)
    console.print("[green]case closed: every department acted, the family made no trip")
    return 0

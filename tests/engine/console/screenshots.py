"""Take the console and case-board screenshots in ``docs/`` (run by hand, not by pytest).

``.venv/bin/python -m tests.engine.console.screenshots [docs]`` starts a real engine, deploys
``bpmn/after-death-affairs.bpmn``, fills a ledger with 40 invented cases at every stage (each
with its real process instance; two stuck with an incident at the doctor's dispatch), starts
``python -m api`` on that ledger, and photographs the pages with headless Chromium.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import httpx

from api.process import start_variables_for_report
from domain.clock import now_in_shanghai, to_feel
from domain.enums import ActionKind, CaseStage, CaseStatus, Role, Unit
from domain.fakes import fake_death_report
from domain.ledger import Ledger
from domain.models import Actor, DepartmentAction
from domain.ninghai import Township
from tests.engine.console.browser import ARGS, CHROMIUM
from tests.engine.console.harness import OPS, ConsoleEngine, Zeebe
from tests.engine.e2e.harness import ROOT, free_port, wait_for

READY = 'body[data-ready="true"]'
"""Every console page sets this once its controls are filled (see common.js, markReady)."""

TOWNSHIPS = [Township.TAOYUAN, Township.YUELONG, Township.MEILIN, Township.CHANGJIE]
ACTOR = Actor(id="screenshots", role=Role.SYSTEM)
SUPERVISOR_TOKEN = "board-supervisor"


def seed(zeebe: Zeebe, ledger: Ledger) -> list[int]:
    """40 cases over three weeks; returns the instance keys left with an incident."""
    rng = random.Random(29)
    now = now_in_shanghai()
    stuck: list[int] = []
    for i in range(40):
        age = timedelta(hours=rng.uniform(1, 20 * 24)) if i >= 8 else timedelta(hours=3 + 4 * i)
        died_at = now - age - timedelta(hours=2)
        report = fake_death_report(
            rng,
            died_at,
            report_delay=timedelta(hours=rng.uniform(0.5, 6)),
            township=rng.choice(TOWNSHIPS),
        )
        case = ledger.record_report(report, ACTOR).case
        key = zeebe.create("after-death-affairs", start_variables_for_report(case, report))
        ledger.set_process_instance(case.id, key)
        directive = report.reported_at + timedelta(minutes=20)
        if i < 3 or directive > now:
            continue
        ledger.advance(case.id, at=directive, actor=ACTOR, stage=CaseStage.DIRECTED)
        certified = directive + timedelta(hours=rng.choice([3, 5, 8, 11, 14, 19, 22, 23, 27, 31]))
        if i < 6 or certified > now:
            if i in (4, 5):
                register = zeebe.job_of("hotline.register-case", key)
                due = to_feel(now + timedelta(days=30))
                zeebe.complete(
                    register.key,
                    {
                        "reportLate": False,
                        "reportLatenessMinutes": 60,
                        **{
                            name: True
                            for name in (
                                "needsCremation",
                                "needsHouseholdDeregistration",
                                "needsCivilAffairs",
                                "needsPensionStop",
                            )
                        },
                        "needsDisabilityCardCancel": False,
                        "needsMarketNotice": False,
                        "householdDeregistrationDueAt": due,
                        "householdDeregistrationReminderAt": due,
                        "paymentStopDueAt": due,
                    },
                )
                stuck.append(key)
            continue
        ledger.advance(case.id, at=certified, actor=ACTOR, stage=CaseStage.CERTIFIED)
        if i % 3 == 0:
            ledger.record_action(
                DepartmentAction(
                    case_id=case.id,
                    unit=Unit.FUNERAL_HOME,
                    action=ActionKind.CREMATION,
                    done_at=min(now, certified + timedelta(days=1)),
                ),
                ACTOR,
            )
            ledger.advance(case.id, at=certified, actor=ACTOR, stage=CaseStage.DOWNSTREAM)
        if i % 5 == 0 and certified + timedelta(days=6) < now:
            done = certified + timedelta(days=5)
            ledger.advance(case.id, at=done, actor=ACTOR, stage=CaseStage.COMPLETED)
            ledger.close_case(case.id, CaseStatus.CLOSED, done, ACTOR)
    return stuck


def main(argv: list[str] | None = None) -> int:
    out = Path((argv if argv is not None else sys.argv[1:] or ["docs"])[0])
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        engine = ConsoleEngine(Path(tmp) / "engine", controlled_clock=False).start()
        api_proc = None
        try:
            zeebe = Zeebe(engine.grpc_address)
            zeebe.deploy(
                "after-death-affairs.bpmn", (ROOT / "bpmn/after-death-affairs.bpmn").read_bytes()
            )
            database = f"sqlite:///{tmp}/shenhou.db"
            stuck = seed(zeebe, Ledger.from_url(database))
            api_port = free_port()
            env = {
                **os.environ,
                "SHENHOU_API_ADDRESS": f"127.0.0.1:{api_port}",
                "DATABASE_URL": database,
                "ZEEBE_ADDRESS": engine.grpc_address,
                "SHENHOU_CONSOLE_URL": engine.console_url,
                "SHENHOU_API_TOKENS": json.dumps(
                    {SUPERVISOR_TOKEN: {"sub": "sun", "roles": ["supervisor"]}}
                ),
            }
            api_proc = subprocess.Popen([sys.executable, "-m", "api"], cwd=ROOT, env=env)
            api_url = f"http://127.0.0.1:{api_port}"

            def api_up() -> bool:
                try:
                    return httpx.get(f"{api_url}/health", timeout=1).status_code == 200
                except httpx.HTTPError:
                    return False

            wait_for(api_up, timeout=30, what="the case API")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(f"{engine.console_url}/login")
                page.fill("#token", OPS)
                page.click("button[type=submit]")
                page.wait_for_selector("#instances tbody tr")
                page.wait_for_selector(READY)
                zeebe.fail(
                    zeebe.job_of("hotline.push-directive", stuck[0]).key,
                    0,
                    "death-summary channel answered 503: DingTalk work group unreachable",
                )
                engine.wait_search("incidents", {"processInstanceKey": str(stuck[0])})
                page.goto(
                    f"{engine.console_url}/instances?process=after-death-affairs&sort=start&order=asc"
                )
                page.wait_for_selector("#instances tbody tr")
                page.wait_for_selector(READY)
                page.screenshot(path=str(out / "console-instances.png"))
                page.set_viewport_size({"width": 1400, "height": 1250})
                page.goto(f"{engine.console_url}/instances/{stuck[0]}")
                page.wait_for_selector(".incident-mark")
                page.wait_for_selector("#live.on")
                page.wait_for_selector(READY)
                page.screenshot(path=str(out / "console-instance.png"))
                page.set_viewport_size({"width": 1400, "height": 500})
                page.goto(f"{engine.console_url}/processes")
                page.wait_for_selector(READY)
                page.screenshot(path=str(out / "console-processes.png"))
                page.set_viewport_size({"width": 1400, "height": 1000})
                page.goto(f"{api_url}/board")
                page.fill("#token", SUPERVISOR_TOKEN)
                page.click("#token-form button[type=submit]")
                page.wait_for_selector(".case")
                page.screenshot(path=str(out / "case-board.png"), full_page=True)
                browser.close()
            zeebe.close()
        finally:
            if api_proc is not None:
                api_proc.terminate()
                api_proc.wait(15)
            engine.stop()
    print(f"screenshots written to {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

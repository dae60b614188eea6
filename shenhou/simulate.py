"""``shenhou simulate``: a synthetic Ninghai month driven through the real system.

The engine (``python -m engine --clock controlled``, or the cluster at ``ZEEBE_ADDRESS``), the
case API (``python -m api``, over HTTP) and every department's job workers (the real routers,
in this process so that they read the engine's controlled clock instead of the wall clock)
run a month of invented deaths. The simulated month lies in the past (by default the month
before last), because the domain refuses times in the future; the engine's clock is pinned to
its start and moved forward event by event, so every timer of the diagrams fires as it would.

The behaviour model (all distributions stated in :class:`BehaviourModel`, drawn from one seed):

* deaths: Poisson, ``deaths_per_day`` a day, over the 18 townships (subdistricts twice as
  likely as towns), at a uniform time of day; people, profiles and ID numbers from
  ``domain.fakes``;
* report delay (death → 12345): log-normal, median 1 h, σ 1.2 (about 2 % over 12 h);
* units read the directive after an exponential delay (mean 15 min); 3 % of reads are late
  (uniform 1.5-6 h: the chase and the 4 h escalation run);
* the doctor's home visit and certificate: 0.8 h + Gamma(shape 2, scale 0.9 h) after the
  directive, which 12345 pushes 5 min after the report (mean about 2.7 h); 2 % of health
  centres are late (uniform 20-30 h, some past the 24 h deadline); 2 % of deaths are found
  not normal (the police take over);
* the grid worker delivers the 30-day notice at the visit (+ 0-20 min); the funeral home
  records the cremation 12-60 h after the certificate; the health centre confirms the paper
  certificate's reporting 4 h-4 days after it;
* the department workers (deregistration, payments, disability card, market) act when their
  job comes, through the default ledger adapters;
* on the 10th the units' tables are on hand, except ``late_units``, which upload during the
  grace period after the chase; the payment rolls of the next month carry the deliberate
  errors: dead pensioners still paid (``paid_dead``), dead pensioners paid under a mistyped
  number (``typo_payees``: check character, swapped digits) and a dead welfare recipient still
  paid (``paid_dead_welfare``), among ``living_pensioners`` living payees.

The simulation then checks that the reconciliation found exactly the deliberate errors, prints
the assessment beside the bulletin's figures and writes the monthly report (HTML and PDF).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import heapq
import io
import itertools
import json
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx

from domain.clock import SHANGHAI, now_in_shanghai
from domain.deadlines import add_months
from domain.enums import Unit
from domain.fakes import fake_death_report
from domain.ids import generate_citizen_id, generate_uscc
from domain.models.report import DeathReport
from domain.ninghai import Township

ROOT = Path(__file__).resolve().parents[1]
BULLETIN = {"cases": 895, "mean_hours": 3.0, "fastest_hours": 1.0}
ROLES = ("hotline", "grid", "health", "police", "civil", "hrss", "dpf", "funeral", "supervisor")
UNIT_ROLE = {
    Unit.HEALTH: "health",
    Unit.POLICE: "police",
    Unit.CIVIL_AFFAIRS: "civil",
    Unit.HRSS: "hrss",
    Unit.DPF: "dpf",
    Unit.FUNERAL_HOME: "funeral",
    Unit.GRID: "grid",
    Unit.HOTLINE: "hotline",
}
DIRECTIVE_LAG = timedelta(minutes=5)
TABLE_UNITS = (Unit.HOTLINE, Unit.HEALTH, Unit.POLICE, Unit.CIVIL_AFFAIRS, Unit.HRSS, Unit.DPF)


# --- the behaviour model ------------------------------------------------------------------------


@dataclass(frozen=True)
class BehaviourModel:
    deaths_per_day: float = 12.0
    report_median_h: float = 1.0
    report_sigma: float = 1.2
    ack_mean_min: float = 15.0
    late_ack_share: float = 0.03
    visit_offset_h: float = 0.8
    visit_shape: float = 2.0
    visit_scale_h: float = 0.9
    late_health_share: float = 0.02
    non_normal_share: float = 0.02
    cremation_h: tuple[float, float] = (12.0, 60.0)
    paper_report_h: tuple[float, float] = (4.0, 96.0)
    late_units: tuple[str, ...] = ("dpf", "civil_affairs")
    paid_dead: int = 3
    typo_payees: int = 2
    paid_dead_welfare: int = 1
    living_pensioners: int = 2000


@dataclass
class CasePlan:
    """One death and how every actor will behave on it (all drawn before the run)."""

    index: int
    report: DeathReport
    visit_after_directive: timedelta
    non_normal: bool
    ack_delays: dict[str, timedelta]
    notice_after_visit: timedelta
    cremation_after_certificate: timedelta
    paper_after_certificate: timedelta
    case_id: str | None = None

    @property
    def reported_at(self) -> datetime:
        return self.report.reported_at


def _township_weights() -> list[tuple[Township, float]]:
    return [(t, 2.0 if t.is_subdistrict else 1.0) for t in Township]


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method (means of a dozen); exact, no numpy."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def plan_month(
    seed: int, start: date, days: int, model: BehaviourModel = BehaviourModel()
) -> list[CasePlan]:
    """Every death of the simulated period and its actors' behaviour, from ``seed``."""
    rng = random.Random(seed)
    townships, weights = zip(*_township_weights(), strict=True)
    plans: list[CasePlan] = []
    for day in range(days):
        for _ in range(_poisson(rng, model.deaths_per_day)):
            died_at = datetime.combine(start + timedelta(days=day), time(0), tzinfo=SHANGHAI)
            died_at += timedelta(seconds=rng.randrange(86_400))
            delay_h = rng.lognormvariate(math.log(model.report_median_h), model.report_sigma)
            delay = timedelta(minutes=max(5, round(delay_h * 60)))
            township = rng.choices(townships, weights)[0]
            report = fake_death_report(rng, died_at, report_delay=delay, township=township)
            late_health = rng.random() < model.late_health_share
            visit_h = (
                rng.uniform(20, 30)
                if late_health
                else model.visit_offset_h + rng.gammavariate(model.visit_shape, model.visit_scale_h)
            )
            acks = {
                unit: timedelta(
                    hours=rng.uniform(1.5, 6)
                    if rng.random() < model.late_ack_share
                    else rng.expovariate(60 / model.ack_mean_min)
                )
                for unit in (
                    "health",
                    "police",
                    "civil_affairs",
                    "grid",
                    "funeral_home",
                    "hrss",
                    "dpf",
                )
            }
            plans.append(
                CasePlan(
                    index=len(plans),
                    report=report,
                    visit_after_directive=timedelta(hours=visit_h),
                    non_normal=rng.random() < model.non_normal_share,
                    ack_delays=acks,
                    notice_after_visit=timedelta(minutes=rng.uniform(0, 20)),
                    cremation_after_certificate=timedelta(hours=rng.uniform(*model.cremation_h)),
                    paper_after_certificate=timedelta(hours=rng.uniform(*model.paper_report_h)),
                )
            )
    plans.sort(key=lambda p: p.reported_at)
    for i, plan in enumerate(plans):
        plan.index = i
    return plans


def default_start(today: date | None = None) -> date:
    """The month before last: its whole month, the 10th after it and the follow-ups are past."""
    today = today or now_in_shanghai().date()
    return add_months(today.replace(day=1), -2)


# --- the payment rolls and their deliberate errors ------------------------------------------------


@dataclass(frozen=True)
class InjectedError:
    rule: str
    unit: str
    case_id: str


@dataclass
class Rolls:
    hrss: str  # CSV text
    civil_affairs: str
    errors: list[InjectedError]


def typo_of(number: str, kind: str) -> str:
    """A mistyped ID number: a wrong check character, or two adjacent digits swapped."""
    if kind == "check":
        wrong = "0" if number[17] != "0" else "1"
        return number[:17] + wrong
    for i in range(6, 16):
        if number[i] != number[i + 1]:
            return number[:i] + number[i + 1] + number[i] + number[i + 2 :]
    raise ValueError("no two different adjacent digits to swap")


def build_rolls(
    rng: random.Random,
    month: date,
    dead: Sequence[tuple[str, str, str, bool, bool]],
    model: BehaviourModel,
) -> Rolls:
    """The rolls paid in ``month`` (the month after the deaths).

    ``dead`` = (case_id, id_number, name, has_pension, receives_welfare) of certified deaths.
    """
    errors: list[InjectedError] = []
    header = "证件号码,姓名,发放月份,发放金额,待遇类别\n"
    hrss = io.StringIO()
    hrss.write(header)
    welfare = io.StringIO()
    welfare.write(header)
    writer_h = csv.writer(hrss, lineterminator="\n")
    writer_w = csv.writer(welfare, lineterminator="\n")
    tag = f"{month:%Y-%m}"
    for _ in range(model.living_pensioners):
        number = generate_citizen_id(rng)
        writer_h.writerow(
            [number, _fake_name(rng), tag, f"{rng.randint(1500, 4500)}.00", "pension"]
        )
    pensioners = [d for d in dead if d[3]]
    rng.shuffle(pensioners)
    # a short run has few deaths: inject what fits, paid-after-death first
    n_paid = min(model.paid_dead, len(pensioners))
    n_typo = min(model.typo_payees, len(pensioners) - n_paid)
    for case_id, number, name, _p, _w in pensioners[:n_paid]:
        writer_h.writerow([number, name, tag, "2100.00", "pension"])
        errors.append(InjectedError("paid-after-death", "hrss", case_id))
    for i, (case_id, number, name, _p, _w) in enumerate(pensioners[n_paid : n_paid + n_typo]):
        typo = typo_of(number, "check" if i % 2 == 0 else "swap")
        writer_h.writerow([typo, name, tag, "2100.00", "pension"])
        errors.append(InjectedError("same-person-two-ids", "hrss", case_id))
    taken = {e.case_id for e in errors}
    others = [d for d in dead if d[0] not in taken]
    rng.shuffle(others)
    for case_id, number, name, _p, _w in others[: model.paid_dead_welfare]:
        writer_w.writerow([number, name, tag, "300.00", "old_age_allowance"])
        errors.append(InjectedError("paid-after-death", "civil_affairs", case_id))
    for _ in range(max(20, model.living_pensioners // 10)):
        writer_w.writerow(
            [generate_citizen_id(rng), _fake_name(rng), tag, "300.00", "minimum_living"]
        )
    return Rolls(hrss.getvalue(), welfare.getvalue(), errors)


def _fake_name(rng: random.Random) -> str:
    from domain.fakes import fake_name

    return fake_name(rng)


# --- the running system -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Endpoints:
    zeebe: str
    management: str
    rest: str
    api: str


class EngineClock:
    """The engine's controlled clock (Zeebe's clock actuator): pinned, then moved forward.

    The workers in this process read it (``__call__``) so that what they record carries the
    engine's time, not the wall clock's.
    """

    def __init__(self, management_url: str, http: httpx.AsyncClient) -> None:
        self.url = management_url.rstrip("/")
        self.http = http
        self.now = now_in_shanghai()

    async def pin(self, at: datetime) -> None:
        answer = await self.http.post(
            f"{self.url}/actuator/clock/pin", json={"epochMilli": int(at.timestamp() * 1000)}
        )
        if answer.status_code == 403:
            raise SystemExit(
                "the engine's clock is not controlled: start it with --clock controlled "
                "(Zeebe: zeebe.clock.controlled=true)"
            )
        answer.raise_for_status()
        self.now = at

    async def advance_to(self, at: datetime) -> None:
        if at <= self.now:
            return
        offset = int((at - self.now).total_seconds() * 1000)
        answer = await self.http.post(
            f"{self.url}/actuator/clock/add", json={"offsetMilli": offset}
        )
        answer.raise_for_status()
        self.now = at

    def __call__(self) -> datetime:
        return self.now.astimezone(SHANGHAI).replace(microsecond=0)


class System:
    """Starts what is not already running: the embedded engine (unless ``ZEEBE_ADDRESS``), the
    case API as a process, the workers in this process; stops what it started."""

    def __init__(self, workdir: Path, *, quiet: bool = True) -> None:
        self.workdir = workdir
        self.quiet = quiet
        self.processes: list[subprocess.Popen[bytes]] = []
        self.database_url = f"sqlite:///{workdir / 'shenhou.db'}"
        self.tokens = {f"sim-{role}": {"sub": f"sim-{role}", "roles": [role]} for role in ROLES}

    def _spawn(self, argv: list[str], env: dict[str, str], name: str) -> None:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed below
        self.processes.append(
            subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL
            )
        )
        log.close()

    async def start(self, http: httpx.AsyncClient) -> Endpoints:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ENGINE_")}
        cluster = os.environ.get("ZEEBE_ADDRESS")
        if cluster:
            zeebe = cluster
            host = cluster.rsplit(":", 1)[0]
            management = os.environ.get("SHENHOU_ZEEBE_MANAGEMENT_URL", f"http://{host}:9600")
            rest = os.environ.get("SHENHOU_ZEEBE_REST_URL", f"http://{host}:8080")
        else:
            grpc_port, http_port, mgmt_port = _free_port(), _free_port(), _free_port()
            zeebe = f"127.0.0.1:{grpc_port}"
            management = f"http://127.0.0.1:{mgmt_port}"
            rest = f"http://127.0.0.1:{http_port}"
            self._spawn(
                [
                    sys.executable,
                    "-m",
                    "engine",
                    "--grpc-address",
                    zeebe,
                    "--http-address",
                    f"127.0.0.1:{http_port}",
                    "--management-address",
                    f"127.0.0.1:{mgmt_port}",
                    "--data-dir",
                    str(self.workdir / "engine"),
                    "--clock",
                    "controlled",
                ],
                {k: v for k, v in env.items() if not k.startswith("ZEEBE_")},
                "engine",
            )
            await self._wait(http, f"{management}/actuator/health/readiness", "the engine")
        api_port = _free_port()
        api_env = dict(
            env,
            ZEEBE_ADDRESS=zeebe,
            DATABASE_URL=self.database_url,
            SHENHOU_API_ADDRESS=f"127.0.0.1:{api_port}",
            SHENHOU_API_TOKENS=json.dumps(self.tokens),
            SHENHOU_ROLLS_DIR=str(self.workdir / "rolls"),
            LOG_LEVEL="WARNING",
        )
        self._spawn([sys.executable, "-m", "api"], api_env, "api")
        api = f"http://127.0.0.1:{api_port}"
        await self._wait(http, f"{api}/health", "the case API")
        return Endpoints(zeebe=zeebe, management=management, rest=rest, api=api)

    async def _wait(self, http: httpx.AsyncClient, url: str, what: str) -> None:
        for _ in range(600):
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{what} exited ({process.returncode}); see {self.workdir}")
            try:
                if (await http.get(url, timeout=1)).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
        raise RuntimeError(f"{what} did not start within 60 s; see the logs in {self.workdir}")

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


# --- driving a month ------------------------------------------------------------------------------

Action = Callable[[], Awaitable[None]]


@dataclass
class Driver:
    """Runs the actors' actions at their simulated times, moving the engine's clock."""

    http: httpx.AsyncClient
    endpoints: Endpoints
    clock: EngineClock
    tokens: dict[str, str]
    slot: timedelta = timedelta(minutes=30)
    queue: list[tuple[datetime, int, Action]] = field(default_factory=list)
    counter: itertools.count[int] = field(default_factory=itertools.count)
    failures: list[str] = field(default_factory=list)
    busy_states: tuple[str, ...] = ("CREATED", "ACTIVATED")
    rest_auth: tuple[str, str] | None = None

    async def rest(self, path: str, body: dict[str, Any]) -> httpx.Response:
        """A search on the engine's REST API (Camunda's ``/v2``), with its auth if any."""
        extra: dict[str, Any] = {"auth": self.rest_auth} if self.rest_auth else {}
        return await self.http.post(f"{self.endpoints.rest}{path}", json=body, **extra)

    def at(self, when: datetime, action: Action) -> None:
        heapq.heappush(self.queue, (when, next(self.counter), action))

    async def call(self, method: str, path: str, role: str, **kwargs: Any) -> httpx.Response:
        response = await self.http.request(
            method,
            f"{self.endpoints.api}{path}",
            headers={"Authorization": f"Bearer {self.tokens[role]}"},
            **kwargs,
        )
        if response.status_code >= 400:
            self.failures.append(f"{method} {path} → {response.status_code} {response.text[:200]}")
        return response

    async def settle(self) -> None:
        """Wait until the workers have taken every job the engine has (no job is CREATED or
        ACTIVATED), moving the clock a second at a time so that back-offs elapse."""
        idle = 0
        for _ in range(3000):
            busy = 0
            for state in self.busy_states:
                answer = await self.rest(
                    "/v2/jobs/search", {"filter": {"state": state}, "page": {"limit": 1}}
                )
                if answer.status_code == 400 and state == "ACTIVATED":
                    # Camunda's job states have no ACTIVATED (an activated job stays CREATED
                    # there); only the embedded engine shows it separately
                    self.busy_states = ("CREATED",)
                    continue
                answer.raise_for_status()
                busy += int(answer.json().get("page", {}).get("totalItems", 0))
                if busy:
                    break
            retrying: list[Any] = []
            if not busy:
                failed = await self.rest(
                    "/v2/jobs/search", {"filter": {"state": "FAILED"}, "page": {"limit": 50}}
                )
                failed.raise_for_status()
                items = failed.json().get("items", [])
                retrying = [j for j in items if (j.get("retries") or 0) > 0]
            if busy == 0 and not retrying:
                idle += 1
                if idle >= 2:
                    return
            else:
                idle = 0
                if retrying:
                    await self.clock.advance_to(self.clock.now + timedelta(seconds=1))
            await asyncio.sleep(0.01)
        raise RuntimeError("the workers did not catch up with the engine")

    async def run_until(self, end: datetime, progress: Callable[[datetime], None]) -> None:
        while self.queue and self.queue[0][0] <= end:
            when = self.queue[0][0]
            slot_end = _ceil(when, self.slot)
            await self.clock.advance_to(slot_end)
            while self.queue and self.queue[0][0] <= slot_end:
                _, _, action = heapq.heappop(self.queue)
                await action()
            await self.settle()
            progress(slot_end)
        await self.clock.advance_to(end)
        await self.settle()
        progress(end)


def _ceil(when: datetime, slot: timedelta) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=SHANGHAI)
    steps = math.ceil((when - epoch) / slot)
    return epoch + steps * slot


def _iso(value: datetime) -> str:
    return value.astimezone(SHANGHAI).replace(microsecond=0).isoformat()


class Month:
    """The actors of one simulated month, scheduling their actions on the driver."""

    def __init__(self, driver: Driver, plans: list[CasePlan], seed: int) -> None:
        self.driver = driver
        self.plans = plans
        self.issuers = self._issuers(random.Random(seed + 1))

    @staticmethod
    def _issuers(rng: random.Random) -> dict[str, tuple[str, str]]:
        out = {}
        for t in Township:
            kind = "社区卫生服务中心" if t.is_subdistrict else "卫生院"
            out[t.value] = (f"宁海县{t.value}{kind}", generate_uscc(rng))
        return out

    def schedule(self) -> None:
        for plan in self.plans:
            self.driver.at(plan.reported_at, self._reporter(plan))

    def _reporter(self, plan: CasePlan) -> Action:
        async def report() -> None:
            body = plan.report.model_dump(mode="json", exclude_none=True)
            answer = await self.driver.call("POST", "/reports", "hotline", json=body)
            if answer.status_code not in (200, 201):
                return
            plan.case_id = answer.json()["case_id"]
            self._after_report(plan)

        return report

    def _after_report(self, plan: CasePlan) -> None:
        from shenhou.downstream_prediction import needs
        from workers.hotline import directive_units

        d = self.driver
        # the operator pushes the summary a few minutes after the call; the doctor's and the
        # units' times count from then (the engine records the push at the slot's end, which
        # is never later than the visit: slots are shorter than the shortest visit)
        directive = plan.reported_at + DIRECTIVE_LAG
        flags = needs(plan.report.profile, id_type=plan.report.deceased.id_type.value)
        for unit in directive_units(flags):
            role = UNIT_ROLE.get(Unit(unit))
            if role is None:
                continue  # market supervision has no role in the API: it cannot acknowledge
            when = directive + plan.ack_delays.get(unit, timedelta(minutes=10))
            d.at(
                when,
                self._post(
                    plan,
                    "/acknowledgements",
                    role,
                    {"unit": unit, "acknowledged_at": _iso(when)},
                ),
            )
        visit = directive + plan.visit_after_directive
        notice = visit + plan.notice_after_visit
        d.at(
            notice,
            self._post(plan, "/notice-delivery", "grid", {"delivered_at": _iso(notice)}),
        )
        if plan.non_normal:
            d.at(
                visit,
                self._post(
                    plan,
                    "/non-normal-finding",
                    "health",
                    {"finding": "发现外伤痕迹，疑似非正常死亡", "found_at": _iso(visit)},
                ),
            )
            return
        d.at(visit, self._certificate(plan, visit))

    def _post(self, plan: CasePlan, suffix: str, role: str, body: dict[str, Any]) -> Action:
        async def post() -> None:
            await self.driver.call("POST", f"/cases/{plan.case_id}{suffix}", role, json=body)

        return post

    def _certificate(self, plan: CasePlan, at: datetime) -> Action:
        async def certify() -> None:
            township = plan.report.deceased.address.township.value
            issuer, uscc = self.issuers[township]
            body = {
                "code": plan.report.deceased.id_number,
                "forms": ["paper"],
                "issuer_name": issuer,
                "issuer_uscc": uscc,
                "issued_at": _iso(at),
            }
            answer = await self.driver.call(
                "POST", f"/cases/{plan.case_id}/certificate", "health", json=body
            )
            if answer.status_code >= 400:
                return
            cremation = at + plan.cremation_after_certificate
            paper = at + plan.paper_after_certificate
            self.driver.at(
                cremation,
                self._post(plan, "/cremation", "funeral", {"done_at": _iso(cremation)}),
            )
            self.driver.at(
                paper,
                self._post(
                    plan,
                    "/certificate/paper-report",
                    "health",
                    {"reported_at": _iso(paper)},
                ),
            )

        return certify


# --- the whole run -----------------------------------------------------------------------------


@dataclass
class Outcome:
    start: date
    days: int
    cases_planned: int
    assessment: dict[str, Any]
    expected_errors: list[InjectedError]
    found: list[tuple[str, str, str | None]]
    missing_errors: list[InjectedError]
    unexpected: list[tuple[str, str, str | None]]
    open_cases: int
    outstanding_actions: int
    family_trips: int | None
    incidents: int
    open_discrepancies: int  # all open, of every month's run (the month before included)
    failures: list[str]
    report_html: Path | None
    report_pdf: Path | None

    @property
    def reconciliation_exact(self) -> bool:
        return not self.missing_errors and not self.unexpected


async def simulate(
    *,
    seed: int,
    days: int,
    start: date | None = None,
    model: BehaviourModel = BehaviourModel(),
    workdir: Path,
    out: Path,
    progress: Callable[[str, float], None] | None = None,
) -> Outcome:
    """Run the month (see the module doc) and return what happened; raises ValueError for a
    period that is not in the past or not within one month."""
    start = start or default_start()
    period = start.replace(day=1)
    if days < 1 or start + timedelta(days=days) > add_months(period, 1):
        raise ValueError("the simulated days must lie within one calendar month")
    end_of_month = datetime.combine(add_months(period, 1), time(0), tzinfo=SHANGHAI)
    tenth = end_of_month.replace(day=10, hour=9)
    if tenth + timedelta(days=14) > now_in_shanghai():
        raise ValueError("the simulated month must end at least 25 days before today")
    plans = plan_month(seed, start, days, model)
    say = progress or (lambda _text, _fraction: None)
    workdir.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    # the in-process workers read these; restored afterwards (a test runs this in its process)
    saved = {k: os.environ.get(k) for k in ("SHENHOU_ROLLS_DIR", "SHENHOU_REPORTS_DIR")}
    os.environ["SHENHOU_ROLLS_DIR"] = str(workdir / "rolls")
    os.environ["SHENHOU_REPORTS_DIR"] = str(out)
    try:
        return await _simulate(plans, start, days, period, tenth, model, seed, workdir, out, say)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


async def _simulate(
    plans: list[CasePlan],
    start: date,
    days: int,
    period: date,
    tenth: datetime,
    model: BehaviourModel,
    seed: int,
    workdir: Path,
    out: Path,
    say: Callable[[str, float], None],
) -> Outcome:
    from domain.ledger import Ledger
    from domain.reconciliation import store
    from shenhou.deploy import deploy_directory
    from workers.app import build_context, build_worker
    from workers.ledger_port import LedgerWorkerPort
    from workers.settings import WorkerSettings

    system = System(workdir)
    # a Camunda 8 cluster's REST API may want basic auth (its demo setup: demo/demo)
    user = os.environ.get("SHENHOU_ZEEBE_REST_USER")
    auth = (user, os.environ.get("SHENHOU_ZEEBE_REST_PASSWORD", "")) if user else None
    async with httpx.AsyncClient(timeout=60) as http:
        try:
            endpoints = await system.start(http)
            clock = EngineClock(endpoints.management, http)
            begin = datetime.combine(start, time(0), tzinfo=SHANGHAI)
            await clock.pin(begin)
            await deploy_directory(ROOT / "bpmn", endpoints.zeebe)
            ledger = await asyncio.to_thread(Ledger.from_url, system.database_url)
            settings = WorkerSettings(
                zeebe_address=endpoints.zeebe,
                database_url=system.database_url,
                shenhou_notify_sink=workdir / "notices",
            )
            ctx = build_context(settings, LedgerWorkerPort(ledger), clock=clock)
            worker = build_worker(ctx)
            worker_task = asyncio.create_task(worker.work())
            tokens = {role: f"sim-{role}" for role in ROLES}
            driver = Driver(http, endpoints, clock, tokens, rest_auth=auth)
            # the system starts with this month: for the month before, the units upload empty
            # tables, so the cron's run on this month's 10th has nothing to chase
            await _upload_empty_tables(driver, add_months(period, -1))
            month = Month(driver, plans, seed)
            month.schedule()
            horizon = tenth - timedelta(hours=1)
            total = (horizon - begin).total_seconds()
            await driver.run_until(
                horizon,
                lambda at: say("month", min(1.0, (at - begin).total_seconds() / total)),
            )
            # the units' tables and the rolls, as each unit exports and uploads them
            rng = random.Random(seed + 2)
            errors = await _upload_month(driver, ledger, period, model, rng, late=False)
            await driver.run_until(
                tenth + timedelta(hours=1), lambda at: say("reconciliation", 0.3)
            )
            await _upload_month(driver, ledger, period, model, rng, late=True)
            await driver.run_until(
                tenth + timedelta(days=2, hours=2), lambda at: say("reconciliation", 0.8)
            )
            run = await asyncio.to_thread(store.latest_run, ledger.engine, period)
            found: list[tuple[str, str, str | None]] = []
            if run is not None:
                found = [
                    (d["rule"], d["unit"], d["case_id"])
                    for d in await asyncio.to_thread(
                        store.discrepancies_of_run, ledger.engine, run["id"]
                    )
                ]
            say("reconciliation", 1.0)
            expected = {(e.rule, e.unit, e.case_id) for e in errors}
            outcome = await _collect(
                ledger,
                period,
                plans,
                days,
                start,
                errors,
                found,
                expected,
                out,
                driver,
            )
            await worker.stop()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(worker_task, 15)
            return outcome
        finally:
            system.stop()


async def _upload_month(
    driver: Driver,
    ledger: Any,
    period: date,
    model: BehaviourModel,
    rng: random.Random,
    *,
    late: bool,
) -> list[InjectedError]:
    """Upload the units' tables (on time, or the late units' ones) and, on time, the rolls."""
    from domain.reconciliation.sources import process_records
    from domain.reconciliation.synthetic import unit_rows_for
    from domain.reconciliation.template import COLUMNS

    records = await asyncio.to_thread(process_records, ledger, add_months(period, 1))
    month = f"{period:%Y-%m}"
    for unit in TABLE_UNITS:
        if (unit.value in model.late_units) != late:
            continue
        rows = [row for r in records for u, row in unit_rows_for(r, period).items() if u is unit]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([c.header for c in COLUMNS])
        for row in rows:
            data = row.model_dump(mode="json")
            writer.writerow(
                [
                    "" if data.get(c.field) is None else _cell(c.field, data[c.field])
                    for c in COLUMNS
                ]
            )
        role = UNIT_ROLE[unit]
        await driver.call(
            "POST",
            f"/reconciliation/tables/{unit.value}/{month}",
            role,
            files={"file": (f"{unit.value}-{month}.csv", buffer.getvalue().encode("utf-8"))},
        )
    if late:
        return []
    dead = [
        (r.case_id, r.id_number, r.name, r.expects_hrss, r.expects_civil_affairs)
        for r in records
        if r.certified_on and r.id_number and r.died_on >= period
    ]
    pay_month = add_months(period, 1)
    rolls = build_rolls(rng, pay_month, dead, model)
    for source, text, role in (
        ("hrss", rolls.hrss, "hrss"),
        ("civil_affairs", rolls.civil_affairs, "civil"),
    ):
        await driver.call(
            "POST",
            f"/reconciliation/rolls/{source}/{pay_month:%Y-%m}",
            role,
            files={"file": (f"{source}.csv", text.encode("utf-8"))},
        )
    return rolls.errors


async def _upload_empty_tables(driver: Driver, period: date) -> None:
    from domain.reconciliation.template import template_csv

    for unit in TABLE_UNITS:
        await driver.call(
            "POST",
            f"/reconciliation/tables/{unit.value}/{period:%Y-%m}",
            UNIT_ROLE[unit],
            files={"file": (f"{unit.value}-{period:%Y-%m}.csv", template_csv())},
        )


def _cell(field_name: str, value: Any) -> str:
    if field_name == "pension_last_paid_month":
        return str(value)[:7]
    labels = {"citizen_id": "居民身份证", "none": "无", "male": "男", "female": "女"}
    if field_name in ("id_type", "sex"):
        return labels.get(str(value), str(value))
    return str(value)


async def _collect(
    ledger: Any,
    period: date,
    plans: list[CasePlan],
    days: int,
    start: date,
    errors: list[InjectedError],
    found: list[tuple[str, str, str | None]],
    expected: set[tuple[str, str, str]],
    out: Path,
    driver: Driver,
) -> Outcome:
    from sqlalchemy import func, inspect, select, table

    from domain.assessment import assess
    from domain.enums import CaseStatus
    from domain.ledger.tables import CaseRow
    from domain.reconciliation import store

    begin = datetime.combine(period, time(0), tzinfo=SHANGHAI)
    end = datetime.combine(add_months(period, 1), time(0), tzinfo=SHANGHAI)
    assessment = await asyncio.to_thread(assess, ledger.engine, begin, end)
    found_set = set(found)
    missing = [e for e in errors if (e.rule, e.unit, e.case_id) not in found_set]
    unexpected = [f for f in found if f not in expected]

    def counts() -> tuple[int, int, int | None]:
        with ledger.engine.connect() as con:
            open_cases = con.scalar(
                select(func.count()).select_from(CaseRow).where(CaseRow.status == CaseStatus.OPEN)
            )
            trips = None
            if inspect(con).has_table("family_trips"):
                trips = con.scalar(select(func.count()).select_from(table("family_trips")))
        outstanding = 0
        for plan in plans:
            if not plan.case_id or plan.non_normal:
                continue
            left = ledger.outstanding_actions(plan.case_id)
            outstanding += len(left)
        return int(open_cases or 0), outstanding, trips

    open_cases, outstanding, trips = await asyncio.to_thread(counts)
    open_total = sum((await asyncio.to_thread(store.open_counts, ledger.engine)).values())
    answer = await driver.rest("/v2/incidents/search", {"page": {"limit": 1}})
    incidents = int(answer.json().get("page", {}).get("totalItems", 0)) if answer.is_success else -1
    html = out / f"shenhou-{period:%Y-%m}.html"
    pdf = out / f"shenhou-{period:%Y-%m}.pdf"
    return Outcome(
        start=start,
        days=days,
        cases_planned=len(plans),
        assessment=assessment.as_dict(),
        expected_errors=errors,
        found=found,
        missing_errors=missing,
        unexpected=unexpected,
        open_cases=open_cases,
        outstanding_actions=outstanding,
        family_trips=trips,
        incidents=incidents,
        open_discrepancies=open_total,
        failures=driver.failures,
        report_html=html if html.exists() else None,
        report_pdf=pdf if pdf.exists() else None,
    )


# --- the command ----------------------------------------------------------------------------------


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} h"


def render_table(outcome: Outcome) -> list[tuple[str, str, str]]:
    county = outcome.assessment["county"]
    spread = county["hours_to_certificate"]
    scale = 30 / max(1, outcome.days)
    trips = outcome.family_trips
    zero = (
        f"{county['zero_trip_families']}/{county['families']}"
        if county.get("zero_trip_families") is not None
        else ("no trip recorded" if not trips else f"{trips} trips")
    )
    return [
        (
            "normal-death cases",
            f"{county['normal_cases']} in {outcome.days} d "
            f"(≈{county['normal_cases'] * scale:.0f} in 30 d)",
            "895 in ~80 d (≈12 a day)",
        ),
        ("mean time to certificate", _hours(spread["mean"]), "about 3 h"),
        ("median / p90", f"{_hours(spread['median'])} / {_hours(spread['p90'])}", "—"),
        ("fastest certificate", _hours(spread["fastest"]), "1 h"),
        ("12 h report rate", f"{(county['report_rate_12h'] or 0) * 100:.1f}%", "—"),
        ("24 h certificate rate", f"{(county['certificate_rate_24h'] or 0) * 100:.1f}%", "—"),
        ("zero-trip families", zero, "700+ (to 03-31)"),
        ("downstream steps outstanding", str(outcome.outstanding_actions), "0"),
        (
            "deliberate errors found",
            f"{len(outcome.expected_errors) - len(outcome.missing_errors)}"
            f"/{len(outcome.expected_errors)}",
            "all",
        ),
        ("other discrepancies flagged", str(len(outcome.unexpected)), "0"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="shenhou simulate",
        description="Drive a synthetic Ninghai month through the real engine, workers and API "
        "(controlled clock), reconcile it on the 10th, and compare with the 2018 bulletin.",
    )
    parser.add_argument("--days", type=int, default=30, help="days of deaths (default 30)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--start",
        type=date.fromisoformat,
        default=None,
        help="first day (default: the 1st of the month before last)",
    )
    parser.add_argument("--deaths-per-day", type=float, default=BehaviourModel.deaths_per_day)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("data/simulation"),
        help="where the report goes (default data/simulation)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="engine data, ledger and logs (default: a temporary directory)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the outcome as JSON")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from domain.logs import configure_logging

    console = Console()
    configure_logging("WARNING")  # the in-process workers log every notice at INFO
    model = BehaviourModel(deaths_per_day=args.deaths_per_day)
    with contextlib.ExitStack() as stack:
        workdir = args.workdir or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="shenhou-sim-"))
        )
        progress = stack.enter_context(
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=console,
            )
        )
        tasks = {
            "month": progress.add_task("simulated month", total=1.0),
            "reconciliation": progress.add_task("reconciliation on the 10th", total=1.0),
        }

        def report(stage: str, fraction: float) -> None:
            progress.update(tasks[stage], completed=fraction)

        try:
            outcome = asyncio.run(
                simulate(
                    seed=args.seed,
                    days=args.days,
                    start=args.start,
                    model=model,
                    workdir=workdir,
                    out=args.out,
                    progress=report,
                )
            )
        except (ValueError, RuntimeError) as error:
            console.print(f"[red]simulation failed:[/red] {error}")
            return 1
    table_ = Table(
        title=f"shenhou simulate — seed {args.seed}, {outcome.start:%Y-%m-%d}, {outcome.days} days"
    )
    for column in ("figure", "simulation", "bulletin (2018)"):
        table_.add_column(column)
    for row in render_table(outcome):
        table_.add_row(*row)
    console.print(table_)
    for item in outcome.missing_errors:
        console.print(f"[red]not found:[/red] {item}")
    for flagged in outcome.unexpected:
        console.print(f"[yellow]flagged but not injected:[/yellow] {flagged}")
    if outcome.failures:
        console.print(
            f"[yellow]{len(outcome.failures)} API calls failed[/yellow], first: "
            f"{outcome.failures[0]}"
        )
    console.print(f"report: {outcome.report_html}  {outcome.report_pdf}")
    if args.json:
        args.json.write_text(
            json.dumps(_jsonable(outcome), ensure_ascii=False, indent=2, default=str),
            encoding="utf-8",
        )
    ok = outcome.reconciliation_exact and outcome.outstanding_actions == 0
    return 0 if ok else 1


def _jsonable(outcome: Outcome) -> dict[str, Any]:
    data = {k: v for k, v in outcome.__dict__.items() if k != "assessment"}
    data["county"] = outcome.assessment["county"]
    return data


if __name__ == "__main__":
    raise SystemExit(main())

"""Engine benchmark: a one-service-task process, driven over gRPC, fully durable.

Three processes on this machine, as in production: the engine (``python -m engine`` with a
fresh data directory, every command committed to SQLite before it is answered), one pyzeebe
worker process that completes the jobs, and this load generator, which keeps ``--concurrency``
``CreateProcessInstanceWithResult`` calls in flight. Each call's duration is the latency from
create to completion (the engine answers once the instance has completed).

Beside it, the same BPMN runs in memory in SpiffWorkflow (no persistence, no network, one
thread) as a baseline of what pure interpretation costs in Python.

    python -m bench.engine_bench [--duration 15] [--concurrency 32] [--json out.json]
    python -m bench.engine_bench --profile   # py-spy on the engine process if installed
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
JOB_TYPE = "bench-task"
PROCESS_ID = "bench-one-task"

BPMN = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="bench-defs"
  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{PROCESS_ID}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />
    <bpmn:serviceTask id="task">
      <bpmn:extensionElements><zeebe:taskDefinition type="{JOB_TYPE}" /></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
""".encode()


@dataclass
class Result:
    name: str
    completed: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int = 0
    cpu: dict[str, float] | None = None  # CPU share (1.0 = one core) per process, measured
    engine_stats: dict[str, float] | None = None  # from the engine's /metrics after the run


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


# ------------------------------------------------------------ SpiffWorkflow


def spiff_baseline(seconds: float) -> Result:
    from lxml import etree
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.util.task import TaskState

    parser = BpmnParser()
    parser.add_bpmn_xml(etree.fromstring(BPMN), filename="bench.bpmn")
    spec = parser.get_spec(PROCESS_ID)
    latencies: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        for task in workflow.get_tasks(state=TaskState.STARTED):
            task.data.update({"done": True})
            task.complete()
        workflow.do_engine_steps()
        assert workflow.is_completed()
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    return Result(
        "SpiffWorkflow 3 in memory (baseline)",
        len(latencies),
        elapsed,
        len(latencies) / elapsed,
        _percentile(latencies, 0.5) * 1000,
        _percentile(latencies, 0.99) * 1000,
    )


# ------------------------------------------------------------------ engine


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"engine exited with {process.returncode} during start-up")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("engine did not become ready")


def run_worker(address: str, max_jobs: int) -> None:
    """The worker process: pyzeebe, as users write it."""
    from pyzeebe import ZeebeWorker, create_insecure_channel

    async def serve() -> None:
        # the channel belongs to the loop it is created in: create it inside asyncio.run
        worker = ZeebeWorker(create_insecure_channel(grpc_address=address), poll_retry_delay=0)

        @worker.task(
            task_type=JOB_TYPE, max_jobs_to_activate=max_jobs, max_running_jobs=4 * max_jobs
        )
        def work() -> dict[str, Any]:
            return {"done": True}

        await worker.work()

    asyncio.run(serve())


async def _drive(
    address: str, seconds: float, warmup: float, concurrency: int, pids: dict[str, int]
) -> Result:
    from pyzeebe import ZeebeClient, create_insecure_channel

    channel = create_insecure_channel(grpc_address=address)
    client = ZeebeClient(channel)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.bpmn"
        path.write_bytes(BPMN)
        await client.deploy_resource(str(path))
    latencies: list[float] = []
    errors = 0
    loop = asyncio.get_running_loop()
    measure_from = loop.time() + warmup
    stop_at = measure_from + seconds

    async def one_lane() -> None:
        nonlocal errors
        while loop.time() < stop_at:
            t0 = loop.time()
            try:
                await client.run_process_with_result(PROCESS_ID, {"n": 1}, timeout=30_000)
            except Exception:
                errors += 1
                continue
            if t0 >= measure_from:
                latencies.append(loop.time() - t0)

    async def sample_cpu() -> dict[str, float]:
        await asyncio.sleep(max(measure_from - loop.time(), 0))
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        await asyncio.sleep(seconds)
        return {name: (cpu_seconds(pid) - before[name]) / seconds for name, pid in pids.items()}

    cpu_task = asyncio.create_task(sample_cpu())
    await asyncio.gather(*(one_lane() for _ in range(concurrency)))
    cpu = await cpu_task
    await channel.close()
    return Result(
        f"shenhou engine over gRPC, durable (concurrency {concurrency})",
        len(latencies),
        seconds,
        len(latencies) / seconds,
        _percentile(latencies, 0.5) * 1000,
        _percentile(latencies, 0.99) * 1000,
        errors,
        cpu,
    )


def _engine_stats(url: str) -> dict[str, float]:
    """Mean batch size and commit latency over the whole run, from the engine's /metrics."""
    import httpx

    samples: dict[str, float] = {}
    for line in httpx.get(url, timeout=5).text.splitlines():
        if line and not line.startswith("#") and "{" not in line:
            name, _, value = line.partition(" ")
            samples[name] = float(value)
    stats: dict[str, float] = {}
    batches = samples.get("zeebe_engine_batch_size_count", 0)
    if batches:
        stats["commands per batch"] = samples["zeebe_engine_batch_size_sum"] / batches
    commits = samples.get("zeebe_engine_commit_latency_seconds_count", 0)
    if commits:
        stats["commit ms"] = samples["zeebe_engine_commit_latency_seconds_sum"] / commits * 1000
        stats["commits"] = commits
    return stats


def engine_run(seconds: float, warmup: float, concurrency: int, profile: Path | None) -> Result:
    data_dir = Path(tempfile.mkdtemp(prefix="engine-bench-"))
    ports = {name: _free_port() for name in ("grpc", "http", "management")}
    address = f"127.0.0.1:{ports['grpc']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENGINE_", "ZEEBE_"))}
    log = open(data_dir / "engine.log", "wb")  # noqa: SIM115 - closed below
    engine = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "engine",
            "--grpc-address",
            address,
            "--http-address",
            f"127.0.0.1:{ports['http']}",
            "--management-address",
            f"127.0.0.1:{ports['management']}",
            "--data-dir",
            str(data_dir / "data"),
            "--log-level",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    worker: subprocess.Popen[bytes] | None = None
    spy: subprocess.Popen[bytes] | None = None
    try:
        _wait_ready(f"http://127.0.0.1:{ports['management']}/actuator/health/readiness", engine)
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.engine_bench",
                "--worker",
                address,
                "--max-jobs",
                str(concurrency),
            ],
            cwd=ROOT,
            env=env,
        )
        py_spy = shutil.which("py-spy") or shutil.which(
            "py-spy", path=str(Path(sys.executable).parent)
        )
        if profile is not None and py_spy:
            spy = subprocess.Popen(
                [
                    py_spy,
                    "record",
                    "--pid",
                    str(engine.pid),
                    "--duration",
                    str(int(seconds + warmup)),
                    "--format",
                    "raw",
                    "-o",
                    str(profile),
                    "--nonblocking",
                    "--gil",  # only samples holding the GIL: where the engine's CPU goes
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        elif profile is not None:
            print("--profile needs py-spy (pip install py-spy); running without", file=sys.stderr)
        pids = {"engine": engine.pid, "worker": worker.pid, "load generator": os.getpid()}
        result = asyncio.run(_drive(address, seconds, warmup, concurrency, pids))
        result.engine_stats = _engine_stats(f"http://127.0.0.1:{ports['management']}/metrics")
        return result
    finally:
        for child in (spy, worker):
            if child is not None:
                child.terminate()
                try:
                    child.wait(15)
                except subprocess.TimeoutExpired:
                    child.kill()
        engine.terminate()
        try:
            engine.wait(30)
        except subprocess.TimeoutExpired:
            engine.kill()
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def report(results: list[Result], info: dict[str, str]) -> str:
    lines = [
        f"machine: {info['nproc']} cores, {info['cpu']}, Python {info['python']}, {info['date']}",
        f"{'run':<62} {'inst/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'n':>7} {'err':>4}",
    ]
    for r in results:
        lines.append(
            f"{r.name:<62} {r.per_second:>8.1f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} "
            f"{r.completed:>7} {r.errors:>4}"
        )
    for r in results:
        if r.cpu:
            shares = ", ".join(f"{name} {share * 100:.0f}%" for name, share in r.cpu.items())
            lines.append(f"CPU while measured (100% = one core): {shares}")
        if r.engine_stats:
            stats = ", ".join(f"{name} {value:.1f}" for name, value in r.engine_stats.items())
            lines.append(f"engine over the whole run: {stats}")
    load = os.getloadavg()
    lines.append(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.engine_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--duration", type=float, default=15.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first")
    parser.add_argument("--concurrency", type=int, default=12, help="instances in flight")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--profile", type=Path, help="py-spy raw profile of the engine")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--max-jobs", type=int, default=32, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        run_worker(args.worker, args.max_jobs)
        return 0
    info = machine()
    results = [
        engine_run(args.duration, args.warmup, args.concurrency, args.profile),
        spiff_baseline(min(args.duration, 5.0)),
    ]
    print(report(results, info))
    if args.json:
        args.json.write_text(
            json.dumps({"machine": info, "results": [asdict(r) for r in results]}, indent=2)
        )
    return 0 if results[0].completed else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Console benchmark: the instance list's filters over 100,000 instances in the read model.

Run: ``.venv/bin/python -m bench.console_bench`` (``--instances N`` to change the size,
``--quick`` for 20,000). The store is an engine database created with the engine's own DDL
(``engine/store/schema.py``, indexes included) and filled with synthetic rows shaped like the
runtime's (instances of two processes and three versions over 90 days, 70 % completed, 25 %
active, 3 % with an incident, 2 % canceled, 5 % called by another instance; 3 variables and
5 element instances each; 10 records each). Filling directly is what makes 100,000 instances
a minute's work; the queries timed are the console's own (``engine.console``), through the
same read-only ``ReadModel`` the engine's HTTP app uses. Each figure is the median of 15 runs
(min in brackets); "without" re-runs the query after dropping the console's indexes.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.console.definitions import list_definitions
from engine.console.instance_detail import instance_detail
from engine.console.instance_list import list_instances, parse_filter
from engine.console.settings import ConsoleUser
from engine.query.read_model import ReadModel
from engine.store.schema import DDL

DAY_MS = 86_400_000
START_MS = 1_790_000_000_000
TOWNSHIPS = [
    "跃龙街道",
    "桃源街道",
    "梅林街道",
    "桥头胡街道",
    "长街镇",
    "力洋镇",
    "一市镇",
    "岔路镇",
]
CONSOLE_INDEXES = (
    "process_instance_process",
    "process_instance_start",
    "process_instance_parent",
    "process_instance_incident",
    "process_instance_counts",
    "variable_name_value",
)
OPS = ConsoleUser("bench", frozenset({"ops"}))


def fill(path: Path, count: int, seed: int = 6) -> dict[str, Any]:
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(DDL)
    definitions = [
        (1000 + i, pid, version)
        for i, (pid, version) in enumerate(
            [(p, v) for p in ("after-death-affairs", "monthly-reconciliation") for v in (1, 2, 3)]
        )
    ]
    conn.executemany(
        "INSERT INTO process_definition VALUES (?, ?, ?, ?, ?, ?, 'x', 1, '<default>', ?)",
        [(k, p, v, f"{p}.bpmn", p, "<definitions/>", START_MS) for k, p, v in definitions],
    )
    instances: list[tuple[Any, ...]] = []
    variables: list[tuple[Any, ...]] = []
    elements: list[tuple[Any, ...]] = []
    records: list[tuple[Any, ...]] = []
    key = 10_000_000
    position = 0
    keys: list[int] = []
    for i in range(count):
        key += 100
        definition, pid, version = rng.choice(definitions)
        start = START_MS + rng.randrange(90 * DAY_MS)
        roll = rng.random()
        state, incident, end = "ACTIVE", 0, None
        if roll < 0.70:
            state, end = "COMPLETED", start + rng.randrange(3 * DAY_MS)
        elif roll < 0.72:
            state, end = "TERMINATED", start + rng.randrange(DAY_MS)
        elif roll < 0.75:
            incident = 1
        parent = rng.choice(keys) if keys and rng.random() < 0.05 else None
        instances.append(
            (key, definition, pid, version, state, incident, start, end, parent, None, "<default>")
        )
        keys.append(key)
        for n, (name, value) in enumerate(
            (("caseId", f"C-{i}"), ("township", rng.choice(TOWNSHIPS)), ("n", i))
        ):
            variables.append(
                (key + 1 + n, name, json.dumps(value, ensure_ascii=False), key, key, "<default>")
            )
        for n, element in enumerate(("start", "directive", "certificate", "gateway", "end")):
            done = state != "ACTIVE" or n < 2
            elements.append(
                (
                    key + 10 + n,
                    key,
                    definition,
                    element,
                    "SERVICE_TASK",
                    key,
                    "COMPLETED" if done else "ACTIVE",
                    start,
                    start if done else None,
                    None,
                )
            )
        for n in range(10):
            position += 1
            records.append(
                (
                    position,
                    key,
                    "EVENT",
                    "PROCESS_INSTANCE",
                    "ELEMENT_ACTIVATED",
                    start + n,
                    key,
                    json.dumps({"elementId": f"e{n}"}),
                )
            )
    conn.executemany(f"INSERT INTO process_instance VALUES ({','.join('?' * 11)})", instances)
    conn.executemany(f"INSERT INTO variable VALUES ({','.join('?' * 6)})", variables)
    conn.executemany(f"INSERT INTO element_instance VALUES ({','.join('?' * 10)})", elements)
    conn.executemany(f"INSERT INTO record VALUES ({','.join('?' * 8)})", records)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    parents = [row[8] for row in instances if row[8] is not None]
    return {"keys": keys, "middle": keys[count // 2], "parent": parents[-1] if parents else keys[0]}


def timed(call: Callable[[], Any], runs: int = 15) -> tuple[float, float]:
    call()  # warm the page cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), min(samples)


def queries(facts: dict[str, Any], count: int) -> list[tuple[str, dict[str, str], list[str]]]:
    week = time.strftime("%Y-%m-%d", time.gmtime((START_MS + 40 * DAY_MS) / 1000))
    week_end = time.strftime("%Y-%m-%d", time.gmtime((START_MS + 46 * DAY_MS) / 1000))
    return [
        ("first page, newest first", {}, []),
        ("state active", {}, ["active"]),
        ("state with incident", {}, ["incident"]),
        ("completed or canceled", {}, ["completed", "canceled"]),
        ("process + version", {"process": "after-death-affairs", "version": "2"}, []),
        ("started within 7 days", {"started_from": week, "started_to": week_end}, []),
        ("variable caseId = one case", {"var_name": "caseId", "var_value": f"C-{count // 2}"}, []),
        (
            "variable township = 桃源街道 + active",
            {"var_name": "township", "var_value": "桃源街道"},
            ["active"],
        ),
        ("instance key", {"key": str(facts["middle"])}, []),
        ("parent instance", {"parent": str(facts["parent"])}, []),
        ("page 1,000 (offset 50,000)", {"offset": str(min(50_000, count - 50))}, []),
    ]


def run(count: int) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "engine.db"
        started = time.perf_counter()
        facts = fill(path, count)
        lines.append(f"filled {count:,} instances in {time.perf_counter() - started:.0f} s")
        model = ReadModel(path)
        results: list[list[Any]] = []
        for label, params, states in queries(facts, count):
            f = parse_filter(params, states)
            total = list_instances(model, f)["total"]
            med, low = timed(functools.partial(list_instances, model, f))
            results.append([label, total, med, low])
        med, low = timed(lambda: list_definitions(model))
        results.append(["process definitions with counts by state", 6, med, low])
        med, low = timed(lambda: instance_detail(model, facts["middle"], OPS))
        results.append(["one instance (all panels)", 1, med, low])
        conn = sqlite3.connect(path)
        for index in CONSOLE_INDEXES:
            conn.execute(f"DROP INDEX {index}")
        conn.commit()
        conn.close()
        for row, (_, params, states) in zip(results, queries(facts, count), strict=False):
            f = parse_filter(params, states)
            row.append(timed(functools.partial(list_instances, model, f), runs=3)[0])
    lines.append("| query | matches | median ms (min) | without console indexes, ms |")
    lines.append("|---|---:|---:|---:|")
    for row in results:
        without = f"{row[4]:.1f}" if len(row) > 4 else "—"
        lines.append(f"| {row[0]} | {row[1]:,} | {row[2]:.1f} ({row[3]:.1f}) | {without} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.console_bench", description=__doc__)
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="20,000 instances")
    args = parser.parse_args(argv)
    for line in run(20_000 if args.quick else args.instances):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Property test: random block-structured processes always complete, each task exactly once.

Sequences, parallel forks/joins, exclusive and inclusive choices (driven by variables) and
embedded subprocesses are nested at random; jobs are completed in random order. A block-structured
process can always complete, so any stuck token, lost join or double activation is a bug in the
token bookkeeping (active flows, joins, scope completion).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.runtime import Clock, Engine
from tests.engine.runtime.bpmn import bpmn, end, flow, message, service, start


@dataclass
class Builder:
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    parts: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)

    def new(self, prefix: str) -> str:
        return f"{prefix}{next(self.ids)}"


def build(node: Any, b: Builder, rng: random.Random) -> tuple[str, str, int]:
    """Emit XML for ``node``; return (entry id, exit id, number of tasks that will run)."""
    kind = node[0]
    if kind == "task":
        tid = b.new("t")
        b.parts.append(service(tid, "t"))
        return tid, tid, 1
    if kind == "msg":
        cid = b.new("m")
        b.parts.append(
            f'<bpmn:intermediateCatchEvent id="{cid}">'
            '<bpmn:messageEventDefinition messageRef="M" /></bpmn:intermediateCatchEvent>'
        )
        return cid, cid, 0
    if kind == "timer":
        cid = b.new("w")
        b.parts.append(
            f'<bpmn:intermediateCatchEvent id="{cid}"><bpmn:timerEventDefinition>'
            "<bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition>"
            "</bpmn:intermediateCatchEvent>"
        )
        return cid, cid, 0
    if kind == "seq":
        first_in, prev_out, n = build(node[1], b, rng)
        for child in node[2:]:
            cin, cout, cn = build(child, b, rng)
            b.parts.append(flow(prev_out, cin))
            prev_out, n = cout, n + cn
        return first_in, prev_out, n
    if kind == "sub":
        sid = b.new("sub")
        inner = Builder(b.ids, [], b.variables)
        cin, cout, n = build(node[1], inner, rng)
        s_start, s_end = b.new("ss"), b.new("se")
        body = (
            "".join(inner.parts)
            + start(s_start)
            + end(s_end)
            + flow(s_start, cin)
            + flow(cout, s_end)
        )
        b.parts.append(f'<bpmn:subProcess id="{sid}">{body}</bpmn:subProcess>')
        return sid, sid, n
    branches = node[1:]
    gw_in, gw_out = b.new("g"), b.new("j")
    if kind == "par":
        b.parts.append(f'<bpmn:parallelGateway id="{gw_in}" />')
        b.parts.append(f'<bpmn:parallelGateway id="{gw_out}" />')
        total = 0
        for child in branches:
            cin, cout, cn = build(child, b, rng)
            b.parts.append(flow(gw_in, cin))
            b.parts.append(flow(cout, gw_out))
            total += cn
        return gw_in, gw_out, total
    if kind == "xor":
        var = b.new("x")
        chosen = rng.randrange(len(branches))
        b.variables[var] = chosen
        b.parts.append(f'<bpmn:exclusiveGateway id="{gw_in}" />')
        b.parts.append(f'<bpmn:exclusiveGateway id="{gw_out}" />')
        total = 0
        for i, child in enumerate(branches):
            cin, cout, cn = build(child, b, rng)
            b.parts.append(flow(gw_in, cin, f"={var} = {i}", f"f_{gw_in}_{i}"))
            b.parts.append(flow(cout, gw_out))
            if i == chosen:
                total = cn
        return gw_in, gw_out, total
    # inclusive: branch 0 is the default, the others run when their flag is true
    flags = [rng.random() < 0.5 for _ in branches]
    default_id = f"f_{gw_in}_0"
    b.parts.append(f'<bpmn:inclusiveGateway id="{gw_in}" default="{default_id}" />')
    b.parts.append(f'<bpmn:inclusiveGateway id="{gw_out}" />')
    total = 0
    any_flag = any(flags[1:])
    for i, child in enumerate(branches):
        cin, cout, cn = build(child, b, rng)
        if i == 0:
            b.parts.append(flow(gw_in, cin, None, default_id))
            if not any_flag:
                total += cn
        else:
            var = b.new("c")
            b.variables[var] = flags[i]
            b.parts.append(flow(gw_in, cin, f"={var}", f"f_{gw_in}_{i}"))
            if flags[i]:
                total += cn
        b.parts.append(flow(cout, gw_out))
    return gw_in, gw_out, total


blocks = st.recursive(
    st.sampled_from([("task",), ("task",), ("msg",), ("timer",)]),
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: ("seq", *xs)),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: ("par", *xs)),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: ("xor", *xs)),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: ("incl", *xs)),
        inner.map(lambda x: ("sub", x)),
    ),
    max_leaves=8,
)


async def run(node: Any, seed: int, data_dir: Path | None = None) -> None:
    """Drive one random process; with ``data_dir``, restart the engine between rounds."""
    rng = random.Random(seed)
    b = Builder()
    cin, cout, expected = build(node, b, rng)
    xml = bpmn(
        "p",
        start("s0"),
        end("e0"),
        flow("s0", cin),
        flow(cout, "e0"),
        *b.parts,
        extra=message("M", "go", "=caseId"),
    )
    b.variables["caseId"] = "c1"
    clock = Clock(controlled=True)
    engine = Engine(data_dir, clock=clock, synchronous="NORMAL")
    await engine.start()
    try:
        await engine.deploy([("p.bpmn", xml)])
        created = await engine.create_process_instance(bpmn_process_id="p", variables=b.variables)
        executed = 0
        pi = created.process_instance_key
        for _ in range(200):
            jobs = await engine.activate_jobs(
                job_type="t", worker="w", timeout_ms=60_000, max_jobs=100
            )
            if jobs:
                rng.shuffle(jobs)
                batch = jobs if data_dir is None else jobs[: max(1, len(jobs) // 2)]
                for job in batch:
                    await engine.complete_job(job.key)
                    executed += 1
                if data_dir is not None:
                    await engine.kill()  # jobs not completed time out after the restart
                    engine = Engine(data_dir, clock=clock, synchronous="NORMAL")
                    await engine.start()
                    clock.add(60_001)
                continue
            alive, subs, timers = await engine.inspect(
                lambda m: (pi in m.s.instances, len(m.s.msubs), len(m.s.timers))
            )
            if not alive or not (subs or timers):
                break
            # nothing to work on: the process waits for a message or a timer
            if subs:
                await engine.publish_message(name="go", correlation_key="c1", time_to_live_ms=0)
            if timers:
                clock.add(60_001)
        incidents = await engine.inspect(lambda m: [i.message for i in m.s.incidents.values()])
        assert incidents == []
        alive = await engine.inspect(lambda m: created.process_instance_key in m.s.instances)
        assert not alive, "instance did not complete"
        assert executed == expected
    finally:
        await engine.stop()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(node=blocks, seed=st.integers(0, 2**16))
def test_random_block_structured_processes_complete(node: Any, seed: int) -> None:
    asyncio.run(run(node, seed))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(node=blocks, seed=st.integers(0, 2**16))
def test_random_processes_complete_across_restarts(node: Any, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(node, seed, Path(tmp)))

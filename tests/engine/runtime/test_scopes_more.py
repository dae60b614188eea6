"""More scope interplay: errors across call activities, nested event subprocesses, modification
inside subprocesses, signal boundaries, terminate inside a subprocess."""

from __future__ import annotations

from engine.api import ActivateInstruction
from engine.runtime import Engine
from tests.engine.runtime.bpmn import (
    bpmn,
    chain,
    definitions,
    end,
    flow,
    io,
    message,
    process,
    service,
    start,
    timer,
)
from tests.engine.runtime.conftest import one_job, rows, wait_until

ERR = '<bpmn:error id="E1" errorCode="REJECTED" />'


async def test_error_from_called_process_caught_on_call_activity(engine: Engine) -> None:
    child = process(
        "child", start("cs"), service("ct", "child-work"), end("ce"), chain("cs", "ct", "ce")
    )
    parent = process(
        "parent",
        start(),
        '<bpmn:callActivity id="call"><bpmn:extensionElements>'
        '<zeebe:calledElement processId="child" /></bpmn:extensionElements></bpmn:callActivity>',
        '<bpmn:boundaryEvent id="caught" attachedToRef="call">'
        '<bpmn:errorEventDefinition errorRef="E1" /></bpmn:boundaryEvent>',
        service("handle", "handle"),
        end(),
        end("e2"),
        chain("start", "call", "end"),
        chain("caught", "handle", "e2"),
    )
    await engine.deploy([("c.bpmn", definitions(child, parent, extra=ERR))])
    created = await engine.create_process_instance(bpmn_process_id="parent")
    job = await one_job(engine, "child-work")
    await engine.throw_error(job.key, "REJECTED", "nope", {"reason": "r"})
    handle = await one_job(engine, "handle")
    assert handle.variables["reason"] == "r"
    states = dict(await rows(engine, "SELECT key, state FROM process_instance"))
    assert states[job.process_instance_key] == "TERMINATED"
    assert states[created.process_instance_key] == "ACTIVE"


async def test_catch_all_error_boundary_and_specific_preferred(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        service("task", "work"),
        end(),
        '<bpmn:boundaryEvent id="any" attachedToRef="task"><bpmn:errorEventDefinition />'
        "</bpmn:boundaryEvent>",
        '<bpmn:boundaryEvent id="specific" attachedToRef="task">'
        '<bpmn:errorEventDefinition errorRef="E1" /></bpmn:boundaryEvent>',
        service("h_any", "h_any"),
        service("h_spec", "h_spec"),
        end("e2"),
        end("e3"),
        chain("start", "task", "end"),
        chain("any", "h_any", "e2"),
        chain("specific", "h_spec", "e3"),
        extra=ERR,
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p")
    await engine.create_process_instance(bpmn_process_id="p")
    jobs = await engine.activate_jobs(job_type="work", worker="w", timeout_ms=1000, max_jobs=2)
    await engine.throw_error(jobs[0].key, "REJECTED")
    await engine.throw_error(jobs[1].key, "SOMETHING_ELSE")
    await one_job(engine, "h_spec")
    await one_job(engine, "h_any")


async def test_event_subprocess_inside_subprocess(engine: Engine) -> None:
    esp = (
        '<bpmn:subProcess id="esp" triggeredByEvent="true">'
        f'<bpmn:startEvent id="es">{timer("timeDuration", "PT5M")}</bpmn:startEvent>'
        + service("h", "escalate")
        + end("ee")
        + chain("es", "h", "ee")
        + "</bpmn:subProcess>"
    )
    inner = start("s2") + service("t", "inner") + end("e2") + chain("s2", "t", "e2") + esp
    xml = bpmn(
        "p",
        start(),
        f'<bpmn:subProcess id="sub">{inner}</bpmn:subProcess>',
        service("after", "after"),
        end(),
        chain("start", "sub", "after", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p")
    await one_job(engine, "inner", timeout_ms=3_600_000)
    engine.clock.add(300_000)
    await wait_until(engine, lambda m: m.s.activatable.get("escalate"))
    h = await one_job(engine, "escalate")
    await engine.complete_job(h.key)
    await one_job(engine, "after")  # the interrupted subprocess completed and the flow went on


async def test_non_interrupting_timer_event_subprocess_cycle(engine: Engine) -> None:
    esp = (
        '<bpmn:subProcess id="esp" triggeredByEvent="true">'
        f'<bpmn:startEvent id="es" isInterrupting="false">{timer("timeCycle", "R2/PT1M")}'
        "</bpmn:startEvent>"
        + service("h", "remind")
        + end("ee")
        + chain("es", "h", "ee")
        + "</bpmn:subProcess>"
    )
    xml = bpmn("p", start(), service("main", "main"), end(), chain("start", "main", "end"), esp)
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p")
    main = await one_job(engine, "main", timeout_ms=3_600_000)
    for n in (1, 2, 2):
        engine.clock.add(60_000)
        await wait_until(engine, lambda m, n=n: len(m.s.activatable.get("remind", {})) == n)  # type: ignore[misc]
    await engine.complete_job(main.key)
    # the process waits for the running event subprocess instances
    reminders = await engine.activate_jobs(
        job_type="remind", worker="w", timeout_ms=1000, max_jobs=5
    )
    for r in reminders:
        await engine.complete_job(r.key)
    assert [s for (s,) in await rows(engine, "SELECT state FROM process_instance")] == ["COMPLETED"]


async def test_terminate_end_inside_subprocess_only_ends_the_subprocess(engine: Engine) -> None:
    inner = (
        start("s2")
        + '<bpmn:parallelGateway id="fork" />'
        + service("slow", "slow")
        + end("stop", "<bpmn:terminateEventDefinition />")
        + end("e2")
        + flow("s2", "fork")
        + flow("fork", "slow")
        + flow("fork", "stop")
        + flow("slow", "e2")
    )
    xml = bpmn(
        "p",
        start(),
        f'<bpmn:subProcess id="sub">{inner}</bpmn:subProcess>',
        service("after", "after"),
        end(),
        chain("start", "sub", "after", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p")
    await one_job(engine, "after")
    assert await engine.activate_jobs(job_type="slow", worker="w", timeout_ms=1, max_jobs=1) == []


async def test_modify_activates_element_inside_a_new_subprocess_scope(engine: Engine) -> None:
    inner = (
        start("s2")
        + service("t1", "t1")
        + service("t2", "t2")
        + end("e2")
        + chain("s2", "t1", "t2", "e2")
    )
    xml = bpmn(
        "p",
        start(),
        service("first", "first"),
        f'<bpmn:subProcess id="sub">{inner}</bpmn:subProcess>',
        end(),
        chain("start", "first", "sub", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    created = await engine.create_process_instance(bpmn_process_id="p")
    first = await one_job(engine, "first")
    await engine.modify_process_instance(
        created.process_instance_key,
        activate=[ActivateInstruction("t2", variables=[("sub", {"s": 1})])],
        terminate=[first.element_instance_key],
    )
    t2 = await one_job(engine, "t2")
    assert t2.variables["s"] == 1
    assert await engine.activate_jobs(job_type="t1", worker="w", timeout_ms=1, max_jobs=1) == []
    await engine.complete_job(t2.key)
    assert [s for (s,) in await rows(engine, "SELECT state FROM process_instance")] == ["COMPLETED"]


async def test_signal_boundary_event(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        service("task", "work"),
        end(),
        '<bpmn:boundaryEvent id="sig" attachedToRef="task">'
        '<bpmn:signalEventDefinition signalRef="S" /></bpmn:boundaryEvent>',
        service("after", "after"),
        end("e2"),
        chain("start", "task", "end"),
        chain("sig", "after", "e2"),
        extra='<bpmn:signal id="S" name="stop-all" />',
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(bpmn_process_id="p")
    await one_job(engine, "work")
    await engine.broadcast_signal("stop-all")
    await one_job(engine, "after")


async def test_input_mapping_dotted_target_and_output_to_context(engine: Engine) -> None:
    xml = bpmn(
        "p",
        start(),
        service(
            "task",
            "work",
            ext=io(
                {"req.id": "=caseId", "req.kind": "=&quot;death&quot;"}, {"case.status": "=status"}
            ),
        ),
        service("after", "after"),
        end(),
        chain("start", "task", "after", "end"),
    )
    await engine.deploy([("p.bpmn", xml)])
    await engine.create_process_instance(
        bpmn_process_id="p", variables={"caseId": "C1", "case": {"id": "C1"}}
    )
    job = await one_job(engine, "work")
    assert job.variables["req"] == {"id": "C1", "kind": "death"}
    await engine.complete_job(job.key, {"status": "done"})
    after = await one_job(engine, "after")
    assert after.variables["case"] == {"id": "C1", "status": "done"}
    assert "status" not in after.variables and "req" not in after.variables


async def test_call_activity_output_mappings_and_no_child_propagation(engine: Engine) -> None:
    child = process(
        "child", start("cs"), service("ct", "child-work"), end("ce"), chain("cs", "ct", "ce")
    )
    parent = process(
        "parent",
        start(),
        '<bpmn:callActivity id="call"><bpmn:extensionElements>'
        '<zeebe:calledElement processId="child" propagateAllChildVariables="false" '
        'propagateAllParentVariables="false" />'
        + io({"input": "=given * 10"}, {"picked": "=result"})
        + "</bpmn:extensionElements></bpmn:callActivity>",
        service("after", "after"),
        end(),
        chain("start", "call", "after", "end"),
    )
    await engine.deploy([("c.bpmn", definitions(child, parent))])
    await engine.create_process_instance(bpmn_process_id="parent", variables={"given": 1})
    job = await one_job(engine, "child-work")
    assert job.variables == {"input": 10}  # only the call activity's input mappings
    await engine.complete_job(job.key, {"result": "ok", "noise": 1})
    after = await one_job(engine, "after")
    assert after.variables == {"given": 1, "picked": "ok"}


async def test_interrupting_message_event_subprocess(engine: Engine) -> None:
    esp = (
        '<bpmn:subProcess id="esp" triggeredByEvent="true">'
        '<bpmn:startEvent id="es"><bpmn:messageEventDefinition messageRef="M" />'
        "</bpmn:startEvent>"
        + service("h", "withdraw")
        + end("ee")
        + chain("es", "h", "ee")
        + "</bpmn:subProcess>"
    )
    xml = bpmn(
        "p",
        start(),
        service("main", "main"),
        end(),
        chain("start", "main", "end"),
        esp,
        extra=message("M", "withdrawn", "=caseId"),
    )
    await engine.deploy([("p.bpmn", xml)])
    created = await engine.create_process_instance(bpmn_process_id="p", variables={"caseId": "Z"})
    main = await one_job(engine, "main")
    await engine.publish_message(name="withdrawn", correlation_key="Z", time_to_live_ms=0)
    h = await one_job(engine, "withdraw")
    assert await engine.inspect(lambda m: main.key not in m.s.jobs)
    await engine.complete_job(h.key)
    assert await rows(
        engine, "SELECT state FROM process_instance WHERE key = ?", created.process_instance_key
    ) == [("COMPLETED",)]

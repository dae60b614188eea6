"""kill -9 the engine mid-work, restart it on the same data directory, and carry on.

Everything a client was told is durable must be there after the restart: instances, jobs
(activatable again), timers (fire when the clock passes them), message subscriptions and
buffered messages, incidents; and keys handed out before the crash are never handed out again.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import grpc
import pytest
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto.gateway_pb2_grpc import GatewayStub

from tests.engine.e2e import models
from tests.engine.e2e.harness import EngineProcess, wait_for

pytestmark = pytest.mark.e2e


def _activate(stub: GatewayStub, job_type: str) -> list[pb.ActivatedJob]:
    jobs: list[pb.ActivatedJob] = []
    for response in stub.ActivateJobs(
        pb.ActivateJobsRequest(
            type=job_type, worker="w", timeout=60_000, maxJobsToActivate=10, requestTimeout=5_000
        ),
        timeout=10,
    ):
        jobs.extend(response.jobs)
    return jobs


def _create(stub: GatewayStub, pid: str, variables: dict[str, object] | None = None) -> int:
    return stub.CreateProcessInstance(
        pb.CreateProcessInstanceRequest(
            bpmnProcessId=pid, version=-1, variables=json.dumps(variables or {})
        )
    ).processInstanceKey


def test_sigkill_and_restart_resumes_everything(fresh_dir: Path) -> None:
    proc = EngineProcess(fresh_dir).start()
    seen_keys: set[int] = set()
    acknowledged: list[int] = []
    try:
        with grpc.insecure_channel(proc.grpc_address) as channel:
            stub = GatewayStub(channel)
            for name, xml in (
                ("rs-job.bpmn", models.one_task("rs-job", "rs-job")),
                ("rs-inc.bpmn", models.one_task("rs-inc", "rs-inc")),
                ("rs-msg.bpmn", models.message_wait("rs-msg", "rs-paid")),
                ("rs-late.bpmn", models.message_wait("rs-late", "rs-late")),
                ("rs-timer.bpmn", models.timer_wait("rs-timer", "PT1H")),
            ):
                deployed = stub.DeployResource(
                    pb.DeployResourceRequest(resources=[pb.Resource(name=name, content=xml)])
                )
                seen_keys |= {deployed.key, deployed.deployments[0].process.processDefinitionKey}
            job_instance = _create(stub, "rs-job", {"n": 1})
            msg_instance = _create(stub, "rs-msg", {"orderId": "r-1"})
            timer_instance = _create(stub, "rs-timer")
            inc_instance = _create(stub, "rs-inc")
            (inc_job,) = _activate(stub, "rs-inc")
            stub.FailJob(pb.FailJobRequest(jobKey=inc_job.key, retries=0, errorMessage="down"))
            (incident,) = proc.wait_search("incidents", {"processInstanceKey": str(inc_instance)})
            buffered = stub.PublishMessage(
                pb.PublishMessageRequest(name="rs-late", correlationKey="r-2", timeToLive=3_600_000)
            )
            seen_keys |= {
                job_instance,
                msg_instance,
                timer_instance,
                inc_instance,
                inc_job.key,
                int(incident["incidentKey"]),
                buffered.key,
            }

            # mid-work: a client creating instances as fast as it can while we kill -9
            stop = threading.Event()

            def hammer() -> None:
                while not stop.is_set():
                    try:
                        acknowledged.append(_create(stub, "rs-job", {"burst": True}))
                    except grpc.RpcError:
                        return

            burst = threading.Thread(target=hammer)
            burst.start()
            wait_for(lambda: len(acknowledged) >= 20, timeout=30, what="20 acknowledged creates")
            proc.kill()
            stop.set()
            burst.join(15)
        seen_keys |= set(acknowledged)

        proc.start()
        with grpc.insecure_channel(proc.grpc_address) as channel:
            stub = GatewayStub(channel)
            # every acknowledged instance survived the crash
            survivors = {
                int(i["processInstanceKey"])
                for i in proc.search(
                    "process-instances", {"processDefinitionId": "rs-job"}, page={"limit": 10_000}
                )
            }
            assert set(acknowledged) | {job_instance} <= survivors

            # jobs: the original job is activatable and completes its instance
            jobs = _activate(stub, "rs-job")
            original = [j for j in jobs if j.processInstanceKey == job_instance]
            assert original and json.loads(original[0].variables) == {"n": 1}
            stub.CompleteJob(pb.CompleteJobRequest(jobKey=original[0].key))
            proc.wait_search(
                "process-instances", {"processInstanceKey": str(job_instance), "state": "COMPLETED"}
            )

            # message subscription survived
            stub.PublishMessage(
                pb.PublishMessageRequest(name="rs-paid", correlationKey="r-1", timeToLive=0)
            )
            proc.wait_search(
                "process-instances", {"processInstanceKey": str(msg_instance), "state": "COMPLETED"}
            )

            # buffered message survived: a new subscriber gets it
            late = _create(stub, "rs-late", {"orderId": "r-2"})
            proc.wait_search(
                "process-instances", {"processInstanceKey": str(late), "state": "COMPLETED"}
            )

            # timer survived: fires once the clock passes its due date
            assert (
                proc.search("process-instances", {"processInstanceKey": str(timer_instance)})[0][
                    "state"
                ]
                == "ACTIVE"
            )
            proc.clock_add(2 * 3600 * 1000)
            proc.wait_search(
                "process-instances",
                {"processInstanceKey": str(timer_instance), "state": "COMPLETED"},
            )

            # incident survived and can be resolved
            (still,) = proc.search("incidents", {"incidentKey": incident["incidentKey"]})
            assert still["state"] == "ACTIVE"
            stub.UpdateJobRetries(pb.UpdateJobRetriesRequest(jobKey=inc_job.key, retries=1))
            stub.ResolveIncident(
                pb.ResolveIncidentRequest(incidentKey=int(incident["incidentKey"]))
            )
            (retried,) = _activate(stub, "rs-inc")
            assert retried.key == inc_job.key

            # keys are never reused
            fresh = _create(stub, "rs-job")
            assert fresh not in seen_keys and fresh > max(seen_keys)
    finally:
        assert proc.stop() == 0, proc.logs()[-3000:]

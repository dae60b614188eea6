"""A Zeebe gateway test double speaking real gRPC on a free loopback port.

It hands out the jobs a test queues (ActivateJobs with long polling), and records what
clients answer (CompleteJob, FailJob, ThrowError, PublishMessage, CreateProcessInstance).
Workers and the API's engine client are pyzeebe, unchanged, so this exercises their real
gRPC behaviour; the BPMN semantics themselves are tested end to end against the engine.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto import gateway_pb2_grpc as pb_grpc


@dataclass
class FakeGateway:
    address: str = ""
    jobs: dict[str, list[pb.ActivatedJob]] = field(default_factory=dict)
    completed: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    failed: list[pb.FailJobRequest] = field(default_factory=list)
    errors: list[pb.ThrowErrorRequest] = field(default_factory=list)
    messages: list[pb.PublishMessageRequest] = field(default_factory=list)
    instances: list[pb.CreateProcessInstanceRequest] = field(default_factory=list)
    unavailable: bool = False
    _keys: Iterator[int] = field(default_factory=lambda: itertools.count(2251799813685249))
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _message_ids: set[str] = field(default_factory=set)

    def add_job(
        self,
        task_type: str,
        variables: dict[str, Any],
        *,
        retries: int = 3,
        headers: dict[str, str] | None = None,
        key: int | None = None,
    ) -> int:
        key = key or next(self._keys)
        job = pb.ActivatedJob(
            key=key,
            type=task_type,
            processInstanceKey=key + 1,
            bpmnProcessId="after-death-affairs",
            processDefinitionVersion=1,
            processDefinitionKey=1,
            elementId=task_type,
            elementInstanceKey=key + 2,
            customHeaders=json.dumps(headers or {}),
            worker="",
            retries=retries,
            deadline=0,
            variables=json.dumps(variables),
        )
        with self._cond:
            self.jobs.setdefault(task_type, []).append(job)
            self._cond.notify_all()
        return key

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> None:
        """Block until ``predicate(self)`` holds (answers arrive from another thread)."""
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(self), timeout):
                raise AssertionError("condition not reached in time")

    def _record(self, target: list[Any], item: Any) -> None:
        with self._cond:
            target.append(item)
            self._cond.notify_all()


class _Servicer(pb_grpc.GatewayServicer):
    def __init__(self, state: FakeGateway) -> None:
        self.state = state

    def _check(self, context: grpc.ServicerContext) -> None:
        if self.state.unavailable:
            context.abort(grpc.StatusCode.UNAVAILABLE, "gateway down (test)")

    def ActivateJobs(self, request, context):
        self._check(context)
        state = self.state
        wait_s = (request.requestTimeout or 1000) / 1000
        with state._cond:
            state._cond.wait_for(lambda: bool(state.jobs.get(request.type)), min(wait_s, 1.0))
            queue = state.jobs.get(request.type, [])
            taken, state.jobs[request.type] = (
                queue[: request.maxJobsToActivate],
                queue[request.maxJobsToActivate :],
            )
        if taken:
            for job in taken:
                job.worker = request.worker
            yield pb.ActivateJobsResponse(jobs=taken)

    def CompleteJob(self, request, context):
        self._check(context)
        self.state._record(
            self.state.completed, (request.jobKey, json.loads(request.variables or "{}"))
        )
        return pb.CompleteJobResponse()

    def FailJob(self, request, context):
        self._check(context)
        self.state._record(self.state.failed, request)
        return pb.FailJobResponse()

    def ThrowError(self, request, context):
        self._check(context)
        self.state._record(self.state.errors, request)
        return pb.ThrowErrorResponse()

    def PublishMessage(self, request, context):
        self._check(context)
        if request.messageId and request.messageId in self.state._message_ids:
            context.abort(grpc.StatusCode.ALREADY_EXISTS, "message id already published")
        if request.messageId:
            self.state._message_ids.add(request.messageId)
        self.state._record(self.state.messages, request)
        return pb.PublishMessageResponse(key=next(self.state._keys))

    def CreateProcessInstance(self, request, context):
        self._check(context)
        self.state._record(self.state.instances, request)
        return pb.CreateProcessInstanceResponse(
            processDefinitionKey=1,
            bpmnProcessId=request.bpmnProcessId,
            version=1,
            processInstanceKey=next(self.state._keys),
        )


@contextmanager
def fake_gateway() -> Iterator[FakeGateway]:
    state = FakeGateway()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    pb_grpc.add_GatewayServicer_to_server(_Servicer(state), server)  # type: ignore[abstract]
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    state.address = f"127.0.0.1:{port}"
    try:
        yield state
    finally:
        with state._cond:
            state._cond.notify_all()
        server.stop(grace=0.2).wait()

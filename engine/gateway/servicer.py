"""Zeebe's gateway service on pyzeebe's generated stubs, backed by an :class:`EngineApi`.

Each RPC converts its request (``convert``), calls the engine, converts the answer back;
an :class:`EngineError` becomes the gRPC status Zeebe gives (``status``). Two RPCs carry
real logic of their own:

* **ActivateJobs** long-polls: when no job is activatable it waits, woken by the
  runtime's jobs-available notification, until ``requestTimeout`` (10 s when 0, as
  Zeebe's gateway; no waiting when negative) or shortly before the client's deadline.
* **CreateProcessInstanceWithResult** with ``requestTimeout`` 0 (pyzeebe's default) waits the
  gateway's default request timeout (``--request-timeout``, 15 s as Zeebe's
  ``zeebe.gateway.cluster.requestTimeout``), then answers DEADLINE_EXCEEDED.
* **StreamActivatedJobs** pushes jobs of its type as they become activatable, until the
  client cancels the stream.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import grpc
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto.gateway_pb2_grpc import GatewayServicer

from engine.api import ActivatedJob, EngineApi, EngineError, ErrorCode
from engine.config import DEFAULT_REQUEST_TIMEOUT_MS
from engine.gateway import convert
from engine.gateway.jobs_available import JobsAvailable
from engine.gateway.metrics import GatewayMetrics
from engine.gateway.status import status_of
from engine.logs import get_logger

log = get_logger("engine.gateway")

DEFAULT_LONG_POLL_MS = 10_000
"""Zeebe's gateway default long-polling timeout, used when requestTimeout is 0."""
DEADLINE_MARGIN_S = 0.2
"""Answer this long before the client's own deadline, so an empty answer beats it."""
STREAM_BATCH = 32
"""Jobs a stream activates per engine call."""
GIVEN_BACK_MESSAGE = "The worker was gone before it received the job; the job is available again"

Req = TypeVar("Req")
Resp = TypeVar("Resp")


class Gateway(GatewayServicer):
    def __init__(
        self,
        engine: EngineApi,
        jobs_available: JobsAvailable,
        *,
        advertised_host: str = "127.0.0.1",
        advertised_port: int = 26500,
        metrics: GatewayMetrics | None = None,
        default_request_timeout_ms: int = DEFAULT_REQUEST_TIMEOUT_MS,
    ) -> None:
        self._engine = engine
        self._default_request_timeout_ms = default_request_timeout_ms
        self._jobs = jobs_available
        self._host = advertised_host
        self._port = advertised_port
        self.metrics = metrics or GatewayMetrics()
        self._background: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------ plumbing

    async def _call(
        self, method: str, context: grpc.aio.ServicerContext, work: Callable[[], Awaitable[Resp]]
    ) -> Resp:
        started = time.perf_counter()
        code = grpc.StatusCode.OK
        try:
            return await work()
        except EngineError as error:
            code = status_of(error.code)
            await context.abort(code, error.message)
            raise  # unreachable: abort raises
        except (asyncio.CancelledError, grpc.aio.AbortError):
            code = grpc.StatusCode.CANCELLED
            raise
        except Exception as error:  # a bug: say so, keep serving
            code = grpc.StatusCode.INTERNAL
            log.exception("gateway.internal_error", method=method, error_type=type(error).__name__)
            await context.abort(
                code, f"Unexpected error while handling {method}: {type(error).__name__}: {error}"
            )
            raise
        finally:
            self.metrics.requests.labels(method, code.name).inc()
            self.metrics.request_latency.labels(method).observe(time.perf_counter() - started)

    # ---------------------------------------------------------------- jobs

    async def ActivateJobs(  # type: ignore[override]  # grpc.aio allows context.write
        self, request: pb.ActivateJobsRequest, context: grpc.aio.ServicerContext
    ) -> None:
        code = grpc.StatusCode.OK
        try:
            jobs = await self._activate_with_long_poll(request, context)
            if jobs and context.cancelled():  # gone before we could answer: jobs go back
                self._give_back(jobs)
                code = grpc.StatusCode.CANCELLED
                return
            # A failed write is ambiguous (the client may have read the answer and hung up);
            # those jobs wait for their time-out rather than risk running twice.
            await context.write(
                pb.ActivateJobsResponse(jobs=[convert.activated_job(j) for j in jobs])
            )
        except EngineError as error:
            code = status_of(error.code)
            await context.abort(code, error.message)
        except asyncio.CancelledError:  # the client went away while we waited
            code = grpc.StatusCode.CANCELLED
            raise
        finally:
            self.metrics.requests.labels("ActivateJobs", code.name).inc()

    async def _activate(self, **arguments: Any) -> list[ActivatedJob]:
        """engine.activate_jobs, shielded: if the caller is cancelled meanwhile (client gone),
        the jobs the engine activates anyway are given back instead of waiting for time-out."""
        activation = asyncio.ensure_future(self._engine.activate_jobs(**arguments))
        try:
            return await asyncio.shield(activation)
        except asyncio.CancelledError:

            def give_back(done: asyncio.Future[list[ActivatedJob]]) -> None:
                if not done.cancelled() and done.exception() is None:
                    self._give_back(done.result())

            activation.add_done_callback(give_back)
            raise

    async def _activate_with_long_poll(
        self, request: pb.ActivateJobsRequest, context: grpc.aio.ServicerContext
    ) -> list[ActivatedJob]:
        # Zeebe's checks, in Zeebe's order and words
        if request.maxJobsToActivate <= 0:
            raise EngineError(
                ErrorCode.INVALID_ARGUMENT,
                "Expected to activate job batch with max jobs to activate to be greater than "
                f"zero, but it was '{request.maxJobsToActivate}'",
            )
        if request.timeout <= 0:
            raise EngineError(
                ErrorCode.INVALID_ARGUMENT,
                "Expected to activate job batch with timeout to be greater than zero, "
                f"but it was '{request.timeout}'",
            )
        if not request.type:
            raise EngineError(
                ErrorCode.INVALID_ARGUMENT,
                "Expected to activate job batch with type to be present, but it was blank",
            )
        long_poll_ms = request.requestTimeout or DEFAULT_LONG_POLL_MS
        loop = asyncio.get_running_loop()
        give_up = loop.time() + max(long_poll_ms, 0) / 1000
        client_remaining = context.time_remaining()
        if client_remaining is not None:
            give_up = min(give_up, loop.time() + client_remaining - DEADLINE_MARGIN_S)
        waited = False
        while True:
            with self._jobs.waiter(request.type) as waiter:
                jobs = await self._activate(
                    job_type=request.type,
                    worker=request.worker,
                    timeout_ms=request.timeout,
                    max_jobs=request.maxJobsToActivate,
                    fetch_variables=tuple(request.fetchVariable),
                    tenant_ids=convert.tenants(request.tenantIds, "ActivateJobs"),
                )
                if jobs:
                    if waited:
                        self.metrics.long_polls.labels("woken").inc()
                    self.metrics.jobs_activated.labels(request.type).inc(len(jobs))
                    return jobs
                remaining = give_up - loop.time()
                if request.requestTimeout < 0 or remaining <= 0 or self._jobs.closed:
                    if waited:
                        self.metrics.long_polls.labels("timed_out").inc()
                    return []
                waited = True
                with self.metrics.long_polls_waiting.track_inprogress():
                    woken = await waiter.wait(remaining)
                if not woken or self._jobs.closed:
                    self.metrics.long_polls.labels("timed_out").inc()
                    return []

    async def StreamActivatedJobs(  # type: ignore[override]  # writes with context.write
        self, request: pb.StreamActivatedJobsRequest, context: grpc.aio.ServicerContext
    ) -> None:
        if not request.type:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                "Expected to stream jobs of a type, but no type was given",
            )
        log.info("gateway.job_stream_opened", job_type=request.type, worker=request.worker)
        try:
            while True:
                with self._jobs.waiter(request.type) as waiter:
                    try:
                        jobs = await self._activate(
                            job_type=request.type,
                            worker=request.worker,
                            timeout_ms=request.timeout,
                            max_jobs=STREAM_BATCH,
                            fetch_variables=tuple(request.fetchVariable),
                            tenant_ids=convert.tenants(request.tenantIds, "StreamActivatedJobs"),
                        )
                    except EngineError as error:
                        if error.code is ErrorCode.RESOURCE_EXHAUSTED:
                            await waiter.wait(0.05)  # back off, keep the stream open
                            continue
                        await context.abort(status_of(error.code), error.message)
                    if jobs:
                        self.metrics.jobs_activated.labels(request.type).inc(len(jobs))
                        for sent, job in enumerate(jobs):
                            if context.cancelled():  # stream closed: the rest go back
                                self._give_back(jobs[sent:])
                                return
                            try:
                                await context.write(convert.activated_job(job))
                            except BaseException:
                                # this job's fate is unknown (time-out decides); the rest were
                                # never sent
                                self._give_back(jobs[sent + 1 :])
                                raise
                        continue
                    if self._jobs.closed:
                        return
                    await waiter.wait(None)
        finally:
            log.info("gateway.job_stream_closed", job_type=request.type, worker=request.worker)

    def _give_back(self, jobs: Sequence[ActivatedJob]) -> None:
        """Make jobs that never reached their worker activatable again, retries unchanged.

        Zeebe does the same (it fails them with their retries, or yields them from a stream);
        without it they would wait for their job time-out.
        """

        async def give_back() -> None:
            for job in jobs:
                try:
                    await self._engine.fail_job(
                        job.key, job.retries, GIVEN_BACK_MESSAGE, retry_backoff_ms=0
                    )
                except EngineError:  # completed or timed out meanwhile: nothing to give back
                    continue

        if jobs:
            task = asyncio.get_running_loop().create_task(give_back())
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def CompleteJob(
        self, request: pb.CompleteJobRequest, context: grpc.aio.ServicerContext
    ) -> pb.CompleteJobResponse:
        async def work() -> pb.CompleteJobResponse:
            variables = convert.parse_variables(request.variables, "CompleteJob")
            await self._engine.complete_job(request.jobKey, variables)
            return pb.CompleteJobResponse()

        return await self._call("CompleteJob", context, work)

    async def FailJob(
        self, request: pb.FailJobRequest, context: grpc.aio.ServicerContext
    ) -> pb.FailJobResponse:
        async def work() -> pb.FailJobResponse:
            variables = convert.parse_variables(request.variables, "FailJob")
            await self._engine.fail_job(
                request.jobKey,
                request.retries,
                request.errorMessage,
                request.retryBackOff,
                variables,
            )
            return pb.FailJobResponse()

        return await self._call("FailJob", context, work)

    async def ThrowError(
        self, request: pb.ThrowErrorRequest, context: grpc.aio.ServicerContext
    ) -> pb.ThrowErrorResponse:
        async def work() -> pb.ThrowErrorResponse:
            variables = convert.parse_variables(request.variables, "ThrowError")
            await self._engine.throw_error(
                request.jobKey, request.errorCode, request.errorMessage, variables
            )
            return pb.ThrowErrorResponse()

        return await self._call("ThrowError", context, work)

    async def UpdateJobRetries(
        self, request: pb.UpdateJobRetriesRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateJobRetriesResponse:
        async def work() -> pb.UpdateJobRetriesResponse:
            await self._engine.update_job_retries(request.jobKey, request.retries)
            return pb.UpdateJobRetriesResponse()

        return await self._call("UpdateJobRetries", context, work)

    async def UpdateJobTimeout(
        self, request: pb.UpdateJobTimeoutRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateJobTimeoutResponse:
        async def work() -> pb.UpdateJobTimeoutResponse:
            await self._engine.update_job_timeout(request.jobKey, request.timeout)
            return pb.UpdateJobTimeoutResponse()

        return await self._call("UpdateJobTimeout", context, work)

    # ----------------------------------------------------------- instances

    async def CreateProcessInstance(
        self, request: pb.CreateProcessInstanceRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateProcessInstanceResponse:
        async def work() -> pb.CreateProcessInstanceResponse:
            variables = convert.parse_variables(request.variables, "CreateProcessInstance")
            created = await self._engine.create_process_instance(
                bpmn_process_id=request.bpmnProcessId or None,
                process_definition_key=request.processDefinitionKey or None,
                version=convert.version(request.version),
                variables=variables,
                start_instructions=convert.start_instructions(request.startInstructions),
                tenant_id=convert.tenant(request.tenantId, "CreateProcessInstance"),
            )
            self.metrics.instances_created.inc()
            return convert.create_instance_response(created)

        return await self._call("CreateProcessInstance", context, work)

    async def CreateProcessInstanceWithResult(
        self,
        request: pb.CreateProcessInstanceWithResultRequest,
        context: grpc.aio.ServicerContext,
    ) -> pb.CreateProcessInstanceWithResultResponse:
        async def work() -> pb.CreateProcessInstanceWithResultResponse:
            inner = request.request
            variables = convert.parse_variables(inner.variables, "CreateProcessInstanceWithResult")
            result = await self._engine.create_process_instance_with_result(
                bpmn_process_id=inner.bpmnProcessId or None,
                process_definition_key=inner.processDefinitionKey or None,
                version=convert.version(inner.version),
                variables=variables,
                start_instructions=convert.start_instructions(inner.startInstructions),
                fetch_variables=tuple(request.fetchVariables),
                # 0 (and, for safety, a negative value) means "the gateway's default", never
                # "wait forever": as Zeebe, the client gets DEADLINE_EXCEEDED when it passes.
                request_timeout_ms=(
                    request.requestTimeout
                    if request.requestTimeout > 0
                    else self._default_request_timeout_ms
                ),
                tenant_id=convert.tenant(inner.tenantId, "CreateProcessInstanceWithResult"),
            )
            self.metrics.instances_created.inc()
            return convert.create_instance_with_result_response(result)

        return await self._call("CreateProcessInstanceWithResult", context, work)

    async def CancelProcessInstance(
        self, request: pb.CancelProcessInstanceRequest, context: grpc.aio.ServicerContext
    ) -> pb.CancelProcessInstanceResponse:
        async def work() -> pb.CancelProcessInstanceResponse:
            await self._engine.cancel_process_instance(request.processInstanceKey)
            return pb.CancelProcessInstanceResponse()

        return await self._call("CancelProcessInstance", context, work)

    async def SetVariables(
        self, request: pb.SetVariablesRequest, context: grpc.aio.ServicerContext
    ) -> pb.SetVariablesResponse:
        async def work() -> pb.SetVariablesResponse:
            variables = convert.parse_variables(request.variables, "SetVariables")
            key = await self._engine.set_variables(
                request.elementInstanceKey, variables, request.local
            )
            return pb.SetVariablesResponse(key=key)

        return await self._call("SetVariables", context, work)

    async def ModifyProcessInstance(
        self, request: pb.ModifyProcessInstanceRequest, context: grpc.aio.ServicerContext
    ) -> pb.ModifyProcessInstanceResponse:
        async def work() -> pb.ModifyProcessInstanceResponse:
            await self._engine.modify_process_instance(
                request.processInstanceKey,
                activate=convert.activate_instructions(request.activateInstructions),
                terminate=tuple(t.elementInstanceKey for t in request.terminateInstructions),
            )
            return pb.ModifyProcessInstanceResponse()

        return await self._call("ModifyProcessInstance", context, work)

    async def MigrateProcessInstance(
        self, request: pb.MigrateProcessInstanceRequest, context: grpc.aio.ServicerContext
    ) -> pb.MigrateProcessInstanceResponse:
        async def work() -> pb.MigrateProcessInstanceResponse:
            raise EngineError(
                ErrorCode.UNIMPLEMENTED,
                "MigrateProcessInstance is not supported by the embedded engine; "
                "cancel the instance and start it on the new version, or run on Camunda 8",
            )

        return await self._call("MigrateProcessInstance", context, work)

    # ---------------------------------------------------------- resources

    async def DeployResource(
        self, request: pb.DeployResourceRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeployResourceResponse:
        async def work() -> pb.DeployResourceResponse:
            if not request.resources:
                raise EngineError(
                    ErrorCode.INVALID_ARGUMENT,
                    "Expected to deploy at least one resource, but none given",
                )
            deployment = await self._engine.deploy(
                [(r.name, r.content) for r in request.resources],
                tenant_id=convert.tenant(request.tenantId, "DeployResource"),
            )
            log.info(
                "gateway.deployed",
                deployment_key=deployment.key,
                resources=[r.name for r in request.resources],
            )
            return convert.deploy_resource_response(deployment)

        return await self._call("DeployResource", context, work)

    async def DeployProcess(
        self, request: pb.DeployProcessRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeployProcessResponse:
        """Deprecated in Zeebe, still used by zbctl's plain ``deploy FILE``."""

        async def work() -> pb.DeployProcessResponse:
            if not request.processes:
                raise EngineError(
                    ErrorCode.INVALID_ARGUMENT,
                    "Expected to deploy at least one process, but none given",
                )
            deployment = await self._engine.deploy(
                [(p.name, p.definition) for p in request.processes]
            )
            return convert.deploy_process_response(deployment)

        return await self._call("DeployProcess", context, work)

    async def DeleteResource(
        self, request: pb.DeleteResourceRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteResourceResponse:
        async def work() -> pb.DeleteResourceResponse:
            await self._engine.delete_resource(request.resourceKey)
            return pb.DeleteResourceResponse()

        return await self._call("DeleteResource", context, work)

    # ------------------------------------------------- messages and signals

    async def PublishMessage(
        self, request: pb.PublishMessageRequest, context: grpc.aio.ServicerContext
    ) -> pb.PublishMessageResponse:
        async def work() -> pb.PublishMessageResponse:
            if not request.name:
                raise EngineError(
                    ErrorCode.INVALID_ARGUMENT,
                    "Expected to publish a message with a name, but the name is empty",
                )
            variables = convert.parse_variables(request.variables, "PublishMessage")
            published = await self._engine.publish_message(
                name=request.name,
                correlation_key=request.correlationKey,
                time_to_live_ms=request.timeToLive,
                message_id=request.messageId,
                variables=variables,
                tenant_id=convert.tenant(request.tenantId, "PublishMessage"),
            )
            return pb.PublishMessageResponse(key=published.key, tenantId=published.tenant_id)

        return await self._call("PublishMessage", context, work)

    async def BroadcastSignal(
        self, request: pb.BroadcastSignalRequest, context: grpc.aio.ServicerContext
    ) -> pb.BroadcastSignalResponse:
        async def work() -> pb.BroadcastSignalResponse:
            tenant_id = convert.tenant(request.tenantId, "BroadcastSignal")
            variables = convert.parse_variables(request.variables, "BroadcastSignal")
            key = await self._engine.broadcast_signal(request.signalName, variables)
            return pb.BroadcastSignalResponse(key=key, tenantId=tenant_id)

        return await self._call("BroadcastSignal", context, work)

    async def ResolveIncident(
        self, request: pb.ResolveIncidentRequest, context: grpc.aio.ServicerContext
    ) -> pb.ResolveIncidentResponse:
        async def work() -> pb.ResolveIncidentResponse:
            await self._engine.resolve_incident(request.incidentKey)
            return pb.ResolveIncidentResponse()

        return await self._call("ResolveIncident", context, work)

    async def EvaluateDecision(
        self, request: pb.EvaluateDecisionRequest, context: grpc.aio.ServicerContext
    ) -> pb.EvaluateDecisionResponse:
        async def work() -> pb.EvaluateDecisionResponse:
            variables = convert.parse_variables(request.variables, "EvaluateDecision")
            result = await self._engine.evaluate_decision(
                decision_id=request.decisionId or None,
                decision_key=request.decisionKey or None,
                variables=variables,
                tenant_id=convert.tenant(request.tenantId, "EvaluateDecision"),
            )
            return convert.evaluate_decision_response(result)

        return await self._call("EvaluateDecision", context, work)

    # ------------------------------------------------------------ cluster

    async def Topology(
        self, request: pb.TopologyRequest, context: grpc.aio.ServicerContext
    ) -> pb.TopologyResponse:
        async def work() -> pb.TopologyResponse:
            return convert.topology_response(self._host, self._port)

        return await self._call("Topology", context, work)

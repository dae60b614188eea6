"""Jobs: creation on activation, activation by workers, time-outs, retries, back-off.

States follow Zeebe's job intents; ``activatable`` is what ActivateJobs looks at. A job whose
retries ran out raises a JOB_NO_RETRIES incident; resolving it makes the job activatable again
if its retries were updated first (otherwise a new incident is raised at once, so the instance
never sits silently stuck).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from engine.api import ActivatedJob, EngineError, ErrorCode
from engine.model.elements import USER_TASK_JOB_TYPE, FlowNode, UserTask
from engine.runtime.entities import ElementInstance, Job
from engine.runtime.expressions import ExpressionFailure
from engine.runtime.state import DUE_JOB_BACKOFF, DUE_JOB_TIMEOUT

if TYPE_CHECKING:
    from engine.runtime.machine import Machine


class JobBehavior:
    def __init__(self, m: Machine) -> None:
        self.m = m
        self.s = m.s

    # ------------------------------------------------------------------ lifecycle

    def create(self, ei: ElementInstance, el: FlowNode) -> Job:
        m = self.m
        job_def = el.job
        assert job_def is not None
        ctx: dict[str, Any] | None = None
        if job_def.type.is_feel or job_def.retries.is_feel:
            ctx = m.context(ei)
        try:
            job_type = m.expr.string(job_def.type, ctx or {})
        except ExpressionFailure as exc:
            raise ExpressionFailure(
                f"Failed to evaluate the job type of element '{el.id}': {exc.message}"
            ) from exc
        try:
            retries = m.expr.integer(job_def.retries, ctx or {})
        except ExpressionFailure as exc:
            raise ExpressionFailure(
                f"Failed to evaluate the job retries of element '{el.id}': {exc.message}"
            ) from exc
        headers = dict(job_def.headers)
        if isinstance(el, UserTask):
            headers.update(self._user_task_headers(ei, el))
            job_type = job_type or USER_TASK_JOB_TYPE
        job = Job(
            self.s.new_key(),
            type=job_type,
            state="CREATED",
            retries=retries,
            pi_key=ei.pi_key,
            ei_key=ei.key,
            element_id=ei.element_id,
            def_key=ei.def_key,
            headers=headers,
            created=m.now,
            tenant=m.tenant_of(ei),
            activatable=True,
        )
        self.s.jobs[job.key] = job
        self.s.touch(job)
        self.s.index_job(job)
        ei.job_key = job.key
        self.s.touch(ei)
        self._record(job, "CREATED")
        m.jobs_available.add(job_type)
        return job

    def _user_task_headers(self, ei: ElementInstance, el: UserTask) -> dict[str, str]:
        m = self.m
        ctx = m.context(ei)
        headers: dict[str, str] = {}

        def text(expr: Any) -> str | None:
            if expr is None:
                return None
            value = m.expr.evaluate(expr, ctx)
            if value is None:
                return None
            if isinstance(value, list):
                import json

                return json.dumps(value)
            if not expr.is_feel and isinstance(value, str) and "," in value:
                import json

                return json.dumps([v.strip() for v in value.split(",") if v.strip()])
            return value if isinstance(value, str) else str(value)

        a = el.assignment
        for name, expr in (
            ("io.camunda.zeebe:assignee", a.assignee),
            ("io.camunda.zeebe:candidateGroups", a.candidate_groups),
            ("io.camunda.zeebe:candidateUsers", a.candidate_users),
            ("io.camunda.zeebe:formKey", el.form.form_key),
            ("io.camunda.zeebe:dueDate", el.schedule.due_date),
            ("io.camunda.zeebe:followUpDate", el.schedule.follow_up_date),
        ):
            value = text(expr)
            if value is not None:
                is_list = name.endswith("candidateGroups") or name.endswith("candidateUsers")
                if is_list and not value.startswith("["):
                    import json

                    value = json.dumps([value])
                headers[name] = value
        if el.form.form_id:
            headers["io.camunda.zeebe:formKey"] = el.form.form_id
        return headers

    def _record(self, job: Job, intent: str, record_type: str = "EVENT") -> None:
        self.s.record(
            job.key,
            record_type,
            "JOB",
            intent,
            self.m.now,
            job.pi_key,
            {
                "type": job.type,
                "worker": job.worker,
                "retries": job.retries,
                "deadline": job.deadline,
                "elementId": job.element_id,
                "elementInstanceKey": job.ei_key,
                "processInstanceKey": job.pi_key,
                "errorMessage": job.error_message,
                "errorCode": job.error_code,
            },
        )

    def _set_activatable(self, job: Job, activatable: bool) -> None:
        job.activatable = activatable
        self.s.index_job(job)
        self.s.touch(job)
        if activatable:
            self.m.jobs_available.add(job.type)

    def cancel_for(self, ei: ElementInstance) -> None:
        if not ei.job_key:
            return
        job = self.s.jobs.get(ei.job_key)
        ei.job_key = 0
        if job is None or not job.alive:
            return
        if job.state == "ERROR_THROWN":  # keep the state the read model shows
            job.end = self.m.now
            self._set_activatable(job, False)
            self.s.jobs.pop(job.key, None)
            return
        job.state = "CANCELED"
        job.end = self.m.now
        self._set_activatable(job, False)
        self._record(job, "CANCELED")
        self.s.jobs.pop(job.key, None)

    # ------------------------------------------------------------------ commands

    def get(self, key: int, action: str) -> Job:
        job = self.s.jobs.get(key)
        if job is None or not job.alive:
            raise EngineError(
                ErrorCode.NOT_FOUND,
                f"Expected to {action} job with key '{key}', but no such job was found",
            )
        return job

    def activate(
        self,
        job_type: str,
        worker: str,
        timeout_ms: int,
        max_jobs: int,
        fetch_variables: Sequence[str],
        tenant_ids: Sequence[str],
    ) -> list[ActivatedJob]:
        m = self.m
        bucket = self.s.activatable.get(job_type)
        if not bucket or max_jobs <= 0:
            return []
        tenants = set(tenant_ids) if tenant_ids else None
        chosen: list[Job] = []
        for key in bucket:
            job = self.s.jobs[key]
            if tenants is not None and job.tenant not in tenants:
                continue
            chosen.append(job)
            if len(chosen) >= max_jobs:
                break
        result: list[ActivatedJob] = []
        deadline = m.now + max(timeout_ms, 0)
        for job in chosen:
            job.state = "ACTIVATED"
            job.worker = worker
            job.deadline = deadline
            self._set_activatable(job, False)
            self.s.push_due(deadline, DUE_JOB_TIMEOUT, job.key)
            if fetch_variables:
                variables = m.vars.visible_names(job.ei_key, fetch_variables)
            else:
                variables = m.vars.visible(job.ei_key)
            d = self.s.definitions.by_key.get(job.def_key)
            result.append(
                ActivatedJob(
                    key=job.key,
                    type=job.type,
                    process_instance_key=job.pi_key,
                    bpmn_process_id=d.bpmn_process_id if d else "",
                    process_definition_version=d.version if d else 0,
                    process_definition_key=job.def_key,
                    element_id=job.element_id,
                    element_instance_key=job.ei_key,
                    custom_headers=dict(job.headers),
                    worker=worker,
                    retries=job.retries,
                    deadline_ms=deadline,
                    variables=variables,
                    tenant_id=job.tenant,
                )
            )
        if result:
            self.s.record(
                self.s.new_key(),
                "EVENT",
                "JOB_BATCH",
                "ACTIVATED",
                m.now,
                None,
                {
                    "type": job_type,
                    "worker": worker,
                    "timeout": timeout_ms,
                    "jobKeys": [j.key for j in result],
                },
            )
        return result

    def complete(self, key: int, variables: Mapping[str, Any] | None) -> None:
        job = self.get(key, "complete")
        if not (job.state == "ACTIVATED" or job.activatable):
            raise EngineError(
                ErrorCode.FAILED_PRECONDITION,
                f"Expected to complete job with key '{key}', but it is in state '{job.state}'",
            )
        m = self.m
        job.state = "COMPLETED"
        job.end = m.now
        self._set_activatable(job, False)
        self._record(job, "COMPLETED")
        self.s.jobs.pop(job.key, None)
        ei = self.s.instances.get(job.ei_key)
        if ei is None:
            return
        ei.job_key = 0
        if variables:
            ei.pending_vars = dict(variables)
        self.s.touch(ei)
        m.complete(ei)

    def fail(
        self,
        key: int,
        retries: int,
        message: str,
        backoff_ms: int,
        variables: Mapping[str, Any] | None,
    ) -> None:
        job = self.get(key, "fail")
        if not (job.state == "ACTIVATED" or job.activatable):  # as Zeebe: activated/activatable
            raise EngineError(
                ErrorCode.FAILED_PRECONDITION,
                f"Expected to fail job with key '{key}', but it is in state '{job.state}' "
                "(failed without retries, or waiting for its retry back-off)",
            )
        m = self.m
        job.state = "FAILED"
        job.retries = retries
        job.error_message = message
        job.deadline = 0
        job.worker = ""
        ei = self.s.instances.get(job.ei_key)
        if variables and ei is not None:
            m.vars.set_locals(ei, variables)
        self._record(job, "FAILED")
        if retries > 0:
            if backoff_ms > 0:
                job.backoff_until = m.now + backoff_ms
                self._set_activatable(job, False)
                self.s.push_due(job.backoff_until, DUE_JOB_BACKOFF, job.key)
            else:
                self._set_activatable(job, True)
        else:
            self._set_activatable(job, False)
            if ei is not None:
                self.m.incidents.create(
                    ei,
                    "JOB_NO_RETRIES",
                    message or "No more retries left.",
                    retry="job",
                    job_key=job.key,
                )

    def throw_error(
        self, key: int, code: str, message: str, variables: Mapping[str, Any] | None
    ) -> None:
        job = self.get(key, "throw an error for")
        if not (job.state == "ACTIVATED" or job.activatable):
            raise EngineError(
                ErrorCode.FAILED_PRECONDITION,
                f"Expected to throw an error for job with key '{key}', but it is in state "
                f"'{job.state}'",
            )
        m = self.m
        job.state = "ERROR_THROWN"
        job.error_code = code
        job.error_message = message
        self._set_activatable(job, False)
        self._record(job, "ERROR_THROWN")
        ei = self.s.instances.get(job.ei_key)
        if ei is None:
            return
        m.errors.throw(ei, code, message, dict(variables or {}), job=job)

    def update_retries(self, key: int, retries: int) -> None:
        job = self.get(key, "update retries of")
        if retries < 1:
            raise EngineError(
                ErrorCode.INVALID_ARGUMENT,
                f"Expected retries to be greater than zero, but was {retries}",
            )
        job.retries = retries
        if job.state == "FAILED":  # the read model shows the update until the job moves on
            job.state = "RETRIES_UPDATED"
        self.s.touch(job)
        self._record(job, "RETRIES_UPDATED")

    def update_timeout(self, key: int, timeout_ms: int) -> None:
        job = self.get(key, "update the deadline of")
        if job.state != "ACTIVATED":
            raise EngineError(
                ErrorCode.FAILED_PRECONDITION,
                f"Expected to update the timeout of job with key '{key}', but it is not active",
            )
        job.deadline = self.m.now + max(timeout_ms, 0)
        self.s.touch(job)
        self.s.push_due(job.deadline, DUE_JOB_TIMEOUT, job.key)
        self._record(job, "TIMEOUT_UPDATED")

    # ------------------------------------------------------------------ due dates

    def time_out(self, key: int) -> None:
        job = self.s.jobs.get(key)
        if job is None or job.state != "ACTIVATED" or job.deadline > self.m.now:
            return
        job.state = "TIMED_OUT"
        job.worker = ""
        job.deadline = 0
        self._record(job, "TIMED_OUT")
        self._set_activatable(job, True)

    def back_off_over(self, key: int) -> None:
        job = self.s.jobs.get(key)
        if (
            job is None
            or job.state not in ("FAILED", "RETRIES_UPDATED")
            or job.activatable
            or job.retries <= 0
            or job.backoff_until > self.m.now
        ):
            return
        job.backoff_until = 0
        self._record(job, "RECURRED_AFTER_BACKOFF")
        self._set_activatable(job, True)

    def make_retryable(self, job: Job) -> bool:
        """After an incident on the job is resolved: activatable again if it has retries."""
        if not job.alive:
            return True
        if job.retries <= 0:
            return False
        self._set_activatable(job, True)
        return True

"""Incidents: created when a step cannot go on; resolving one re-runs that step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.api import EngineError, ErrorCode
from engine.runtime.entities import ACTIVATING, COMPLETING, ElementInstance, Incident

if TYPE_CHECKING:
    from engine.runtime.machine import Machine


class IncidentBehavior:
    def __init__(self, m: Machine) -> None:
        self.m = m
        self.s = m.s

    def create(
        self, ei: ElementInstance, error_type: str, message: str, *, retry: str, job_key: int = 0
    ) -> Incident:
        m = self.m
        incident = Incident(
            self.s.new_key(),
            pi_key=ei.pi_key,
            def_key=ei.def_key,
            element_id=ei.element_id,
            ei_key=ei.key,
            job_key=job_key,
            error_type=error_type,
            message=message,
            state="ACTIVE",
            created=m.now,
            tenant=m.tenant_of(ei),
            retry=retry,
        )
        self.s.incidents[incident.key] = incident
        self.s.touch(incident)
        ei.incident_key = incident.key
        self.s.touch(ei)
        root = self.s.instances.get(ei.pi_key)
        if root is not None:
            root.incidents += 1
            self.s.touch(root)
        if job_key:
            job = self.s.jobs.get(job_key)
            if job is not None:
                job.incident_key = incident.key
                self.s.touch(job)
        self._record(incident, "CREATED")
        return incident

    def _record(self, incident: Incident, intent: str) -> None:
        self.s.record(
            incident.key,
            "EVENT",
            "INCIDENT",
            intent,
            self.m.now,
            incident.pi_key,
            {
                "errorType": incident.error_type,
                "errorMessage": incident.message,
                "elementId": incident.element_id,
                "elementInstanceKey": incident.ei_key,
                "jobKey": incident.job_key,
                "processInstanceKey": incident.pi_key,
            },
        )

    def _close(self, incident: Incident) -> None:
        incident.state = "RESOLVED"
        incident.resolved = self.m.now
        self.s.touch(incident)
        self.s.incidents.pop(incident.key, None)
        ei = self.s.instances.get(incident.ei_key)
        if ei is not None and ei.incident_key == incident.key:
            ei.incident_key = 0
            self.s.touch(ei)
        root = self.s.instances.get(incident.pi_key)
        if root is not None and root.incidents > 0:
            root.incidents -= 1
            self.s.touch(root)
        self._record(incident, "RESOLVED")

    def resolve_for(self, ei: ElementInstance) -> None:
        """Terminating an element resolves its incident (as Zeebe does)."""
        if ei.incident_key:
            incident = self.s.incidents.get(ei.incident_key)
            if incident is not None:
                self._close(incident)

    def resolve(self, key: int) -> None:
        incident = self.s.incidents.get(key)
        if incident is None:
            raise EngineError(
                ErrorCode.NOT_FOUND,
                f"Expected to resolve incident with key '{key}', but no such incident was found",
            )
        m = self.m
        job = self.s.jobs.get(incident.job_key) if incident.job_key else None
        if job is not None and job.alive and job.retries <= 0:
            # as Zeebe: refused, the incident stays; retries must be given first
            raise EngineError(
                ErrorCode.FAILED_PRECONDITION,
                f"Expected to resolve incident with key '{key}', but job with key '{job.key}' "
                "has no retries left. Please update the job retries and retry resolving the "
                "incident",
            )
        self._close(incident)
        ei = self.s.instances.get(incident.ei_key)
        if incident.job_key:
            if job is not None:
                m.jobs.make_retryable(job)
            return
        if ei is None:
            return
        if incident.retry == "activate" and ei.state == ACTIVATING:
            m.run_activation(ei)
        elif incident.retry == "complete" and ei.state == COMPLETING:
            m.run_completion(ei)

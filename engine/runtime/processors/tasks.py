"""Tasks: job-based (service, send, user, business rule / script with a job), script tasks
evaluated by the engine, business rule tasks with a called decision, receive tasks and plain
(manual) tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.model.elements import BindingType
from engine.runtime.expressions import StepFailure, to_json
from engine.runtime.processors.base import ActivityProcessor

if TYPE_CHECKING:
    from engine.runtime.entities import ElementInstance
    from engine.runtime.machine import Machine


class TaskProcessor(ActivityProcessor):
    """Plain and manual tasks: pass through."""


class JobTaskProcessor(ActivityProcessor):
    """Creates a job when activated and completes when the job is completed."""

    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        super().activating(m, ei, el)
        if el.job is not None:
            m.jobs.create(ei, el)

    def activated(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        if el.job is None:
            m.complete(ei)
        else:
            m.events.after_open(ei)


class ScriptTaskProcessor(JobTaskProcessor):
    """``zeebe:script``: evaluate the FEEL expression, complete with ``resultVariable``."""

    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        super().activating(m, ei, el)
        if el.script is not None:
            value = m.expr.evaluate(el.script.expression, m.context(ei))
            ei.pending_vars = {el.script.result_variable: to_json(value)}
            m.s.touch(ei)


class BusinessRuleTaskProcessor(JobTaskProcessor):
    """With a job: like a service task. With ``zeebe:calledDecision``: evaluate the decision
    version its ``bindingType`` names (latest, the one deployed with this process, or the latest
    with a ``versionTag``) with the task's variables and complete with ``resultVariable``.
    No such decision → CALLED_DECISION_ERROR incident; evaluation failure →
    DECISION_EVALUATION_ERROR incident (both retried when resolved)."""

    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        super().activating(m, ei, el)
        called = el.called_decision
        if called is None:
            return
        ctx = m.context(ei)
        decision_id = m.expr.string(called.decision_id, ctx)
        defs = m.s.definitions
        tenant = m.tenant_of(ei)
        if called.binding_type is BindingType.DEPLOYMENT:
            deployment_key = defs.by_key[ei.def_key].deployment_key
            decision = defs.decision_in_deployment(tenant, decision_id, deployment_key)
            missing = (
                f"Expected to evaluate decision with id '{decision_id}' with binding type "
                f"'deployment', but no such decision found in the deployment with key "
                f"{deployment_key} which contained the current process"
            )
        elif called.binding_type is BindingType.VERSION_TAG:
            decision = defs.decision_with_version_tag(tenant, decision_id, called.version_tag or "")
            missing = (
                f"Expected to evaluate decision with id '{decision_id}' and version tag "
                f"'{called.version_tag}', but no such decision found"
            )
        else:
            decision = defs.latest_decision.get((tenant, decision_id))
            missing = (
                f"Expected to evaluate decision '{decision_id}', but no decision found for id "
                f"'{decision_id}'"
            )
        if decision is None:
            raise StepFailure(
                f"{missing} (business rule task '{el.id}')",
                "CALLED_DECISION_ERROR",
            )
        evaluation = m.decisions.evaluate(decision, ctx, ei.pi_key)
        if evaluation.failed_decision_id:
            raise StepFailure(
                f"{evaluation.failure_message} (business rule task '{el.id}')",
                "DECISION_EVALUATION_ERROR",
            )
        ei.pending_vars = {called.result_variable: m.decisions.output_value(evaluation)}
        m.s.touch(ei)


class ReceiveTaskProcessor(ActivityProcessor):
    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        super().activating(m, ei, el)
        if not ei.mi.get("triggered"):
            m.events.open_message(ei, el, el.message, ei, el.id)

    def activated(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        if ei.mi.get("triggered"):
            m.complete(ei)
        else:
            m.events.after_open(ei)

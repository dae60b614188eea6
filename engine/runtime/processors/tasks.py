"""Tasks: job-based (service, send, user, business rule / script with a job), script tasks
evaluated by the engine, business rule tasks with a called decision, receive tasks and plain
(manual) tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    """With a job: like a service task. With ``zeebe:calledDecision``: DMN is not supported
    yet, so the task stops with a DECISION_EVALUATION_ERROR incident (a clean hook: evaluate the
    decision here and complete with ``resultVariable``)."""

    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        super().activating(m, ei, el)
        if el.called_decision is not None:
            raise StepFailure(
                f"Failed to evaluate decision of element '{el.id}': decision evaluation is not "
                "supported yet by the embedded engine",
                "DECISION_EVALUATION_ERROR",
            )


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

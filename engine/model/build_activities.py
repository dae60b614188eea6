"""Builders for activities: tasks of every kind, subprocesses, call activities, and their
multi-instance characteristics."""

from __future__ import annotations

from typing import Any

from engine.model.build_base import BuilderBase, RawNode
from engine.model.elements import (
    USER_TASK_JOB_TYPE,
    BusinessRuleTask,
    CallActivity,
    ElementType,
    EventSubProcess,
    Expression,
    FlowNode,
    JobDefinition,
    MultiInstance,
    ReceiveTask,
    ScriptTask,
    SendTask,
    ServiceTask,
    SubProcess,
    Task,
    UserTask,
)
from engine.model.extensions import parse_bool, user_task_static_headers, zeebe_children
from engine.model.namespaces import is_bpmn


class ActivityBuilders(BuilderBase):
    """``_build_<tag>`` for each activity tag; ``parser._ProcessBuilder`` dispatches by tag."""

    def activity_common(self, raw: RawNode) -> dict[str, Any]:
        values = self.common(raw)
        values["boundary_event_ids"] = tuple(self.boundaries.get(raw.id, ()))
        values["multi_instance"] = self.multi_instance(raw)
        values["default_flow_id"] = raw.el.get("default")
        return values

    def multi_instance(self, raw: RawNode) -> MultiInstance | None:
        standard = [c for c in raw.el if is_bpmn(c, "standardLoopCharacteristics")]
        if standard:
            self.problems.add(
                raw.id, "standard loop characteristics are not supported; use multi-instance"
            )
        found = [c for c in raw.el if is_bpmn(c, "multiInstanceLoopCharacteristics")]
        if not found:
            return None
        mi = found[0]
        if raw.is_event_subprocess:
            self.problems.add(raw.id, "an event subprocess cannot be multi-instance")
            return None
        if any(is_bpmn(c, "loopCardinality") for c in mi):
            self.problems.add(
                raw.id,
                "loopCardinality is not supported; use zeebe:loopCharacteristics inputCollection",
            )
        loops = zeebe_children(mi, "loopCharacteristics")
        if len(loops) != 1:
            self.problems.add(
                raw.id, "must have exactly one 'zeebe:loopCharacteristics' extension element"
            )
            return None
        loop = loops[0]
        input_collection = self.expr.read(
            loop.get("inputCollection"),
            element_id=raw.id,
            what="zeebe:loopCharacteristics inputCollection",
            required=True,
            feel_only=True,
        )
        output_collection = (loop.get("outputCollection") or "").strip() or None
        output_element = self.expr.read(
            loop.get("outputElement"),
            element_id=raw.id,
            what="zeebe:loopCharacteristics outputElement",
            feel_only=True,
        )
        if (output_collection is None) != (output_element is None):
            self.problems.add(
                raw.id,
                "zeebe:loopCharacteristics outputCollection and outputElement must be set together",
            )
        completion: Expression | None = None
        for child in mi:
            if is_bpmn(child, "completionCondition"):
                completion = self.expr.read(
                    child.text or "",
                    element_id=raw.id,
                    what="completionCondition",
                    required=True,
                    feel_only=True,
                )
        if input_collection is None:
            return None
        return MultiInstance(
            sequential=parse_bool(mi.get("isSequential"), False),
            input_collection=input_collection,
            input_element=(loop.get("inputElement") or "").strip() or None,
            output_collection=output_collection,
            output_element=output_element,
            completion_condition=completion,
        )

    def _build_task(self, raw: RawNode) -> FlowNode | None:
        return Task(**self.activity_common(raw), element_type=ElementType.TASK)

    def _build_manualTask(self, raw: RawNode) -> FlowNode | None:
        return Task(**self.activity_common(raw), element_type=ElementType.MANUAL_TASK)

    def _build_serviceTask(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        return ServiceTask(**values, job=self.ext.job_definition(raw.el, raw.id))

    def _build_sendTask(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        return SendTask(**values, job=self.ext.job_definition(raw.el, raw.id))

    def _build_businessRuleTask(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        has_decision = self.ext.has(raw.el, "calledDecision")
        has_job = self.ext.has(raw.el, "taskDefinition")
        if has_decision == has_job:
            self.problems.add(
                raw.id,
                "must have either one 'zeebe:calledDecision' or one 'zeebe:taskDefinition' "
                "extension element",
            )
        decision = self.ext.called_decision(raw.el, raw.id) if has_decision else None
        job = self.ext.job_definition(raw.el, raw.id) if has_job and not has_decision else None
        return BusinessRuleTask(**values, called_decision=decision, job=job)

    def _build_scriptTask(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        has_script = self.ext.has(raw.el, "script")
        has_job = self.ext.has(raw.el, "taskDefinition")
        if has_script == has_job:
            self.problems.add(
                raw.id,
                "must have either one 'zeebe:script' or one 'zeebe:taskDefinition' extension "
                "element",
            )
        script = self.ext.script(raw.el, raw.id) if has_script else None
        job = self.ext.job_definition(raw.el, raw.id) if has_job and not has_script else None
        return ScriptTask(**values, script=script, job=job)

    def _build_userTask(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        assignment = self.ext.assignment(raw.el, raw.id)
        form = self.ext.form(raw.el, raw.id, self.forms)
        schedule = self.ext.schedule(raw.el, raw.id)
        priority = self.ext.priority(raw.el, raw.id)
        if zeebe_children(raw.el, "taskDefinition"):
            self.problems.add(
                raw.id, "a user task must not have a zeebe:taskDefinition (its job type is fixed)"
            )
        headers = self.ext.headers(raw.el, raw.id) + user_task_static_headers(
            assignment, form, schedule
        )
        job = JobDefinition(
            type=Expression.static(USER_TASK_JOB_TYPE),
            retries=Expression.static("1"),
            headers=headers,
        )
        return UserTask(
            **values,
            job=job,
            assignment=assignment,
            form=form,
            schedule=schedule,
            priority=priority,
            zeebe_user_task=self.ext.has(raw.el, "userTask"),
        )

    def _build_receiveTask(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        message = self.events.message(raw.el.get("messageRef"), raw.id)
        if message is None:
            return None
        self.require_correlation_key(raw.id, message)
        return ReceiveTask(**values, message=message)

    def _build_callActivity(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        called = self.ext.called_element(raw.el, raw.id)
        if called is None:
            return None
        return CallActivity(**values, called_element=called)

    def _build_subProcess(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        starts = [i for i in raw.child_ids if self.nodes[i].tag == "startEvent"]
        if len(starts) != 1:
            self.problems.add(raw.id, f"must have exactly one start event, found {len(starts)}")
        start_id = starts[0] if starts else ""
        if raw.is_event_subprocess:
            interrupting = True
            if start_id:
                interrupting = parse_bool(self.nodes[start_id].el.get("isInterrupting"), True)
            if raw.tag == "subProcess" and (self.incoming[raw.id] or self.outgoing[raw.id]):
                self.problems.add(
                    raw.id, "an event subprocess must not have incoming or outgoing sequence flows"
                )
            if values["boundary_event_ids"]:
                self.problems.add(raw.id, "an event subprocess must not have boundary events")
            return EventSubProcess(
                **values,
                start_event_id=start_id,
                interrupting=interrupting,
                child_ids=tuple(raw.child_ids),
                event_subprocess_ids=tuple(raw.event_subprocess_ids),
            )
        return SubProcess(
            **values,
            start_event_id=start_id,
            child_ids=tuple(raw.child_ids),
            event_subprocess_ids=tuple(raw.event_subprocess_ids),
        )

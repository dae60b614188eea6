"""Reading Camunda 8's ``zeebe:*`` extension elements into model values.

Attribute names and defaults follow the zeebe-bpmn-moddle descriptor and Camunda's docs:
``zeebe:taskDefinition type retries(=3)``, ``zeebe:taskHeaders/zeebe:header key value``,
``zeebe:ioMapping/zeebe:input|output source target``, ``zeebe:properties/zeebe:property name
value``, ``zeebe:loopCharacteristics inputCollection inputElement outputCollection
outputElement``, ``zeebe:calledElement processId propagateAllChildVariables(=true)
propagateAllParentVariables(=true)``, ``zeebe:calledDecision decisionId resultVariable``,
``zeebe:script expression resultVariable``, ``zeebe:assignmentDefinition assignee
candidateGroups candidateUsers``, ``zeebe:formDefinition formKey formId externalReference``,
``zeebe:taskSchedule dueDate followUpDate``, ``zeebe:priorityDefinition priority``,
``zeebe:subscription correlationKey`` (on ``bpmn:message``).
"""

from __future__ import annotations

import json

from lxml import etree

from engine.model.elements import (
    BindingType,
    CalledDecision,
    CalledElement,
    Expression,
    JobDefinition,
    Script,
    UserTaskAssignment,
    UserTaskForm,
    UserTaskSchedule,
    VariableMapping,
)
from engine.model.expressions import ExpressionReader, is_variable_path
from engine.model.namespaces import is_bpmn, is_zeebe, local_name
from engine.model.problems import Problems

# Extension elements whose behaviour we do not implement: refusing beats silently ignoring them.
REFUSED_EXTENSIONS = {
    "executionListeners": "execution listeners are not supported",
    "taskListeners": "task listeners are not supported",
    "publishMessage": "zeebe:publishMessage is not supported; use a zeebe:taskDefinition",
    "adHoc": "ad-hoc subprocesses are not supported",
    "linkedResources": "linked resources are not supported",
}

USER_TASK_HEADER_PREFIX = "io.camunda.zeebe:"
EMBEDDED_FORM_PREFIX = "camunda-forms:bpmn:"


def extension_elements(node: etree._Element) -> list[etree._Element]:
    """The children of ``node``'s ``bpmn:extensionElements`` (all of them, any namespace)."""
    result: list[etree._Element] = []
    for child in node:
        if is_bpmn(child, "extensionElements"):
            result.extend(c for c in child if isinstance(c.tag, str))
    return result


def zeebe_children(node: etree._Element, name: str) -> list[etree._Element]:
    return [e for e in extension_elements(node) if is_zeebe(e, name)]


def parse_bool(raw: str | None, default: bool) -> bool:
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() == "true"


class ExtensionReader:
    """Reads the zeebe extensions of one element, reporting problems against its id."""

    def __init__(self, problems: Problems, expressions: ExpressionReader) -> None:
        self.problems = problems
        self.expr = expressions

    # -- helpers

    def single(self, node: etree._Element, element_id: str, name: str) -> etree._Element | None:
        found = zeebe_children(node, name)
        if len(found) > 1:
            self.problems.add(element_id, f"must not have more than one 'zeebe:{name}' element")
        return found[0] if found else None

    def check_refused(self, node: etree._Element, element_id: str) -> None:
        for ext in extension_elements(node):
            if is_zeebe(ext) and local_name(ext) in REFUSED_EXTENSIONS:
                self.problems.add(element_id, REFUSED_EXTENSIONS[local_name(ext)])

    def binding(self, ext: etree._Element, element_id: str) -> tuple[BindingType, str | None]:
        """``bindingType`` (default ``latest``) and ``versionTag`` of a called element, decision
        or form; ``versionTag`` is required by, and only allowed with, binding ``versionTag``."""
        raw = (ext.get("bindingType") or "").strip() or BindingType.LATEST.value
        version_tag = (ext.get("versionTag") or "").strip() or None
        try:
            binding = BindingType(raw)
        except ValueError:
            allowed = ", ".join(f"'{b.value}'" for b in BindingType)
            self.problems.add(
                element_id,
                f"bindingType '{raw}' of zeebe:{local_name(ext)} must be one of {allowed}",
            )
            return BindingType.LATEST, None
        if binding is BindingType.VERSION_TAG and version_tag is None:
            self.problems.add(
                element_id,
                f"zeebe:{local_name(ext)} with bindingType 'versionTag' needs a versionTag",
            )
        if binding is not BindingType.VERSION_TAG and version_tag is not None:
            self.problems.add(
                element_id,
                f"zeebe:{local_name(ext)} versionTag is only allowed with bindingType 'versionTag'",
            )
        return binding, version_tag

    # -- readers

    def job_definition(
        self, node: etree._Element, element_id: str, *, required: bool = True
    ) -> JobDefinition | None:
        task_def = self.single(node, element_id, "taskDefinition")
        if task_def is None:
            if required:
                self.problems.add(
                    element_id, "must have exactly one 'zeebe:taskDefinition' extension element"
                )
            return None
        job_type = self.expr.read(
            task_def.get("type"),
            element_id=element_id,
            what="zeebe:taskDefinition type",
            required=True,
        )
        retries_raw = task_def.get("retries")
        retries = self.expr.read(
            "3" if retries_raw is None else retries_raw,
            element_id=element_id,
            what="zeebe:taskDefinition retries",
            required=True,
        )
        if retries is not None and not retries.is_feel and not _is_non_negative_int(retries.source):
            self.problems.add(
                element_id,
                f"zeebe:taskDefinition retries must be a non-negative integer, got "
                f"'{retries.source}'",
            )
        return JobDefinition(
            type=job_type or Expression.static(""),
            retries=retries or Expression.static("3"),
            headers=self.headers(node, element_id),
        )

    def headers(self, node: etree._Element, element_id: str) -> tuple[tuple[str, str], ...]:
        """``zeebe:taskHeaders`` in document order (a later duplicate key wins in a dict)."""
        result: list[tuple[str, str]] = []
        for container in zeebe_children(node, "taskHeaders"):
            for header in container:
                if not is_zeebe(header, "header"):
                    continue
                key, value = header.get("key"), header.get("value")
                if not key or not value:
                    continue  # Zeebe ignores headers without key or value; so do we
                result.append((key, value))
        return tuple(result)

    def properties(self, node: etree._Element) -> tuple[tuple[str, str], ...]:
        result: list[tuple[str, str]] = []
        for container in zeebe_children(node, "properties"):
            for prop in container:
                if is_zeebe(prop, "property") and prop.get("name"):
                    result.append((prop.get("name") or "", prop.get("value") or ""))
        return tuple(result)

    def io_mappings(
        self, node: etree._Element, element_id: str
    ) -> tuple[tuple[VariableMapping, ...], tuple[VariableMapping, ...]]:
        inputs: list[VariableMapping] = []
        outputs: list[VariableMapping] = []
        mapping = self.single(node, element_id, "ioMapping")
        if mapping is None:
            return (), ()
        for entry in mapping:
            if not is_zeebe(entry, "input", "output"):
                continue
            kind = local_name(entry)
            target = (entry.get("target") or "").strip()
            if not target:
                self.problems.add(element_id, f"zeebe:{kind} target must be present and not empty")
                continue
            if not is_variable_path(target):
                self.problems.add(
                    element_id,
                    f"zeebe:{kind} target '{target}' is not a variable name or dotted path",
                )
            source_raw = entry.get("source")
            if kind == "input":
                source = self.expr.read(
                    source_raw, element_id=element_id, what=f"zeebe:input source for '{target}'"
                )
                inputs.append(VariableMapping(target=target, source=source))
            else:
                source = self.expr.read(
                    source_raw,
                    element_id=element_id,
                    what=f"zeebe:output source for '{target}'",
                    feel_only=True,
                )
                outputs.append(VariableMapping(target=target, source=source))
        return tuple(inputs), tuple(outputs)

    def called_element(self, node: etree._Element, element_id: str) -> CalledElement | None:
        called = self.single(node, element_id, "calledElement")
        if called is None:
            self.problems.add(
                element_id, "must have exactly one 'zeebe:calledElement' extension element"
            )
            return None
        process_id = self.expr.read(
            called.get("processId"),
            element_id=element_id,
            what="zeebe:calledElement processId",
            required=True,
        )
        if process_id is None:
            return None
        binding, version_tag = self.binding(called, element_id)
        return CalledElement(
            binding_type=binding,
            version_tag=version_tag,
            process_id=process_id,
            propagate_all_child_variables=parse_bool(
                called.get("propagateAllChildVariables"), True
            ),
            propagate_all_parent_variables=parse_bool(
                called.get("propagateAllParentVariables"), True
            ),
        )

    def called_decision(self, node: etree._Element, element_id: str) -> CalledDecision | None:
        called = self.single(node, element_id, "calledDecision")
        if called is None:
            return None
        decision_id = self.expr.read(
            called.get("decisionId"),
            element_id=element_id,
            what="zeebe:calledDecision decisionId",
            required=True,
        )
        result_variable = (called.get("resultVariable") or "").strip()
        if not result_variable:
            self.problems.add(
                element_id, "zeebe:calledDecision resultVariable must be present and not empty"
            )
        if decision_id is None or not result_variable:
            return None
        binding, version_tag = self.binding(called, element_id)
        return CalledDecision(
            decision_id=decision_id,
            result_variable=result_variable,
            binding_type=binding,
            version_tag=version_tag,
        )

    def script(self, node: etree._Element, element_id: str) -> Script | None:
        script = self.single(node, element_id, "script")
        if script is None:
            return None
        expression = self.expr.read(
            script.get("expression"),
            element_id=element_id,
            what="zeebe:script expression",
            required=True,
            feel_only=True,
        )
        result_variable = (script.get("resultVariable") or "").strip()
        if not result_variable:
            self.problems.add(
                element_id, "zeebe:script resultVariable must be present and not empty"
            )
        if expression is None or not result_variable:
            return None
        return Script(expression=expression, result_variable=result_variable)

    def has(self, node: etree._Element, name: str) -> bool:
        return bool(zeebe_children(node, name))

    # -- user tasks

    def assignment(self, node: etree._Element, element_id: str) -> UserTaskAssignment:
        assignment = self.single(node, element_id, "assignmentDefinition")
        if assignment is None:
            return UserTaskAssignment()
        return UserTaskAssignment(
            assignee=self.expr.read(
                assignment.get("assignee"), element_id=element_id, what="assignee"
            ),
            candidate_groups=self._csv(
                assignment.get("candidateGroups"), element_id, "candidateGroups"
            ),
            candidate_users=self._csv(
                assignment.get("candidateUsers"), element_id, "candidateUsers"
            ),
        )

    def _csv(self, raw: str | None, element_id: str, what: str) -> Expression | None:
        value = self.expr.read(raw, element_id=element_id, what=what)
        if value is not None and not value.is_feel:
            items = [item.strip() for item in value.source.split(",")]
            if any(not item for item in items):
                self.problems.add(
                    element_id, f"{what} must be a list of comma-separated values, e.g. 'a,b,c'"
                )
        return value

    def form(
        self, node: etree._Element, element_id: str, embedded_forms: dict[str, str]
    ) -> UserTaskForm:
        form = self.single(node, element_id, "formDefinition")
        if form is None:
            return UserTaskForm()
        form_key = self.expr.read(form.get("formKey"), element_id=element_id, what="formKey")
        form_id = (form.get("formId") or "").strip() or None
        external = self.expr.read(
            form.get("externalReference"), element_id=element_id, what="externalReference"
        )
        given = [x for x in (form_key, form_id, external) if x is not None]
        if len(given) > 1:
            self.problems.add(
                element_id,
                "zeebe:formDefinition must have exactly one of formKey, formId or "
                "externalReference",
            )
        embedded: str | None = None
        if form_key is not None and not form_key.is_feel:
            key = form_key.source
            if key.startswith(EMBEDDED_FORM_PREFIX):
                form_ref = key[len(EMBEDDED_FORM_PREFIX) :]
                embedded = embedded_forms.get(form_ref)
                if embedded is None:
                    self.problems.add(
                        element_id,
                        f"formKey '{key}' refers to an embedded form '{form_ref}' that the "
                        "process does not define (zeebe:userTaskForm)",
                    )
        binding, version_tag = self.binding(form, element_id)
        return UserTaskForm(
            form_key=form_key,
            form_id=form_id,
            external_reference=external,
            embedded_form=embedded,
            binding_type=binding,
            version_tag=version_tag,
        )

    def schedule(self, node: etree._Element, element_id: str) -> UserTaskSchedule:
        from engine.model.timers import TimerFormatError, parse_datetime

        schedule = self.single(node, element_id, "taskSchedule")
        if schedule is None:
            return UserTaskSchedule()
        values: dict[str, Expression | None] = {}
        for attr in ("dueDate", "followUpDate"):
            value = self.expr.read(schedule.get(attr), element_id=element_id, what=attr)
            if value is not None and not value.is_feel:
                try:
                    parse_datetime(value.source)
                except TimerFormatError:
                    self.problems.add(
                        element_id,
                        f"{attr} '{value.source}' must be a valid date-time, e.g. "
                        "'2023-03-02T15:35+02:00'",
                    )
            values[attr] = value
        return UserTaskSchedule(due_date=values["dueDate"], follow_up_date=values["followUpDate"])

    def priority(self, node: etree._Element, element_id: str) -> Expression | None:
        definition = self.single(node, element_id, "priorityDefinition")
        if definition is None:
            return None
        priority = self.expr.read(
            definition.get("priority"), element_id=element_id, what="priority", required=True
        )
        if priority is not None and not priority.is_feel:
            ok = _is_non_negative_int(priority.source) and int(priority.source) <= 100
            if not ok:
                self.problems.add(
                    element_id, f"priority must be a number between 0 and 100, got '{priority}'"
                )
        return priority


def user_task_static_headers(
    assignment: UserTaskAssignment, form: UserTaskForm, schedule: UserTaskSchedule
) -> tuple[tuple[str, str], ...]:
    """The ``io.camunda.zeebe:*`` headers a job-based user task gets from static values.

    Zeebe puts candidate lists in headers as JSON arrays. FEEL values are not here: the runtime
    evaluates them when it creates the job and adds the header then.
    """
    headers: list[tuple[str, str]] = []

    def static(value: Expression | None) -> str | None:
        return value.source if value is not None and not value.is_feel else None

    if (assignee := static(assignment.assignee)) is not None:
        headers.append((USER_TASK_HEADER_PREFIX + "assignee", assignee))
    if (groups := static(assignment.candidate_groups)) is not None:
        headers.append((USER_TASK_HEADER_PREFIX + "candidateGroups", _csv_json(groups)))
    if (users := static(assignment.candidate_users)) is not None:
        headers.append((USER_TASK_HEADER_PREFIX + "candidateUsers", _csv_json(users)))
    if (form_key := static(form.form_key)) is not None:
        headers.append((USER_TASK_HEADER_PREFIX + "formKey", form_key))
    if (due := static(schedule.due_date)) is not None:
        headers.append((USER_TASK_HEADER_PREFIX + "dueDate", due))
    if (follow := static(schedule.follow_up_date)) is not None:
        headers.append((USER_TASK_HEADER_PREFIX + "followUpDate", follow))
    return tuple(headers)


def _csv_json(text: str) -> str:
    return json.dumps([item.strip() for item in text.split(",") if item.strip()])


def _is_non_negative_int(text: str) -> bool:
    return text.strip().isdigit()

"""One processor per BPMN element kind (Zeebe's ``BpmnElementProcessor``s)."""

from __future__ import annotations

from typing import Any

from engine.model.elements import ElementType
from engine.runtime.entities import ElementInstance
from engine.runtime.processors.base import ElementProcessor
from engine.runtime.processors.call_activity import CallActivityProcessor
from engine.runtime.processors.containers import EventSubProcessProcessor, SubProcessProcessor
from engine.runtime.processors.events import (
    BoundaryEventProcessor,
    EndEventProcessor,
    IntermediateCatchEventProcessor,
    IntermediateThrowEventProcessor,
    StartEventProcessor,
)
from engine.runtime.processors.gateways import (
    EventBasedGatewayProcessor,
    ExclusiveGatewayProcessor,
    InclusiveGatewayProcessor,
    ParallelGatewayProcessor,
)
from engine.runtime.processors.multi_instance import MultiInstanceBodyProcessor
from engine.runtime.processors.process import ProcessProcessor
from engine.runtime.processors.tasks import (
    BusinessRuleTaskProcessor,
    JobTaskProcessor,
    ReceiveTaskProcessor,
    ScriptTaskProcessor,
    TaskProcessor,
)

_PROCESSORS: dict[str, ElementProcessor] = {
    ElementType.PROCESS: ProcessProcessor(),
    ElementType.START_EVENT: StartEventProcessor(),
    ElementType.END_EVENT: EndEventProcessor(),
    ElementType.INTERMEDIATE_CATCH_EVENT: IntermediateCatchEventProcessor(),
    ElementType.INTERMEDIATE_THROW_EVENT: IntermediateThrowEventProcessor(),
    ElementType.BOUNDARY_EVENT: BoundaryEventProcessor(),
    ElementType.SERVICE_TASK: JobTaskProcessor(),
    ElementType.SEND_TASK: JobTaskProcessor(),
    ElementType.USER_TASK: JobTaskProcessor(),
    ElementType.SCRIPT_TASK: ScriptTaskProcessor(),
    ElementType.BUSINESS_RULE_TASK: BusinessRuleTaskProcessor(),
    ElementType.RECEIVE_TASK: ReceiveTaskProcessor(),
    ElementType.TASK: TaskProcessor(),
    ElementType.MANUAL_TASK: TaskProcessor(),
    ElementType.EXCLUSIVE_GATEWAY: ExclusiveGatewayProcessor(),
    ElementType.PARALLEL_GATEWAY: ParallelGatewayProcessor(),
    ElementType.INCLUSIVE_GATEWAY: InclusiveGatewayProcessor(),
    ElementType.EVENT_BASED_GATEWAY: EventBasedGatewayProcessor(),
    ElementType.SUB_PROCESS: SubProcessProcessor(),
    ElementType.EVENT_SUB_PROCESS: EventSubProcessProcessor(),
    ElementType.CALL_ACTIVITY: CallActivityProcessor(),
    ElementType.MULTI_INSTANCE_BODY: MultiInstanceBodyProcessor(),
}


def processor_for(ei: ElementInstance, element: Any) -> ElementProcessor:
    return _PROCESSORS[ei.element_type]

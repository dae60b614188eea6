"""Tiny helpers to write test diagrams inline: namespaces, flows and common elements."""

from __future__ import annotations

import itertools

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
    'xmlns:modeler="http://camunda.org/schema/modeler/1.0" '
    'id="Defs" targetNamespace="http://bpmn.io/schema/bpmn" '
    'modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">\n'
)


def definitions(*processes: str, extra: str = "") -> bytes:
    return (_HEAD + extra + "".join(processes) + "</bpmn:definitions>\n").encode()


def process(process_id: str, *body: str) -> str:
    return (
        f'<bpmn:process id="{process_id}" isExecutable="true">\n'
        + "\n".join(body)
        + "\n</bpmn:process>\n"
    )


def bpmn(process_id: str, *body: str, extra: str = "") -> bytes:
    return definitions(process(process_id, *body), extra=extra)


def flow(source: str, target: str, condition: str | None = None, flow_id: str | None = None) -> str:
    fid = flow_id or f"f_{source}_{target}"
    if condition is None:
        return f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}" />'
    return (
        f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}">'
        f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>"
        "</bpmn:sequenceFlow>"
    )


def chain(*ids: str) -> str:
    return "\n".join(flow(a, b) for a, b in itertools.pairwise(ids))


def start(element_id: str = "start", inner: str = "") -> str:
    return f'<bpmn:startEvent id="{element_id}">{inner}</bpmn:startEvent>'


def end(element_id: str = "end", inner: str = "") -> str:
    return f'<bpmn:endEvent id="{element_id}">{inner}</bpmn:endEvent>'


def io(inputs: dict[str, str] | None = None, outputs: dict[str, str] | None = None) -> str:
    parts = [f'<zeebe:input source="{s}" target="{t}" />' for t, s in (inputs or {}).items()]
    parts += [f'<zeebe:output source="{s}" target="{t}" />' for t, s in (outputs or {}).items()]
    return "<zeebe:ioMapping>" + "".join(parts) + "</zeebe:ioMapping>" if parts else ""


def service(
    element_id: str,
    job_type: str,
    *,
    retries: str | None = None,
    ext: str = "",
    inner: str = "",
    headers: dict[str, str] | None = None,
) -> str:
    r = f' retries="{retries}"' if retries is not None else ""
    h = ""
    if headers:
        h = (
            "<zeebe:taskHeaders>"
            + "".join(f'<zeebe:header key="{k}" value="{v}" />' for k, v in headers.items())
            + "</zeebe:taskHeaders>"
        )
    return (
        f'<bpmn:serviceTask id="{element_id}"><bpmn:extensionElements>'
        f'<zeebe:taskDefinition type="{job_type}"{r} />{h}{ext}</bpmn:extensionElements>'
        f"{inner}</bpmn:serviceTask>"
    )


def message(message_id: str, name: str, correlation_key: str | None = None) -> str:
    if correlation_key is None:
        return f'<bpmn:message id="{message_id}" name="{name}" />'
    return (
        f'<bpmn:message id="{message_id}" name="{name}"><bpmn:extensionElements>'
        f'<zeebe:subscription correlationKey="{correlation_key}" />'
        "</bpmn:extensionElements></bpmn:message>"
    )


def timer(kind: str, value: str) -> str:
    return (
        f"<bpmn:timerEventDefinition><bpmn:{kind}>{value}</bpmn:{kind}></bpmn:timerEventDefinition>"
    )

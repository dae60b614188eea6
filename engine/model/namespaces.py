"""XML namespaces of BPMN 2.0 and Camunda 8's Zeebe extensions, and tag helpers."""

from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
MODELER = "http://camunda.org/schema/modeler/1.0"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def bpmn(local: str) -> str:
    """Clark-notation tag of a BPMN element: ``bpmn("task")`` → ``{...MODEL}task``."""
    return f"{{{BPMN}}}{local}"


def zeebe(local: str) -> str:
    return f"{{{ZEEBE}}}{local}"


def local_name(node: etree._Element) -> str:
    return etree.QName(node).localname


def namespace(node: etree._Element) -> str | None:
    return etree.QName(node).namespace


def is_bpmn(node: etree._Element, *locals_: str) -> bool:
    if not isinstance(node.tag, str):
        return False
    q = etree.QName(node)
    return q.namespace == BPMN and (not locals_ or q.localname in locals_)


def is_zeebe(node: etree._Element, *locals_: str) -> bool:
    if not isinstance(node.tag, str):
        return False
    q = etree.QName(node)
    return q.namespace == ZEEBE and (not locals_ or q.localname in locals_)

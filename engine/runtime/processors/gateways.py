"""Exclusive, parallel, inclusive and event-based gateways.

Joins are handled when a token arrives (:meth:`Machine.take_flow` / :meth:`Machine.try_join`):
a parallel join waits for a token on every incoming flow; an inclusive join waits until no
token that is still in its flow scope can reach one of its incoming flows without a token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.model.elements import BoundaryEvent, Gateway, Process
from engine.runtime.expressions import ExpressionFailure, StepFailure
from engine.runtime.processors.base import ElementProcessor

if TYPE_CHECKING:
    from engine.runtime.entities import ElementInstance
    from engine.runtime.machine import Machine


def _no_flow(el: Gateway) -> StepFailure:
    return StepFailure(
        f"Expected at least one condition to evaluate to true, or to have a default flow, "
        f"but no outgoing flow of gateway '{el.id}' can be taken",
        "CONDITION_ERROR",
    )


def _condition(m: Machine, flow: Any, ctx: dict[str, Any], el: Gateway) -> bool:
    try:
        return m.expr.boolean(flow.condition, ctx)
    except ExpressionFailure as exc:
        raise ExpressionFailure(
            f"Failed to evaluate the condition of sequence flow '{flow.id}' "
            f"(gateway '{el.id}'): {exc.message}"
        ) from exc


class ExclusiveGatewayProcessor(ElementProcessor):
    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        process = m.process(ei)
        outgoing = [process.flows[f] for f in el.outgoing]
        chosen: str | None = None
        if len(outgoing) == 1 and outgoing[0].condition is None:
            chosen = outgoing[0].id
        elif outgoing:
            ctx = m.context(ei)
            for flow in outgoing:
                if flow.id == el.default_flow_id:
                    continue
                if flow.condition is None or _condition(m, flow, ctx, el):
                    chosen = flow.id
                    break
            if chosen is None:
                if el.default_flow_id is None:
                    raise _no_flow(el)
                chosen = el.default_flow_id
        ei.mi = {"take": [chosen] if chosen else []}
        m.s.touch(ei)

    def completed(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        m.leave(ei, ei.mi.get("take", []))


class ParallelGatewayProcessor(ElementProcessor):
    pass


class InclusiveGatewayProcessor(ElementProcessor):
    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        process = m.process(ei)
        outgoing = [process.flows[f] for f in el.outgoing]
        take: list[str] = []
        if len(outgoing) == 1 and outgoing[0].condition is None:
            take = [outgoing[0].id]
        elif outgoing:
            ctx = m.context(ei)
            for flow in outgoing:
                if flow.id == el.default_flow_id:
                    continue
                if flow.condition is None or _condition(m, flow, ctx, el):
                    take.append(flow.id)
            if not take:
                if el.default_flow_id is None:
                    raise _no_flow(el)
                take = [el.default_flow_id]
        ei.mi = {"take": take}
        m.s.touch(ei)

    def completed(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        m.leave(ei, ei.mi.get("take", []))


def _reaching(process: Process, gateway_id: str, flow_id: str) -> frozenset[str]:
    """Ids of the elements (same flow scope) from which ``flow_id`` can be reached without
    passing ``gateway_id``."""
    seen: set[str] = set()
    stack = [process.flows[flow_id].source_id]
    while stack:
        node_id = stack.pop()
        if node_id in seen or node_id == gateway_id:
            continue
        seen.add(node_id)
        node = process.elements[node_id]
        for incoming in node.incoming:
            stack.append(process.flows[incoming].source_id)
        if isinstance(node, BoundaryEvent):
            stack.append(node.attached_to_id)
    return frozenset(seen)


def inclusive_join_ready(
    m: Machine, scope: ElementInstance, gateway: Gateway, arrived: dict[str, int]
) -> bool:
    waiting_elsewhere = sum(n for gid, flows in scope.joins.items() for n in flows.values())
    if scope.active_flows > waiting_elsewhere:
        return False  # a token is in flight; decide when it has landed
    definition = m.definition(scope)
    cache = definition.reach_cache.setdefault(gateway.id, {})
    positions = {m.s.instances[k].element_id for k in scope.children if k in m.s.instances}
    positions.update(gid for gid, flows in scope.joins.items() if gid != gateway.id and flows)
    for flow_id in gateway.incoming:
        if arrived.get(flow_id, 0) > 0:
            continue
        reach = cache.get(flow_id)
        if reach is None:
            reach = _reaching(definition.process, gateway.id, flow_id)
            cache[flow_id] = reach
        if positions & reach:
            return False
    return True


class EventBasedGatewayProcessor(ElementProcessor):
    """Opens the subscriptions of all its targets; the first trigger completes the gateway and
    activates that target as already triggered."""

    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        process = m.process(ei)
        for flow_id in el.outgoing:
            target = process.elements[process.flows[flow_id].target_id]
            m.events.open_for_element(ei, target, ei)

    def activated(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        m.events.after_open(ei)

    def completing(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        return None

    def completed(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        trigger = ei.mi.get("trigger") or {}
        target_id = trigger.get("target")
        process = m.process(ei)
        scope = m.scope_of(ei)
        if scope is None:
            return
        flow_id = next((f for f in el.outgoing if process.flows[f].target_id == target_id), None)
        if flow_id is None:
            m.child_ended(scope, ei)
            return
        m.take_flow(
            scope, flow_id, pending_vars=trigger.get("vars") or None, mi={"triggered": True}
        )
        m.detach(scope, ei)

"""Variable scopes, propagation and input/output mappings (Zeebe semantics).

* Scopes are element instances; the process instance is the root scope. A FEEL expression of an
  element sees every variable from its own scope up to the root, inner names shadowing outer.
* **Propagation** (job completion, message variables, SetVariables without ``local``): each
  variable is set on the nearest scope, starting at the given one, that already has a variable of
  that name, else on the root scope of the process instance.
* **Input mappings** create local variables of the element instance; **output mappings** are
  evaluated in the element instance's scope and their results are propagated from the flow scope.
  When an element has output mappings, the variables it completes with (job variables, message
  variables) become local variables of the element instead of being propagated, so only what
  the output mappings pick leaves the element — as in Zeebe.
* A mapping target may be a dotted path (``a.b.c``): the value is merged into the context
  variable ``a`` (created when missing).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from engine.model.elements import VariableMapping
from engine.runtime.entities import ElementInstance, Variable
from engine.runtime.expressions import ExpressionFailure, StepFailure, to_json

if TYPE_CHECKING:
    from engine.runtime.machine import Machine


class Variables:
    def __init__(self, m: Machine) -> None:
        self.m = m
        self.s = m.s

    # ------------------------------------------------------------------ reading

    def visible(self, scope_key: int) -> dict[str, Any]:
        """All variables visible from ``scope_key`` (inner shadows outer)."""
        chain: list[dict[str, Variable]] = []
        instances = self.s.instances
        variables = self.s.variables
        key = scope_key
        while key != -1:
            scope_vars = variables.get(key)
            if scope_vars:
                chain.append(scope_vars)
            ei = instances.get(key)
            if ei is None:
                break
            key = ei.flow_scope_key
        result: dict[str, Any] = {}
        for scope_vars in reversed(chain):
            for name, var in scope_vars.items():
                result[name] = var.value
        return result

    def visible_names(self, scope_key: int, names: Sequence[str]) -> dict[str, Any]:
        """Only ``names``, each from the nearest scope that has it (for fetchVariables)."""
        result: dict[str, Any] = {}
        wanted = set(names)
        key = scope_key
        while key != -1 and wanted:
            scope_vars = self.s.variables.get(key)
            if scope_vars:
                for name in list(wanted):
                    var = scope_vars.get(name)
                    if var is not None:
                        result[name] = var.value
                        wanted.discard(name)
            ei = self.s.instances.get(key)
            if ei is None:
                break
            key = ei.flow_scope_key
        return result

    def local(self, scope_key: int) -> dict[str, Any]:
        return {n: v.value for n, v in self.s.variables.get(scope_key, {}).items()}

    # ------------------------------------------------------------------ writing

    def set_local(self, scope: ElementInstance, name: str, value: Any) -> None:
        scope_vars = self.s.variables.get(scope.key)
        existing = scope_vars.get(name) if scope_vars else None
        m = self.m
        if existing is not None:
            if existing.value == value and type(existing.value) is type(value):
                return
            existing.value = value
            self.s.touch_var(existing)
            intent = "UPDATED"
            var = existing
        else:
            var = Variable(
                self.s.new_key(), name, value, scope.key, scope.pi_key, m.tenant_of(scope)
            )
            self.s.set_variable(var)
            intent = "CREATED"
        self.s.record(
            var.key,
            "EVENT",
            "VARIABLE",
            intent,
            m.now,
            scope.pi_key,
            {
                "name": name,
                "value": value,  # as Zeebe's VARIABLE record: the history shows what changed
                "scopeKey": scope.key,
                "processInstanceKey": scope.pi_key,
            },
        )

    def set_locals(self, scope: ElementInstance, variables: Mapping[str, Any]) -> None:
        for name, value in variables.items():
            self.set_local(scope, name, value)

    def propagate(self, start: ElementInstance, variables: Mapping[str, Any]) -> None:
        """Set each variable on the nearest scope from ``start`` up that has it, else the root."""
        instances = self.s.instances
        for name, value in variables.items():
            target: ElementInstance | None = None
            ei: ElementInstance | None = start
            root = start
            while ei is not None:
                scope_vars = self.s.variables.get(ei.key)
                if scope_vars and name in scope_vars:
                    target = ei
                    break
                root = ei
                ei = instances.get(ei.flow_scope_key) if ei.flow_scope_key != -1 else None
            self.set_local(target or root, name, value)

    def drop_scope(self, scope_key: int) -> None:
        """Forget a finished scope's variables in memory (the read model keeps them)."""
        self.s.variables.pop(scope_key, None)

    # ------------------------------------------------------------------ mappings

    def evaluate_mappings(
        self,
        mappings: Sequence[VariableMapping],
        context: Mapping[str, Any],
        element_id: str,
        kind: str,
    ) -> dict[str, Any]:
        """Evaluate mappings into a document {target root name: value} (dotted targets merged).

        Each mapping sees the results of the ones before it, as in Zeebe.
        """
        result: dict[str, Any] = {}
        ctx = dict(context)
        for mapping in mappings:
            if mapping.source is None:
                value: Any = None
            else:
                try:
                    value = to_json(self.m.expr.evaluate(mapping.source, ctx))
                except ExpressionFailure as exc:
                    raise StepFailure(
                        f"Failed to evaluate {kind} mapping '{mapping.target}' of element "
                        f"'{element_id}': {exc.message}",
                        "IO_MAPPING_ERROR",
                    ) from exc
            _assign(result, mapping.target, value, ctx)
            ctx[mapping.target.split(".", 1)[0]] = result[mapping.target.split(".", 1)[0]]
        return result


def _assign(doc: dict[str, Any], target: str, value: Any, context: Mapping[str, Any]) -> None:
    parts = target.split(".")
    if len(parts) == 1:
        doc[target] = value
        return
    head = parts[0]
    base = doc.get(head, context.get(head))
    base = copy.deepcopy(base) if isinstance(base, dict) else {}
    node = base
    for part in parts[1:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            node[part] = nxt
        node = nxt
    node[parts[-1]] = value
    doc[head] = base

"""DMN XML → :class:`~engine.dmn.model.DecisionRequirementsGraph`.

What is accepted is what Zeebe (dmn-scala) deploys and evaluates, restricted to the two kinds of
decision logic Camunda Modeler's Camunda 8 mode lets a designer build: decision tables and
literal expressions. Anything else is refused with a message naming the decision, never
silently skipped: a decision that deploys but cannot be evaluated is worse than a rejection.

Every problem in a resource is collected before raising, so one deployment attempt shows the
modeller all of them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from lxml import etree

from engine.dmn.errors import DmnParseError
from engine.dmn.expressions import (
    FeelExpression,
    FeelSyntaxError,
    UnaryTests,
    compile_expression,
    compile_unary_tests,
)
from engine.dmn.model import (
    Aggregation,
    Decision,
    DecisionRequirementsGraph,
    DecisionTable,
    HitPolicy,
    Input,
    LiteralExpression,
    Output,
    Rule,
)
from engine.dmn.output_values import parse_value_list
from engine.dmn.xml_loading import load_xml

DMN_NAMESPACES: dict[str, str] = {
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
    "https://www.omg.org/spec/DMN/20211108/MODEL/": "1.4",
    "https://www.omg.org/spec/DMN/20230324/MODEL/": "1.5",
}
"""The DMN versions accepted, by model namespace (what Camunda Modeler 5 writes is 1.3)."""

# Children of <decision> that describe it but carry no logic.
_DECISION_METADATA = frozenset(
    {
        "description",
        "extensionElements",
        "question",
        "allowedAnswers",
        "variable",
        "informationRequirement",
        "knowledgeRequirement",
        "authorityRequirement",
        "supportedObjective",
        "impactedPerformanceIndicator",
        "decisionMaker",
        "decisionOwner",
        "usingProcess",
        "usingTask",
    }
)
_SUPPORTED_LOGIC = ("decisionTable", "literalExpression")


def parse_dmn(xml: bytes, resource_name: str) -> DecisionRequirementsGraph:
    """Parse and validate one ``.dmn`` resource.

    Raises :class:`DmnParseError` for unsafe or malformed XML, an unsupported DMN version or
    construct, FEEL that does not compile, missing or dangling requirement references and
    cycles between decisions.
    """
    root = load_xml(xml, resource_name)
    qname = etree.QName(root)
    if qname.localname != "definitions" or qname.namespace not in DMN_NAMESPACES:
        supported = ", ".join(f"DMN {v} ({ns})" for ns, v in DMN_NAMESPACES.items())
        raise DmnParseError(
            f"Resource '{resource_name}': expected a DMN <definitions> root element, found "
            f"'{root.tag}'; supported: {supported}"
        )
    reader = _Reader(qname.namespace, root.get("expressionLanguage"))
    graph = reader.read(root, resource_name, hashlib.sha256(bytes(xml)).hexdigest())
    if reader.problems:
        lines = [f"Resource '{resource_name}': {p}" for p in reader.problems]
        raise DmnParseError("\n".join(lines), reader.problems)
    assert graph is not None  # no problems means the graph was built
    return graph


class _Reader:
    """One parse: the namespace in use and the problems found so far."""

    def __init__(self, namespace: str, default_language: str | None) -> None:
        self.ns = namespace
        self.default_language = default_language
        self.problems: list[str] = []

    # ------------------------------------------------------------ helpers

    def _tag(self, local: str) -> str:
        return f"{{{self.ns}}}{local}"

    def _children(self, element: etree._Element, local: str) -> list[etree._Element]:
        return element.findall(self._tag(local))

    def _child(self, element: etree._Element, local: str) -> etree._Element | None:
        return element.find(self._tag(local))

    def _text(self, element: etree._Element | None) -> str | None:
        """The content of ``element``'s ``<text>`` child (``None`` when there is none)."""
        if element is None:
            return None
        text = self._child(element, "text")
        if text is None:
            return None
        return text.text or ""

    def _problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def _language_ok(self, element: etree._Element, where: str) -> bool:
        language = element.get("expressionLanguage") or self.default_language
        if language is None or "feel" in language.lower():
            return True
        self._problem(where, f"expression language '{language}' is not supported, only FEEL")
        return False

    def _expression(self, text: str, where: str, what: str) -> FeelExpression | None:
        try:
            return compile_expression(text)
        except FeelSyntaxError as exc:
            self._problem(where, f"{what} '{text.strip()}' is not a valid FEEL expression: {exc}")
            return None

    def _unary_tests(self, text: str, where: str, what: str) -> UnaryTests | None:
        try:
            return compile_unary_tests(text)
        except FeelSyntaxError as exc:
            self._problem(where, f"{what} '{text.strip()}' is not valid FEEL unary tests: {exc}")
            return None

    # ---------------------------------------------------------- structure

    def read(
        self, root: etree._Element, resource_name: str, checksum: str
    ) -> DecisionRequirementsGraph | None:
        drg_id = (root.get("id") or "").strip()
        if not drg_id:
            self._problem("definitions", "must have an id (the decision requirements id)")
        decisions: dict[str, Decision] = {}
        for element in self._children(root, "decision"):
            decision = self._decision(element)
            if decision is None:
                continue
            if decision.id in decisions:
                self._problem(f"decision '{decision.id}'", "the id is used by another decision")
                continue
            decisions[decision.id] = decision
        if not decisions and not self.problems:
            self._problem(f"definitions '{drg_id}'", "contains no decision")
        self._check_requirements(decisions)
        if self.problems:
            return None
        return DecisionRequirementsGraph(
            id=drg_id,
            name=(root.get("name") or "").strip() or drg_id,
            namespace=root.get("namespace") or "",
            resource_name=resource_name,
            checksum=checksum,
            decisions=decisions,
        )

    def _decision(self, element: etree._Element) -> Decision | None:
        decision_id = (element.get("id") or "").strip()
        if not decision_id:
            name = element.get("name")
            self._problem(f"decision named '{name}'" if name else "decision", "must have an id")
            return None
        where = f"decision '{decision_id}'"
        variable = self._child(element, "variable")
        required = self._required_decisions(element, where)
        if self._children(element, "knowledgeRequirement"):
            self._problem(
                where, "business knowledge models (knowledgeRequirement) are not supported"
            )
        logic_elements = [
            child
            for child in element
            if isinstance(child.tag, str)
            and etree.QName(child).namespace == self.ns
            and etree.QName(child).localname not in _DECISION_METADATA
        ]
        if not logic_elements:
            self._problem(
                where, "has no decision logic; add a decision table or a literal expression"
            )
            return None
        if len(logic_elements) > 1:
            self._problem(where, "has more than one decision logic element")
            return None
        logic_element = logic_elements[0]
        kind = etree.QName(logic_element).localname
        logic: DecisionTable | LiteralExpression | None
        if kind == "decisionTable":
            logic = self._decision_table(logic_element, where)
        elif kind == "literalExpression":
            logic = self._literal_expression(logic_element, where)
        else:
            self._problem(
                where,
                f"decision logic '{kind}' is not supported; use a decision table or a literal "
                "expression",
            )
            return None
        if logic is None:
            return None
        return Decision(
            id=decision_id,
            name=(element.get("name") or "").strip() or decision_id,
            logic=logic,
            required_decisions=tuple(required),
            variable_name=(variable.get("name") or None) if variable is not None else None,
            type_ref=(variable.get("typeRef") or None) if variable is not None else None,
        )

    def _required_decisions(self, element: etree._Element, where: str) -> list[str]:
        required: list[str] = []
        for requirement in self._children(element, "informationRequirement"):
            reference = self._child(requirement, "requiredDecision")
            if reference is None:
                continue  # requiredInput: input data only declares a variable
            href = (reference.get("href") or "").strip()
            if not href.startswith("#") or len(href) < 2:
                self._problem(
                    where,
                    f"requiredDecision href '{href}' must reference a decision of this resource "
                    "as '#decisionId'",
                )
                continue
            required.append(href[1:])
        return required

    def _check_requirements(self, decisions: dict[str, Decision]) -> None:
        dangling = False
        for decision in decisions.values():
            for required in decision.required_decisions:
                if required not in decisions:
                    dangling = True
                    self._problem(
                        f"decision '{decision.id}'",
                        f"requires decision '{required}' (href '#{required}'), which does not "
                        "exist in this resource",
                    )
        if not dangling:
            cycle = _find_cycle(decisions)
            if cycle:
                self._problem(
                    f"decision '{cycle[0]}'",
                    "decisions require each other in a cycle: " + " → ".join(cycle),
                )

    # ------------------------------------------------------ decision logic

    def _literal_expression(self, element: etree._Element, where: str) -> LiteralExpression | None:
        if not self._language_ok(element, where):
            return None
        text = self._text(element)
        if text is None or not text.strip():
            self._problem(where, "the literal expression is empty")
            return None
        expression = self._expression(text, where, "literal expression")
        return LiteralExpression(expression) if expression is not None else None

    def _decision_table(self, element: etree._Element, where: str) -> DecisionTable | None:
        count = len(self.problems)
        hit_policy = self._hit_policy(element, where)
        aggregation = self._aggregation(element, where, hit_policy)
        inputs = [
            self._input(e, n, where) for n, e in enumerate(self._children(element, "input"), 1)
        ]
        outputs = [
            self._output(e, n, where) for n, e in enumerate(self._children(element, "output"), 1)
        ]
        if not outputs:
            self._problem(where, "the decision table has no output")
        if len(outputs) > 1:
            names: set[str] = set()
            for n, output in enumerate(outputs, 1):
                if output is None:
                    continue
                if not output.name:
                    self._problem(
                        f"{where} (output '{output.id or n}')",
                        "a table with several outputs needs a name for each output (it is the "
                        "key of the result context)",
                    )
                elif output.name in names:
                    self._problem(
                        f"{where} (output '{output.id or n}')",
                        f"output name '{output.name}' is used twice",
                    )
                names.add(output.name or "")
            if aggregation is not None:
                self._problem(
                    where,
                    f"COLLECT with aggregation {aggregation.value} needs exactly one output, "
                    f"found {len(outputs)}",
                )
        rules = [
            self._rule(e, n, where, len(inputs), len(outputs))
            for n, e in enumerate(self._children(element, "rule"), 1)
        ]
        if len(self.problems) > count or hit_policy is None:
            return None
        return DecisionTable(
            hit_policy=hit_policy,
            aggregation=aggregation,
            inputs=tuple(i for i in inputs if i is not None),
            outputs=tuple(o for o in outputs if o is not None),
            rules=tuple(r for r in rules if r is not None),
        )

    def _hit_policy(self, element: etree._Element, where: str) -> HitPolicy | None:
        raw = element.get("hitPolicy") or HitPolicy.UNIQUE.value
        try:
            return HitPolicy(raw)
        except ValueError:
            allowed = ", ".join(p.value for p in HitPolicy)
            self._problem(where, f"unknown hit policy '{raw}'; expected one of {allowed}")
            return None

    def _aggregation(
        self, element: etree._Element, where: str, hit_policy: HitPolicy | None
    ) -> Aggregation | None:
        raw = element.get("aggregation")
        if raw is None:
            return None
        try:
            aggregation = Aggregation(raw)
        except ValueError:
            allowed = ", ".join(a.value for a in Aggregation)
            self._problem(where, f"unknown aggregation '{raw}'; expected one of {allowed}")
            return None
        if hit_policy is not None and hit_policy is not HitPolicy.COLLECT:
            self._problem(
                where,
                f"aggregation {raw} is only allowed with hit policy COLLECT, "
                f"not {hit_policy.value}",
            )
            return None
        return aggregation

    def _input(self, element: etree._Element, number: int, where: str) -> Input | None:
        input_id = element.get("id") or ""
        here = f"{where} (input '{input_id or number}')"
        expression_element = self._child(element, "inputExpression")
        text = self._text(expression_element)
        if expression_element is None or text is None or not text.strip():
            self._problem(here, "the input expression is empty")
            return None
        if not self._language_ok(expression_element, here):
            return None
        expression = self._expression(text, here, "input expression")
        if expression is None:
            return None
        return Input(
            id=input_id,
            label=element.get("label") or None,
            expression=expression,
            type_ref=expression_element.get("typeRef") or None,
        )

    def _output(self, element: etree._Element, number: int, where: str) -> Output | None:
        output_id = element.get("id") or ""
        here = f"{where} (output '{output_id or number}')"
        values_text = self._text(self._child(element, "outputValues"))
        values: tuple[Any, ...] = ()
        if values_text is not None and values_text.strip():
            try:
                values = tuple(parse_value_list(values_text))
            except ValueError as exc:
                self._problem(here, f"output values '{values_text.strip()}': {exc}")
                return None
        default: FeelExpression | None = None
        default_text = self._text(self._child(element, "defaultOutputEntry"))
        if default_text is not None and default_text.strip():
            default = self._expression(default_text, here, "default output entry")
            if default is None:
                return None
        return Output(
            id=output_id,
            name=element.get("name") or None,
            label=element.get("label") or None,
            type_ref=element.get("typeRef") or None,
            output_values=values,
            default=default,
        )

    def _rule(
        self, element: etree._Element, index: int, where: str, n_inputs: int, n_outputs: int
    ) -> Rule | None:
        rule_id = element.get("id") or ""
        here = f"{where} (rule '{rule_id}')" if rule_id else f"{where} (rule {index})"
        input_elements = self._children(element, "inputEntry")
        output_elements = self._children(element, "outputEntry")
        ok = True
        if len(input_elements) != n_inputs:
            self._problem(here, f"expected {n_inputs} input entries, found {len(input_elements)}")
            ok = False
        if len(output_elements) != n_outputs:
            self._problem(
                here, f"expected {n_outputs} output entries, found {len(output_elements)}"
            )
            ok = False
        entries: list[UnaryTests] = []
        for column, entry in enumerate(input_elements, 1):
            if not self._language_ok(entry, here):
                ok = False
                continue
            tests = self._unary_tests(self._text(entry) or "", here, f"input entry {column}")
            if tests is None:
                ok = False
            else:
                entries.append(tests)
        outputs: list[FeelExpression | None] = []
        for column, entry in enumerate(output_elements, 1):
            text = self._text(entry) or ""
            if not text.strip():
                outputs.append(None)
                continue
            if not self._language_ok(entry, here):
                ok = False
                continue
            expression = self._expression(text, here, f"output entry {column}")
            if expression is None:
                ok = False
            outputs.append(expression)
        if not ok:
            return None
        description = self._child(element, "description")
        return Rule(
            id=rule_id,
            index=index,
            input_entries=tuple(entries),
            output_entries=tuple(outputs),
            description=(description.text or None) if description is not None else None,
        )


def _find_cycle(decisions: dict[str, Decision]) -> list[str] | None:
    """A cycle of required decisions as ``[a, b, ..., a]``, or ``None``."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(decision_id: str) -> list[str] | None:
        state[decision_id] = 1
        path.append(decision_id)
        for required in decisions[decision_id].required_decisions:
            if state.get(required) == 1:
                return [*path[path.index(required) :], required]
            if required not in state:
                found = visit(required)
                if found:
                    return found
        path.pop()
        state[decision_id] = 2
        return None

    for decision_id in decisions:
        if decision_id not in state:
            found = visit(decision_id)
            if found:
                return found
    return None

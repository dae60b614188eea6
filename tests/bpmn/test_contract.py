"""bpmn/README.md is the contract of the diagram: job types, messages, errors, timers, headers and
the variables FEEL reads must match the diagram in both directions, so neither can drift.

Also checks what the issue asks of the diagram itself: ids and platform, Chinese names with English
ids, and only the BPMN elements the embedded engine supports.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from lxml import etree

from tests.bpmn.diagram import BPMN_DIR, CONTRACT, MAIN_DIAGRAM, NS, Diagram, diagrams, load

README = CONTRACT.read_text(encoding="utf-8")
FEEL_WORDS = frozenset(
    {"date", "and", "time", "duration", "or", "not", "true", "false", "null", "if", "then", "else"}
)


@pytest.fixture(scope="module")
def main() -> Diagram:
    return load(MAIN_DIAGRAM)


# --- reading the contract ------------------------------------------------------------------------


def section(title: str) -> str:
    """The text of a `## title` section (up to the next `## ` heading)."""
    match = re.search(rf"^## {re.escape(title)}.*?$(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"bpmn/README.md has no section '## {title}'"
    return match[1]


def table_rows(text: str) -> list[list[str]]:
    """Cells of the markdown table rows (header and separator rows dropped)."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("|") or set(line) <= {"|", "-", " "}:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(cells)
    return rows[1:]  # the header row


def ticks(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def documented(name: str) -> bool:
    """`name` appears in the contract as a code word (alone or inside a code span)."""
    return any(re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", t) for t in ticks(README))


# --- reading the diagram -------------------------------------------------------------------------


def job_types(d: Diagram) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for el in d.xpath("//*[bpmn:extensionElements/zeebe:taskDefinition]"):
        out[el.find("bpmn:extensionElements/zeebe:taskDefinition", NS).get("type")].add(
            el.get("id")
        )
    return out


def called_decisions(d: Diagram) -> dict[str, tuple[str, str]]:
    """Business rule task id → (decision id, result variable)."""
    return {
        el.getparent().getparent().get("id"): (el.get("decisionId"), el.get("resultVariable"))
        for el in d.xpath("//bpmn:businessRuleTask/bpmn:extensionElements/zeebe:calledDecision")
    }


def messages(d: Diagram) -> dict[str, str]:
    return {
        m.get("name"): m.find("bpmn:extensionElements/zeebe:subscription", NS).get("correlationKey")
        for m in d.xpath("//bpmn:message")
    }


def headers(d: Diagram, key: str) -> set[str]:
    return set(d.xpath(f"//zeebe:header[@key='{key}']/@value"))


def timers(d: Diagram) -> dict[str, str]:
    out = {}
    for definition in d.xpath("//bpmn:timerEventDefinition"):
        (value,) = [c for c in definition if isinstance(c.tag, str)]
        out[definition.getparent().get("id")] = value.text.strip()
    return out


def feel_expressions(d: Diagram) -> list[str]:
    found = [
        *d.xpath("//bpmn:conditionExpression/text()"),
        *(v for v in timers(d).values() if v.startswith("=")),
        *messages(d).values(),
        *d.xpath("//zeebe:loopCharacteristics/@inputCollection"),
        *d.xpath("//zeebe:input/@source"),
        *d.xpath("//zeebe:output/@source"),
    ]
    return [e for e in found if e.startswith("=")]


def feel_names(expression: str) -> set[str]:
    without_strings = re.sub(r'"[^"]*"', "", expression[1:])
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", without_strings)) - FEEL_WORDS
    return names


# --- the contract in both directions ------------------------------------------------------------


def test_job_types_match_the_contract(main: Diagram) -> None:
    rows = table_rows(section("Job types"))
    in_readme = {ticks(row[0])[0]: row for row in rows}
    in_diagram = job_types(main)
    assert set(in_readme) == set(in_diagram), (
        f"only in the diagram: {sorted(set(in_diagram) - set(in_readme))}; "
        f"only in the README: {sorted(set(in_readme) - set(in_diagram))}"
    )
    for job_type, row in in_readme.items():
        listed = {t for t in ticks(row[1]) if t.startswith("Task_")}
        assert listed == in_diagram[job_type], f"{job_type}: README lists {sorted(listed)}"


def test_called_decisions_match_the_contract(main: Diagram) -> None:
    rows = table_rows(section("Decisions"))
    in_readme = {
        ticks(row[0])[0]: (ticks(row[1])[0], ticks(row[3])[0])
        for row in rows
        if ticks(row[0]) and ticks(row[0])[0].startswith("Task_")
    }
    assert in_readme == called_decisions(main)


def test_called_decisions_exist_in_affairs_dmn_and_bind_latest(main: Diagram) -> None:
    """Binding latest (the default): a redeployed table applies to the next case."""
    affairs = etree.parse(str(BPMN_DIR / "affairs.dmn"))
    dmn = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
    decisions = set(affairs.xpath("//dmn:decision/@id", namespaces=dmn))
    for task, (decision_id, _) in called_decisions(main).items():
        assert decision_id in decisions, task
    for el in main.xpath("//zeebe:calledDecision"):
        assert el.get("bindingType") in (None, "latest"), el.getparent().getparent().get("id")


def test_the_needs_flags_are_mapped_from_the_decision(main: Diagram) -> None:
    """Every flag the downstream split reads is an output of Task_DecideDownstream, and no worker
    writes one (the contract's job table does not list them under writes)."""
    (task,) = main.xpath("//bpmn:businessRuleTask[@id='Task_DecideDownstream']")
    mapped = {
        o.get("target"): o.get("source") for o in task.xpath(".//zeebe:output", namespaces=NS)
    }
    conditions = main.xpath(
        "//bpmn:sequenceFlow[@sourceRef='Gateway_DownstreamSplit']/bpmn:conditionExpression/text()"
    )
    read = {c.strip().lstrip("=") for c in conditions}
    assert read == set(mapped) and len(read) == 6
    assert all(source == f"=downstreamNeeds.{flag}" for flag, source in mapped.items())
    for row in table_rows(section("Job types")):
        assert not any(t.startswith("needs") for t in ticks(row[3])), row[0]


def test_messages_and_correlation_keys_match_the_contract(main: Diagram) -> None:
    rows = table_rows(section("Messages"))
    in_readme = {ticks(row[0])[0]: ticks(row[1])[0] for row in rows}
    assert in_readme == messages(main)


def test_messages_are_caught_where_the_contract_says(main: Diagram) -> None:
    by_name = {m.get("id"): m.get("name") for m in main.xpath("//bpmn:message")}
    catchers: dict[str, set[str]] = defaultdict(set)
    for el in main.xpath("//bpmn:receiveTask"):
        catchers[by_name[el.get("messageRef")]].add(el.get("id"))
    for ref in main.xpath("//bpmn:messageEventDefinition"):
        catchers[by_name[ref.get("messageRef")]].add(ref.getparent().get("id"))
    for row in table_rows(section("Messages")):
        name = ticks(row[0])[0]
        assert catchers[name] <= set(ticks(row[2])), f"{name} is caught by {catchers[name]}"


def test_errors_match_the_contract(main: Diagram) -> None:
    in_readme = {ticks(row[0])[0]: row for row in table_rows(section("BPMN errors"))}
    codes = {e.get("errorCode"): e.get("id") for e in main.xpath("//bpmn:error")}
    assert set(in_readme) == set(codes)
    for code, error_id in codes.items():
        catchers = main.xpath(
            f"//bpmn:boundaryEvent[bpmn:errorEventDefinition/@errorRef='{error_id}']"
        )
        assert catchers, f"{code} is caught nowhere"
        for catcher in catchers:
            assert catcher.get("id") in ticks(in_readme[code][2])


def test_timers_match_the_contract(main: Diagram) -> None:
    rows = table_rows(section("Timers"))
    by_id = {t: row for row in rows for t in ticks(row[0]) if "_" in t}
    in_diagram = timers(main)
    assert set(by_id) == set(in_diagram), (
        f"only in the diagram: {sorted(set(in_diagram) - set(by_id))}; "
        f"only in the README: {sorted(set(by_id) - set(in_diagram))}"
    )
    for timer_id, definition in in_diagram.items():
        assert definition in " ".join(by_id[timer_id]), (
            f"{timer_id}: README does not say {definition}"
        )


def test_every_variable_feel_reads_is_documented(main: Diagram) -> None:
    names = set().union(*(feel_names(e) for e in feel_expressions(main)))
    assert "directiveAt" in names and "caseId" in names
    missing = sorted(n for n in names if not documented(n))
    assert not missing, f"variables used in FEEL but not in bpmn/README.md: {missing}"


def test_headers_are_documented(main: Diagram) -> None:
    values = headers(main, "template") | headers(main, "reason") | headers(main, "to")
    missing = sorted(v for v in values for part in v.split(",") if not documented(part))
    assert not missing, f"header values not in bpmn/README.md: {missing}"
    keys = set(main.xpath("//zeebe:header/@key"))
    assert keys <= {"template", "reason", "to"}, keys


def test_every_template_exists_in_the_notify_worker(main: Diagram) -> None:
    templates = pytest.importorskip("workers.notify.templates")
    missing = sorted(headers(main, "template") - set(templates.TEMPLATES))
    assert not missing, f"templates named in the diagram but not in workers.notify: {missing}"


def test_the_contract_check_sees_a_missing_name() -> None:
    assert documented("hotline.register-case")
    assert not documented("hotline.register")
    assert feel_names('=date and time(directiveAt) + duration("PT24H")') == {"directiveAt"}


# --- the diagram itself --------------------------------------------------------------------------


def test_process_and_platform(main: Diagram) -> None:
    root = main.root
    modeler = "{{{}}}".format(NS["modeler"])
    assert root.get(modeler + "executionPlatform") == "Camunda Cloud"
    assert root.get(modeler + "executionPlatformVersion") == "8.9.0"
    (process,) = main.xpath("//bpmn:process")
    assert process.get("id") == "after-death-affairs"
    assert process.get("isExecutable") == "true"


CJK = re.compile(r"[\u4e00-\u9fff]")
ASCII_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@pytest.mark.parametrize("path", diagrams(), ids=lambda p: p.name)
def test_english_ids_and_chinese_names(path) -> None:
    d = load(path)
    bad_ids = sorted(i for i in d.xpath("//@id") if not ASCII_ID.match(i))
    assert not bad_ids, bad_ids
    unnamed = []
    for element_id, el in d.elements.items():
        kind = etree.QName(el).localname
        parent = d.parent_id(element_id)
        nested_start = (
            kind == "startEvent"
            and parent is not None
            and d.elements[parent].get("triggeredByEvent") != "true"
        )
        if kind.endswith("Gateway") or nested_start:
            continue  # merging gateways and a subprocess's none start need no name
        if not CJK.search(el.get("name") or ""):
            unnamed.append(element_id)
    assert not unnamed, f"elements without a Chinese name: {unnamed}"


SUPPORTED_EVENTS: dict[str, set[str | None]] = {
    "startEvent": {None, "messageEventDefinition", "timerEventDefinition"},
    "endEvent": {None, "errorEventDefinition", "terminateEventDefinition"},
    "intermediateCatchEvent": {"timerEventDefinition", "messageEventDefinition"},
    "intermediateThrowEvent": {None},
    "boundaryEvent": {"timerEventDefinition", "messageEventDefinition", "errorEventDefinition"},
}
SUPPORTED_OTHERS = {
    "serviceTask",
    "sendTask",
    "businessRuleTask",
    "scriptTask",
    "receiveTask",
    "userTask",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "subProcess",
    "callActivity",
}


@pytest.mark.parametrize("path", diagrams(), ids=lambda p: p.name)
def test_only_elements_the_embedded_engine_supports(path) -> None:
    d = load(path)
    unsupported: list[tuple[str, str, list[str]]] = []
    for element_id, el in d.elements.items():
        kind = etree.QName(el).localname
        if kind in SUPPORTED_EVENTS:
            definitions = [
                etree.QName(c).localname
                for c in el
                if isinstance(c.tag, str) and c.tag.endswith("EventDefinition")
            ]
            if (
                len(definitions) > 1
                or (definitions[0] if definitions else None) not in (SUPPORTED_EVENTS[kind])
            ):
                unsupported.append((element_id, kind, definitions))
            in_event_subprocess = el.getparent().get("triggeredByEvent") == "true"
            if kind == "startEvent" and in_event_subprocess and not definitions:
                unsupported.append((element_id, "event subprocess with a none start", []))
        elif kind not in SUPPORTED_OTHERS:
            unsupported.append((element_id, kind, []))
        elif (
            kind in {"serviceTask", "sendTask", "businessRuleTask", "userTask"}
            and el.find("bpmn:extensionElements/zeebe:taskDefinition", NS) is None
            and not (
                kind == "businessRuleTask"
                and el.find("bpmn:extensionElements/zeebe:calledDecision", NS) is not None
            )
        ):
            unsupported.append((element_id, kind, ["no zeebe:taskDefinition"]))
    assert not unsupported, unsupported


def test_splits_have_conditions_or_a_default(main: Diagram) -> None:
    loose = []
    for gateway in main.xpath("//bpmn:exclusiveGateway | //bpmn:inclusiveGateway"):
        outgoing = [main.flows[f] for f in gateway.xpath("bpmn:outgoing/text()", namespaces=NS)]
        if len(outgoing) < 2:
            continue
        for flow in outgoing:
            has_condition = flow.find("bpmn:conditionExpression", NS) is not None
            if not has_condition and gateway.get("default") != flow.get("id"):
                loose.append(flow.get("id"))
    assert not loose, f"outgoing flows of a split with neither condition nor default: {loose}"

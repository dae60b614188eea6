"""Hostile or broken XML is refused quickly, with a clear reason, and never expanded."""

from __future__ import annotations

import time

import pytest

from engine.model import BpmnParseError, parse_bpmn
from engine.model.xml_safety import MAX_RESOURCE_BYTES

from .conftest import FIXTURES, refusal
from .conftest import INVALID as INVALID_DIR


def test_billion_laughs_is_refused_as_a_dtd_without_expanding() -> None:
    started = time.monotonic()
    error = refusal("billion-laughs.bpmn")
    assert "DTDs) are not allowed" in str(error)
    assert time.monotonic() - started < 1.0


def test_external_entity_is_refused_and_never_read() -> None:
    error = refusal("external-entity.bpmn")
    assert "DTDs) are not allowed" in str(error)
    assert "root:" not in str(error)  # nothing of /etc/passwd leaks into the message


def test_dtd_after_a_comment_is_still_refused() -> None:
    xml = (
        b'<?xml version="1.0"?>\n<!-- hi -->\n<!DOCTYPE x>\n'
        + (FIXTURES / "none-start-end.bpmn").read_bytes().split(b"?>", 1)[1]
    )
    with pytest.raises(BpmnParseError, match="DTDs"):
        parse_bpmn(xml, "dtd.bpmn")


def test_oversized_resource_is_refused_before_parsing() -> None:
    xml = b"<a>" + b" " * MAX_RESOURCE_BYTES + b"</a>"
    with pytest.raises(BpmnParseError, match=r"too large: \d+ bytes, the limit is .*4 MiB"):
        parse_bpmn(xml, "huge.bpmn")


def test_malformed_xml_reports_line_and_column() -> None:
    error = refusal("malformed.bpmn")
    assert "is not well-formed XML: line 5" in str(error)
    assert "startEvent" in str(error)


def test_empty_resource() -> None:
    with pytest.raises(BpmnParseError, match="is empty"):
        parse_bpmn(b"  \n", "empty.bpmn")


def test_dmn_or_other_xml_is_not_a_bpmn_document() -> None:
    error = refusal("not-bpmn.bpmn")
    assert "is not a BPMN 2.0 document" in str(error)
    assert "'definitions' in namespace 'https://www.omg.org/spec/DMN/20191111/MODEL/'" in str(error)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_dtd_in_a_utf16_or_utf32_document_is_refused(codec: str) -> None:
    text = (INVALID_DIR / "external-entity.bpmn").read_text(encoding="utf-8")
    data = text.replace('encoding="UTF-8"', f'encoding="{codec.upper()[:6]}"').encode(codec)
    with pytest.raises(BpmnParseError, match="DTDs"):
        parse_bpmn(data, "wide.bpmn")


def test_utf16_bpmn_without_dtd_is_accepted() -> None:
    text = (FIXTURES / "none-start-end.bpmn").read_text(encoding="utf-8")
    data = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    (process,) = parse_bpmn(data, "utf16.bpmn")
    assert process.id == "none_start_end"

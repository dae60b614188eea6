"""A deployed DMN resource is untrusted input: it must not read files, reach the network or
blow up memory, and the refusal must say why."""

from __future__ import annotations

import http.server
import threading

import pytest

from engine.dmn import DmnParseError, parse_dmn
from engine.dmn.xml_loading import MAX_RESOURCE_BYTES

from .conftest import definitions, literal

NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def test_external_entity_cannot_read_a_local_file(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<definitions xmlns="{NS}" id="drg"><decision id="d"><literalExpression>'
        f"<text>&x;</text></literalExpression></decision></definitions>"
    ).encode()
    with pytest.raises(DmnParseError) as caught:
        parse_dmn(xml, "xxe.dmn")
    assert "document type declarations (DTDs) are not allowed" in caught.value.message
    assert "TOP-SECRET" not in caught.value.message


def test_billion_laughs_is_refused_quickly() -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "&a{i - 1};&a{i - 1};">' for i in range(1, 30)
    )
    xml = (
        f"<!DOCTYPE d [{entities}]>"
        f'<definitions xmlns="{NS}" id="drg"><decision id="d"><literalExpression>'
        f"<text>&a29;</text></literalExpression></decision></definitions>"
    ).encode()
    with pytest.raises(DmnParseError, match="DTDs"):
        parse_dmn(xml, "laughs.dmn")


def test_external_dtd_is_never_fetched() -> None:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY x "fetched">')

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/evil.dtd"
        xml = (
            f'<?xml version="1.0"?><!DOCTYPE definitions SYSTEM "{url}">'
            f'<definitions xmlns="{NS}" id="drg"><decision id="d"><literalExpression>'
            f"<text>1</text></literalExpression></decision></definitions>"
        ).encode()
        with pytest.raises(DmnParseError, match="DTDs"):
            parse_dmn(xml, "ssrf.dmn")
    finally:
        server.shutdown()
        thread.join()
    assert hits == []


def test_oversized_resource_is_refused_before_parsing() -> None:
    padding = b" " * (MAX_RESOURCE_BYTES + 1)
    with pytest.raises(DmnParseError) as caught:
        parse_dmn(definitions(literal("d", "1")) + padding, "big.dmn")
    assert "Resource 'big.dmn' is too large" in caught.value.message
    assert "4 MiB" in caught.value.message


def test_empty_and_non_bytes_resources_are_refused() -> None:
    with pytest.raises(DmnParseError, match="is empty"):
        parse_dmn(b"  \n", "empty.dmn")
    with pytest.raises(DmnParseError, match="expected bytes, got str"):
        parse_dmn("<definitions/>", "text.dmn")  # type: ignore[arg-type]


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_a_doctype_hidden_behind_utf16_or_utf32_is_still_refused(codec: str) -> None:
    xml = (
        f'<?xml version="1.0" encoding="{codec.upper()}"?>\n<!-- comment -->\n'
        f'<!DOCTYPE d [<!ENTITY x "y">]><definitions xmlns="{NS}" id="drg"/>'
    ).encode(codec)
    with pytest.raises(DmnParseError, match="DTDs"):
        parse_dmn(xml, "wide.dmn")


def test_a_doctype_string_inside_an_expression_is_just_text() -> None:
    body = (
        '<decision id="d"><literalExpression><text>"&lt;!DOCTYPE"</text></literalExpression>'
        "</decision>"
    )
    assert parse_dmn(definitions(body), "text.dmn").decision_ids == ("d",)

"""The standard texts: every template renders, and masking follows the audience."""

from __future__ import annotations

import pytest

from workers.notify.templates import DEATH_SUMMARY, DEREGISTRATION_NOTICE, TEMPLATES, TemplateError

# Generated person: valid check digit, not a real person.
FIELDS = {
    "case_id": "NH-20261129-0001",
    "deceased_name": "测试明",
    "deceased_id_number": "330226193501010014",
    "died_at": "2026-11-29 06:00",
    "place_of_death": "家中",
    "township": "桃源街道",
    "village": "某村",
    "reporter_name": "网格员甲",
    "reporter_role": "网格员",
    "reported_at": "2026-11-29 08:00",
    "contact_name": "测试亮",
    "contact_phone": "13912345678",
    "certificate_due": "2026-11-30 08:00",
    "deregistration_due": "2026-12-29",
    "case_link": "http://127.0.0.1:8000/cases/NH-20261129-0001",
    "family_link": "http://127.0.0.1:8000/family/tok",
    "cremation_contact": "殡仪馆 0574-00000000",
    "finding": "外伤",
    "report_delay": "14小时",
    "pending_units": "民政、人社",
    "step_label": "停发养老金",
    "certificate_code": "330226193501010014",
    "reporting_due": "2026-12-18",
    "copy_no": 2,
    "registration_place": "330203",
}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_template_renders(name: str) -> None:
    message = TEMPLATES[name].render(FIELDS, dedupe_key=f"k:{name}", case_id="NH-1")
    assert message.title and message.text and message.markdown
    assert "{" not in message.text and "{" not in message.markdown


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_no_template_ever_carries_the_full_id_number(name: str) -> None:
    message = TEMPLATES[name].render(FIELDS, dedupe_key="k")
    assert "330226193501010014" not in message.markdown + message.text


def test_every_template_the_diagram_names_exists() -> None:
    import re
    from pathlib import Path

    diagram = Path(__file__).parents[2] / "bpmn" / "after-death-affairs.bpmn"
    named = set(re.findall(r'key="template" value="([^"]+)"', diagram.read_text("utf-8")))
    assert named, "the diagram names no templates"
    assert named <= set(TEMPLATES), f"missing templates: {sorted(named - set(TEMPLATES))}"


def test_death_summary_to_units_masks_name_id_and_phone() -> None:
    message = DEATH_SUMMARY.render(FIELDS, dedupe_key="k")
    assert "测**" in message.markdown
    assert "测试明" not in message.markdown
    assert "330226********0014" in message.markdown
    assert "139****5678" in message.markdown
    assert "桃源街道" in message.markdown  # the doctor must know where to go


def test_family_notice_names_the_deceased_and_gives_the_deadline() -> None:
    message = DEREGISTRATION_NOTICE.render(FIELDS, dedupe_key="k")
    assert "测试明" in message.text
    assert "2026-12-29" in message.text
    assert str(FIELDS["family_link"]) in message.text


def test_missing_field_is_a_clear_error() -> None:
    with pytest.raises(TemplateError, match="deregistration_due"):
        DEREGISTRATION_NOTICE.render({"contact_name": "x", "deceased_name": "y"}, dedupe_key="k")

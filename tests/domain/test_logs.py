"""Masking of personal data in logs."""

from __future__ import annotations

from domain.logs import mask_id_number, mask_name, mask_personal_data, mask_text


def test_citizen_ids_and_phones_are_masked_in_free_text() -> None:
    text = "身份证11010519491231002X，电话13812345678，单号2251799813685249"
    masked = mask_text(text)
    assert "110105********002X" in masked and "138****5678" in masked
    assert "19491231" not in masked and "1234" not in masked.split("电话")[1][:8]
    assert "2251799813685249" in masked  # engine keys (16 digits) are not personal data


def test_names_and_other_ids_are_masked_by_key_at_any_depth() -> None:
    event = {
        "event": "report.taken",
        "deceased": {"name": "王小明", "id_number": "E12345678"},
        "reporter_name": "李娟",
        "family": [{"name": "王大", "phone": "13912345678"}],
    }
    masked = mask_personal_data(None, "info", dict(event))
    assert masked["deceased"] == {"name": "王**", "id_number": "*****5678"}
    assert masked["reporter_name"] == "李*"
    assert masked["family"] == [{"name": "王*", "phone": "139****5678"}]
    assert masked["event"] == "report.taken"


def test_short_values() -> None:
    assert mask_name("王") == "王*"
    assert mask_id_number("1234") == "****"

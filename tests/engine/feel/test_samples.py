"""The worked samples of the FEEL docs ("Learn → Samples"): whole expressions as process
designers write them, with the documented inputs and outputs."""

from __future__ import annotations

import datetime as dt

from engine import feel

from .helpers import NOW

INVOICES = {
    "invoices": [
        {"id": 1, "person": "A", "amount": 10},
        {"id": 2, "person": "A", "amount": 20},
        {"id": 3, "person": "A", "amount": 30},
        {"id": 4, "person": "A", "amount": 40},
        {"id": 5, "person": "B", "amount": 15},
        {"id": 6, "person": "B", "amount": 25},
    ]
}


def test_filter_and_take_the_first() -> None:
    data = {
        "data": {
            "attribute": {
                "packaging": [
                    {"unit": "Box", "n": 1},
                    {"unit": "Palette", "n": 2},
                    {"unit": "Palette", "n": 3},
                ]
            }
        }
    }
    result = feel.evaluate('(data.attribute.packaging[unit = "Palette"])[1]', data)
    assert result == {"unit": "Palette", "n": 2}


def test_group_a_list() -> None:
    result = feel.evaluate(
        "for p in distinct values(invoices.person) return invoices[person = p]", INVOICES
    )
    assert result == [INVOICES["invoices"][:4], INVOICES["invoices"][4:]]


def test_merge_two_lists() -> None:
    expression = """{
      ids: union(x.files.id, y.files.id),
      getById: function (files, fileId)
        if (count(files[id=fileId]) > 0)
        then files[id=fileId][1]
        else {},
      merge: for id in ids return put all(getById(x.files, id), getById(y.files, id))
    }.merge"""
    variables = {
        "x": {"files": [{"id": 1, "content": "a"}, {"id": 2, "content": "b"}]},
        "y": {"files": [{"id": 1, "content": "a2"}, {"id": 3, "content": "c"}]},
    }
    assert feel.evaluate(expression, variables) == [
        {"id": 1, "content": "a2"},
        {"id": 2, "content": "b"},
        {"id": 3, "content": "c"},
    ]


def test_validate_data() -> None:
    expression = """{
      check1: {
        error: "Document Type invalid for current year posting",
        violations: collection[documentType = "S2" and glDate > startFiscalYear]
      },
      check2: {
        error: "Ledger type invalid",
        violations: collection[ledgerType = "GP" and foreignAmount != null]
      },
      result: ([check1, check2])[count(violations) > 0]
    }.result.error"""
    variables = {
        "startFiscalYear": dt.date(2024, 1, 1),
        "collection": [
            {
                "documentType": "S2",
                "glDate": dt.date(2024, 3, 1),
                "ledgerType": "AA",
                "foreignAmount": None,
            },
            {
                "documentType": "S1",
                "glDate": dt.date(2023, 3, 1),
                "ledgerType": "AA",
                "foreignAmount": 5,
            },
        ],
    }
    assert feel.evaluate(expression, variables) == [
        "Document Type invalid for current year posting"
    ]


def test_temporal_samples() -> None:
    assert (
        feel.evaluate(
            'date1 < date2 + duration("P6M")',
            {"date1": dt.date(2024, 1, 1), "date2": dt.date(2023, 8, 1)},
        )
        is True
    )
    assert (
        feel.evaluate(
            "years and months duration(date(birthday), today()).years",
            {"birthday": "1990-06-01"},
            now=NOW,
        )
        == 33
    )
    assert feel.evaluate('day of week(today()) in ("Saturday","Sunday")', now=NOW) is False
    next_tuesday = feel.evaluate(
        '(for x in 1..7 return date and time(today(),time("08:00:00Z"))'
        ' + duration("P"+string(x)+"D"))[day of week(item) = "Tuesday"][1] - now()',
        now=NOW,
    )
    assert next_tuesday == dt.timedelta(days=3, hours=21, minutes=30)
    next_weekday = feel.evaluate(
        '(for x in 1..3 return date and time(today(),time("00:00:00Z"))'
        ' + duration("P"+string(x)+"D"))[not(day of week(item) in ("Saturday","Sunday"))][1]',
        now=NOW,
    )
    assert next_weekday == dt.datetime(2024, 3, 18, tzinfo=dt.UTC)


def test_change_the_format_of_dates() -> None:
    expression = """for d in dates return {
      date: date(date and time(d)),
      day: string(date.day),
      month: substring(month of year(date), 1, 3),
      year: string(date.year),
      formatted: day + "-" + month + "-" + year
    }.formatted"""
    dates = ["2021-04-21T07:25:06.000Z", "2021-04-22T07:25:06.000Z"]
    assert feel.evaluate(expression, {"dates": dates}) == ["21-Apr-2021", "22-Apr-2021"]


def test_unix_timestamp() -> None:
    result = feel.evaluate(
        '(now() - date and time("1970-01-01T00:00Z")) / duration("PT1S") * 1000', now=NOW
    )
    assert result == int(NOW.timestamp()) * 1000


def test_chinese_names_and_text() -> None:
    assert feel.evaluate('金额 > 100 and 状态 = "已受理"', {"金额": 150, "状态": "已受理"}) is True
    assert feel.evaluate('{申请人: "张三"}.申请人') == "张三"

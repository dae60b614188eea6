"""Console users from the environment, sessions that expire, CSRF tokens that must match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.console.sessions import Sessions, csrf_ok
from engine.console.settings import ConsoleConfigError, ConsoleUser, load_tokens


def test_console_tokens_win_over_the_case_apis_and_files_are_read(tmp_path: Path) -> None:
    file = tmp_path / "tokens.json"
    file.write_text(json.dumps({"t-file": {"sub": "fay", "roles": ["supervisor"]}}))
    users = load_tokens(
        {
            "SHENHOU_API_TOKENS": json.dumps({"t-1": {"sub": "api", "roles": ["health"]}}),
            "ENGINE_CONSOLE_TOKENS": json.dumps({"t-1": {"sub": "ops", "roles": ["ops"]}}),
            "ENGINE_CONSOLE_TOKENS_FILE": str(file),
        }
    )
    assert users["t-1"] == ConsoleUser("ops", frozenset({"ops"}))
    assert users["t-file"].sees_personal_data and not users["t-file"].may_act
    assert load_tokens({}) == {}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"t": {"roles": ["ops"]}}', "'sub'"),
        ('{"t": {"sub": "x", "roles": "ops"}}', "must be a list"),
    ],
)
def test_a_broken_token_setting_names_the_variable(text: str, says: str) -> None:
    with pytest.raises(ConsoleConfigError, match="ENGINE_CONSOLE_TOKENS") as raised:
        load_tokens({"ENGINE_CONSOLE_TOKENS": text})
    assert says in str(raised.value)


def test_sessions_expire_when_idle_and_end_on_logout() -> None:
    now = [0.0]
    sessions = Sessions(
        {"tok": ConsoleUser("alice", frozenset({"ops"}))}, idle_timeout_s=60, now=lambda: now[0]
    )
    assert sessions.login("wrong") is None
    made = sessions.login("tok")
    assert made is not None
    session_id, session = made
    now[0] = 59
    assert sessions.get(session_id) is session  # use keeps it alive
    now[0] = 118
    assert sessions.get(session_id) is session
    now[0] = 179
    assert sessions.get(session_id) is None
    again = sessions.login("tok")
    assert again is not None and again[1].csrf != session.csrf
    sessions.logout(again[0])
    assert sessions.get(again[0]) is None


def test_the_csrf_token_must_be_presented_exactly() -> None:
    assert csrf_ok("abc", "abc")
    assert not csrf_ok("abc", None)
    assert not csrf_ok("abc", "")
    assert not csrf_ok("abc", "abd")

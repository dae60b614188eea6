"""JWTs from the OIDC provider log in to the console, with the case API's SHENHOU_JWT_* settings.

A real engine verifies tokens against a local JWKS server (an RSA key made here): signature,
``exp``, issuer and audience are checked; the roles claim (nested, as Keycloak puts it) gives
the console roles. Without the settings a JWT is just an unknown token.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from engine.console.jwt_login import JwtError, load_verifier
from tests.engine.console.harness import DEMO_BPMN, ConsoleEngine, Zeebe
from tests.engine.console.test_console_http import login, waiting_instance

pytestmark = pytest.mark.e2e

ISSUER = "https://idp.county.example/realms/shenhou"
AUDIENCE = "shenhou-console"
KID = "county-key-1"


class Jwks:
    """A JWKS endpoint on 127.0.0.1 serving one RSA public key; ``close`` makes it unreachable."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        keys = json.dumps({"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}).encode()
        jwks = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = keys
                if self.path == "/.well-known/openid-configuration":  # OIDC discovery
                    body = json.dumps({"issuer": jwks.base, "jwks_uri": jwks.url}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = f"{self.base}/certs"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def token(
    key: Any,
    roles: list[str],
    *,
    sub: str = "zhao",
    issuer: str = ISSUER,
    audience: str = AUDIENCE,
    expires_in: float = 600,
    kid: str = KID,
) -> str:
    now = int(time.time())
    claims = {
        "sub": sub,
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + int(expires_in),
        "realm_access": {"roles": roles},
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture(scope="module")
def jwks() -> Iterator[Jwks]:
    server = Jwks()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def jwt_engine(tmp_path_factory: pytest.TempPathFactory, jwks: Jwks) -> Iterator[ConsoleEngine]:
    data_dir: Path = tmp_path_factory.mktemp("console-jwt") / "data"
    env = {
        "SHENHOU_JWT_JWKS_URL": jwks.url,
        "SHENHOU_JWT_ISSUER": ISSUER,
        "SHENHOU_JWT_AUDIENCE": AUDIENCE,
        "SHENHOU_JWT_ALGORITHMS": '["RS256"]',
        "SHENHOU_JWT_ROLES_CLAIM": "realm_access.roles",
    }
    proc = ConsoleEngine(data_dir, env=env).start()
    try:
        yield proc
    finally:
        code = proc.stop()
        assert code == 0, f"engine exited with {code} on SIGTERM:\n{proc.logs()[-4000:]}"


@pytest.fixture(scope="module")
def jwt_zeebe(jwt_engine: ConsoleEngine) -> Iterator[Zeebe]:
    client = Zeebe(jwt_engine.grpc_address)
    client.deploy("console_demo.bpmn", DEMO_BPMN.read_bytes())
    try:
        yield client
    finally:
        client.close()


def state_of(engine: ConsoleEngine, key: int) -> str:
    found = engine.search("process-instances", {"processInstanceKey": str(key)})
    return str(found[0]["state"])


def test_an_ops_jwt_acts_by_form_login_with_csrf_and_as_a_bearer(
    jwt_engine: ConsoleEngine, jwt_zeebe: Zeebe, jwks: Jwks
) -> None:
    ops_jwt = token(jwks.key, ["ops", "offline_access"], sub="zhao")
    client, csrf = login(jwt_engine, ops_jwt)
    me = client.get("/api/me").json()
    assert (me["user"], me["mayAct"], me["seesPersonalData"]) == ("zhao", True, True)
    key = waiting_instance(jwt_zeebe)
    path = f"/api/instances/{key}/cancel"
    assert client.post(path).status_code == 403  # CSRF as for static tokens
    done = client.post(path, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200, done.text
    assert state_of(jwt_engine, key) == "TERMINATED"
    audit = client.get(f"/api/instances/{key}").json()["audit"]
    assert [(a["actor"], a["outcome"]) for a in audit] == [("ops:zhao", "DONE")]

    other = waiting_instance(jwt_zeebe)
    bearer = httpx.Client(
        base_url=jwt_engine.console_url, headers={"Authorization": f"Bearer {ops_jwt}"}
    )
    assert bearer.post(f"/api/instances/{other}/cancel").status_code == 200
    assert state_of(jwt_engine, other) == "TERMINATED"
    # Static tokens keep working next to JWTs.
    static = httpx.Client(
        base_url=jwt_engine.console_url, headers={"Authorization": "Bearer ops-token-alice"}
    )
    assert static.get("/api/me").json()["user"] == "alice"


def test_a_supervisor_jwt_reads_but_may_not_act(
    jwt_engine: ConsoleEngine, jwt_zeebe: Zeebe, jwks: Jwks
) -> None:
    key = waiting_instance(jwt_zeebe)
    supervisor_jwt = token(jwks.key, ["supervisor"], sub="sun")
    bearer = httpx.Client(
        base_url=jwt_engine.console_url, headers={"Authorization": f"Bearer {supervisor_jwt}"}
    )
    detail = bearer.get(f"/api/instances/{key}").json()
    assert {v["name"]: v["value"] for v in detail["variables"]}["caseId"] == '"C-9"'
    refused = bearer.post(f"/api/instances/{key}/cancel")
    assert refused.status_code == 403 and "ops role" in refused.json()["detail"]
    client, csrf = login(jwt_engine, supervisor_jwt)
    assert client.get("/api/me").json()["mayAct"] is False
    assert (
        client.post(f"/api/instances/{key}/cancel", headers={"X-CSRF-Token": csrf}).status_code
        == 403
    )
    health = httpx.Client(
        base_url=jwt_engine.console_url,
        headers={"Authorization": f"Bearer {token(jwks.key, ['health'], sub='hu')}"},
    )
    hidden = health.get(f"/api/instances/{key}").json()["variables"]
    assert all(v["value"] is None and v["hidden"] for v in hidden)
    assert state_of(jwt_engine, key) == "ACTIVE"


def test_expired_foreign_and_forged_jwts_are_refused(
    jwt_engine: ConsoleEngine, jwt_zeebe: Zeebe, jwks: Jwks
) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    bad = {
        "expired": token(jwks.key, ["ops"], expires_in=-120),
        "wrong issuer": token(jwks.key, ["ops"], issuer="https://evil.example/realms/shenhou"),
        "wrong audience": token(jwks.key, ["ops"], audience="another-app"),
        "bad signature": token(forger, ["ops"]),
    }
    for why, forged in bad.items():
        client = httpx.Client(base_url=jwt_engine.console_url)
        answer = client.get("/api/me", headers={"Authorization": f"Bearer {forged}"})
        assert answer.status_code == 401, (why, answer.text)
        form = client.post("/login", data={"token": forged, "next": "/console/processes"})
        assert form.status_code == 303 and "failed=1" in form.headers["location"], why
        assert "set-cookie" not in form.headers, why
    expired = httpx.get(
        f"{jwt_engine.console_url}/api/me",
        headers={"Authorization": f"Bearer {bad['expired']}"},
    )
    assert expired.json()["detail"] == "token expired"


def test_without_jwt_settings_a_jwt_is_an_unknown_token(
    console_engine: ConsoleEngine, jwks: Jwks
) -> None:
    valid = token(jwks.key, ["ops"])
    client = httpx.Client(base_url=console_engine.console_url)
    answer = client.get("/api/me", headers={"Authorization": f"Bearer {valid}"})
    assert answer.status_code == 401
    form = client.post("/login", data={"token": valid})
    assert form.status_code == 303 and "failed=1" in form.headers["location"]


def test_an_unreachable_jwks_says_so(tmp_path: Path, jwks: Jwks) -> None:
    """An engine whose JWKS URL answers nothing: 503 for scripts, a message on the form."""
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/certs"
    env = {"SHENHOU_JWT_JWKS_URL": dead, "SHENHOU_JWT_ISSUER": ISSUER}
    engine = ConsoleEngine(tmp_path / "data", env=env).start()
    try:
        valid = token(jwks.key, ["ops"])
        client = httpx.Client(base_url=engine.console_url, timeout=30)
        answer = client.get("/api/me", headers={"Authorization": f"Bearer {valid}"})
        assert answer.status_code == 503, answer.text
        assert "identity provider" in answer.json()["detail"]
        form = client.post("/login", data={"token": valid, "next": "/console/processes"})
        assert form.status_code == 303 and "failed=unavailable" in form.headers["location"]
        assert "set-cookie" not in form.headers
        static = client.get("/api/me", headers={"Authorization": "Bearer ops-token-alice"})
        assert static.status_code == 200  # static tokens do not need the provider
    finally:
        assert engine.stop() == 0, engine.logs()[-4000:]


def test_a_fixed_public_key_or_oidc_discovery_instead_of_a_jwks_url(jwks: Jwks) -> None:
    pem = jwks.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    fixed = load_verifier(
        {"SHENHOU_JWT_PUBLIC_KEY": pem.decode(), "SHENHOU_JWT_ALGORITHMS": "RS256, ES256"}
    )
    assert fixed is not None and fixed.settings.algorithms == ("RS256", "ES256")
    user = fixed.verify_sync(token(jwks.key, [], sub="qian"))  # no issuer/audience set
    assert (user.sub, user.roles, user.may_act) == ("qian", frozenset(), False)
    nested = load_verifier(
        {
            "SHENHOU_OIDC_DISCOVERY": "true",
            "SHENHOU_JWT_ISSUER": jwks.base,
            "SHENHOU_JWT_AUDIENCE": AUDIENCE,
            "SHENHOU_JWT_ROLES_CLAIM": "realm_access.roles",
        }
    )
    assert nested is not None
    found = nested.verify_sync(token(jwks.key, ["ops"], issuer=jwks.base))
    assert found.may_act and found.sub == "zhao"
    with pytest.raises(JwtError) as refused:
        nested.verify_sync(token(jwks.key, ["ops"]))  # issued by another issuer
    assert refused.value.status == 401
    assert load_verifier({"SHENHOU_JWT_ISSUER": ISSUER}) is None  # an issuer alone: no JWTs

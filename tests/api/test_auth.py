"""Bearer tokens: static tokens from settings and JWTs verified against a real JWKS server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from api.settings import ApiSettings, StaticToken
from tests.api.live import live_api
from tests.workers.recording_server import Answer, recording_server

TOKENS = {
    "grid-taoyuan": StaticToken(sub="grid-1", roles=["grid"], townships=["桃源街道"]),
    "supervisor": StaticToken(sub="sup-1", roles=["supervisor"]),
}


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[httpx.Client]:
    settings = ApiSettings(
        shenhou_api_tokens=TOKENS,
        zeebe_address="127.0.0.1:1",
        database_url=f"sqlite:///{tmp_path}/ledger.db",
    )
    with live_api(settings) as c:
        yield c


def test_missing_token_is_401_with_challenge(client: httpx.Client) -> None:
    response = client.get("/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["message_zh"] == "缺少访问令牌"


def test_unknown_token_is_401(client: httpx.Client) -> None:
    response = client.get("/me", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_static_token_gives_roles_and_townships(client: httpx.Client) -> None:
    response = client.get("/me", headers={"Authorization": "Bearer grid-taoyuan"})
    assert response.status_code == 200
    assert response.json() == {"sub": "grid-1", "roles": ["grid"], "townships": ["桃源街道"]}


def test_unknown_role_in_settings_is_rejected_at_startup() -> None:
    with pytest.raises(ValueError, match="unknown roles"):
        StaticToken(sub="x", roles=["mayor"])


def _token(key: rsa.RSAPrivateKey, **claims: object) -> str:
    base: dict[str, object] = {
        "sub": "doc-7",
        "iss": "https://idp.test",
        "aud": "shenhou",
        "exp": int(time.time()) + 300,
        "roles": ["health"],
        "townships": ["长街镇"],
    }
    base.update(claims)
    return jwt.encode(base, key, algorithm="RS256", headers={"kid": "k1"})


def _jwks(key: rsa.RSAPrivateKey) -> dict[str, object]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "k1", "use": "sig", "alg": "RS256"})
    return {"keys": [jwk]}


def test_jwt_from_jwks_is_verified(rsa_key: rsa.RSAPrivateKey, tmp_path: Path) -> None:
    with recording_server(Answer(body=_jwks(rsa_key))) as idp:
        settings = ApiSettings(
            shenhou_jwt_jwks_url=f"{idp.url}/jwks",
            shenhou_jwt_issuer="https://idp.test",
            shenhou_jwt_audience="shenhou",
            zeebe_address="127.0.0.1:1",
            database_url=f"sqlite:///{tmp_path}/ledger.db",
        )
        with live_api(settings) as client:
            ok = client.get("/me", headers={"Authorization": f"Bearer {_token(rsa_key)}"})
            expired = client.get(
                "/me",
                headers={"Authorization": f"Bearer {_token(rsa_key, exp=int(time.time()) - 5)}"},
            )
            wrong_aud = client.get(
                "/me", headers={"Authorization": f"Bearer {_token(rsa_key, aud='other')}"}
            )
            other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            forged = client.get("/me", headers={"Authorization": f"Bearer {_token(other_key)}"})
    assert ok.status_code == 200
    assert ok.json() == {"sub": "doc-7", "roles": ["health"], "townships": ["长街镇"]}
    assert expired.status_code == 401 and expired.json()["message_en"] == "token expired"
    assert wrong_aud.status_code == 401
    assert forged.status_code == 401
    assert idp.requests and idp.requests[0].path == "/jwks"


def test_jwt_roles_outside_the_known_set_are_ignored(
    rsa_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives import serialization

    pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    settings = ApiSettings(
        shenhou_jwt_public_key=pem.decode(),
        shenhou_jwt_issuer="https://idp.test",
        shenhou_jwt_audience="shenhou",
        zeebe_address="127.0.0.1:1",
        database_url=f"sqlite:///{tmp_path}/ledger.db",
    )
    with live_api(settings) as client:
        token = _token(rsa_key, roles=["admin", "police"], townships=None)
        response = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["roles"] == ["police"]


def test_oidc_discovery_finds_the_jwks(rsa_key: rsa.RSAPrivateKey, tmp_path: Path) -> None:
    from tests.workers.recording_server import Recorded

    with recording_server() as idp:

        def answer(request: Recorded) -> Answer:
            if request.path == "/.well-known/openid-configuration":
                return Answer(body={"issuer": idp.url, "jwks_uri": f"{idp.url}/keys"})
            if request.path == "/keys":
                return Answer(body=_jwks(rsa_key))
            return Answer(status=404)

        idp.responder = answer
        settings = ApiSettings(
            shenhou_jwt_issuer=idp.url,
            shenhou_oidc_discovery=True,
            shenhou_jwt_audience="shenhou",
            zeebe_address="127.0.0.1:1",
            database_url=f"sqlite:///{tmp_path}/ledger.db",
        )
        with live_api(settings) as client:
            token = _token(rsa_key, iss=idp.url)
            response = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert [r.path for r in idp.requests] == ["/.well-known/openid-configuration", "/keys"]


def test_unreachable_identity_provider_is_503_not_401(
    rsa_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    with recording_server() as idp:
        dead = idp.url
    settings = ApiSettings(
        shenhou_jwt_jwks_url=f"{dead}/keys",
        zeebe_address="127.0.0.1:1",
        database_url=f"sqlite:///{tmp_path}/ledger.db",
    )
    with live_api(settings) as client:
        token = _token(rsa_key, aud=None)
        response = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.json()["code"] == "oidc_unavailable"

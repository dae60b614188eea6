"""Log in (token → session cookie) and out. The login form posts the token once; the browser
then holds only the session id, HttpOnly and SameSite=Strict, scoped to ``/console``."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from engine.console.auth import AuthError, authenticate, caller, same_origin
from engine.console.context import console_of
from engine.console.endpoints import problem
from engine.console.sessions import COOKIE, CSRF_HEADER, IDLE_TIMEOUT_S, csrf_ok

PREFIX = "/console"
DEFAULT_TARGET = f"{PREFIX}/instances"


async def login(request: Request) -> Response:
    if not same_origin(request):
        return PlainTextResponse("cross-site login refused", status_code=403)
    form = await request.form()
    token = str(form.get("token", ""))
    target = str(form.get("next", "")) or DEFAULT_TARGET
    if not target.startswith(f"{PREFIX}/") or target.startswith("//"):
        target = DEFAULT_TARGET  # never redirect off the console (open redirect)
    sessions = console_of(request).sessions
    try:
        user = await authenticate(sessions, token.strip())
    except AuthError as error:
        # The form says which: an unknown / rejected token, or an unreachable identity provider.
        failed = "unavailable" if error.status == 503 else "1"
        again = urlencode({"failed": failed, "next": target})
        return RedirectResponse(f"{PREFIX}/login?{again}", status_code=303)
    session_id, _ = sessions.open(user)
    answer = RedirectResponse(target, status_code=303)
    answer.set_cookie(
        COOKIE,
        session_id,
        max_age=int(IDLE_TIMEOUT_S),
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return answer


async def logout(request: Request) -> Response:
    sessions = console_of(request).sessions
    try:
        who = await caller(request, sessions)
        if who.csrf is not None and not csrf_ok(who.csrf, request.headers.get(CSRF_HEADER)):
            return problem(403, "missing or wrong CSRF token")
    except AuthError:
        pass  # logging out without a session is a no-op
    sessions.logout(request.cookies.get(COOKIE))
    answer = JSONResponse({"ok": True})
    answer.delete_cookie(COOKIE, path=PREFIX)
    return answer


async def login_info(request: Request) -> Response:
    return JSONResponse({"configured": console_of(request).sessions.enabled})

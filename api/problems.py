"""Errors as answers: every error body carries a machine code and a message in Chinese and
English (front-line clerks read Chinese; integrators and logs read English).

Body shape: ``{"code": ..., "message_zh": ..., "message_en": ..., "errors": [...]}``, where
``errors`` lists per-field problems for validation failures (422).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError

from domain.errors import DomainError
from domain.logs import mask_text

log = structlog.get_logger(__name__)


class FieldProblem(BaseModel):
    field: str
    type: str
    message_zh: str
    message_en: str


class ProblemBody(BaseModel):
    code: str
    message_zh: str
    message_en: str
    errors: list[FieldProblem] = []


class Problem(Exception):
    """Raise to answer with an error status and a bilingual body."""

    def __init__(
        self,
        status: int,
        code: str,
        zh: str,
        en: str,
        *,
        headers: dict[str, str] | None = None,
        errors: list[FieldProblem] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {en}")
        self.status = status
        self.code = code
        self.zh = zh
        self.en = en
        self.headers = headers
        self.errors = errors or []
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        body = ProblemBody(
            code=self.code, message_zh=self.zh, message_en=self.en, errors=self.errors
        ).model_dump()
        body.update(self.extra)
        return body


# Chinese messages for pydantic's error types; the English is pydantic's own message.
_ZH_BY_TYPE = {
    "missing": "必填字段缺失",
    "string_type": "应为文本",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为布尔值",
    "datetime_parsing": "时间格式不正确（应为ISO 8601，如 2026-11-29T06:00:00+08:00）",
    "datetime_type": "时间格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "timezone_aware": "时间须带时区",
    "date_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
    "date_from_datetime_parsing": "日期格式不正确",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "extra_forbidden": "不允许的字段",
    "json_invalid": "请求体不是合法的JSON",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "list_type": "应为列表",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "less_than": "数值过大",
    "too_short": "条目过少",
    "too_long": "条目过多",
    "value_error": "取值无效",
    "assertion_error": "取值无效",
}


# Model-level rules (no field in their location) and the body field they are about.
_FIELD_OF_RULE = {
    "certificate.code_rule": "code",
    "certificate.serial_with_id": "serial",
    "certificate.name_none": "code",
    "report.before_death": "reported_at",
}


def _field_problem(error: dict[str, Any]) -> FieldProblem:
    loc = [str(part) for part in error.get("loc", ()) if part not in ("body",)]
    field = ".".join(loc) or _FIELD_OF_RULE.get(str(error.get("type")), "body")
    kind = str(error.get("type", "value_error"))
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, DomainError):
        return FieldProblem(field=field, type=cause.code, message_zh=cause.zh, message_en=cause.en)
    message = str(error.get("msg", "invalid value"))
    if kind not in _ZH_BY_TYPE and " / " in message:
        # domain's own errors arrive as "<zh> / <en>" under a stable code (e.g. phone.mobile).
        zh, _, en = message.partition(" / ")
        return FieldProblem(
            field=field, type=kind, message_zh=f"{field}：{zh}", message_en=f"{field}: {en}"
        )
    message_en = message.removeprefix("Value error, ")
    return FieldProblem(
        field=field,
        type=kind,
        message_zh=f"{field}：{_ZH_BY_TYPE.get(kind, '取值无效')}",
        message_en=f"{field}: {message_en}",
    )


def validation_problem(errors: list[dict[str, Any]]) -> Problem:
    problems = [_field_problem(e) for e in errors]
    return Problem(
        422,
        "validation_failed",
        "提交的数据有误：" + "；".join(p.message_zh for p in problems),
        "invalid input: " + "; ".join(p.message_en for p in problems),
        errors=problems,
    )


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    async def on_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problem = validation_problem(list(exc.errors()))
        return JSONResponse(problem.body(), status_code=422)

    async def on_domain(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        problem = Problem(
            422,
            exc.code,
            exc.zh,
            exc.en,
            errors=[
                FieldProblem(field="body", type=exc.code, message_zh=exc.zh, message_en=exc.en)
            ],
        )
        return JSONResponse(problem.body(), status_code=422)

    async def on_model_validation(_request: Request, exc: Exception) -> JSONResponse:
        # A domain model built inside a route (e.g. the certificate from the body and the
        # case) refused the data: the caller's input is wrong, so 422 like body validation.
        assert isinstance(exc, ValidationError)
        problem = validation_problem([dict(e) for e in exc.errors()])
        return JSONResponse(problem.body(), status_code=422)

    @app.middleware("http")
    async def unexpected_errors(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # An unexpected error must not reach the server's traceback logging: tracebacks show
        # local values (names, ID numbers). Log a masked one-liner and answer 500 in both
        # languages instead.
        try:
            return await call_next(request)
        except Exception as error:
            log.error(
                "unexpected error",
                path=request.url.path,
                error=mask_text(f"{type(error).__name__}: {error}")[:300],
            )
            problem = Problem(500, "internal_error", "服务器内部错误", "internal server error")
            return JSONResponse(problem.body(), status_code=500)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(ValidationError, on_model_validation)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(DomainError, on_domain)


# Responses documented on every protected route (OpenAPI).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ProblemBody, "description": "缺少或无效的令牌 / missing or invalid token"},
    403: {"model": ProblemBody, "description": "角色或辖区无权 / role or township not allowed"},
    422: {"model": ProblemBody, "description": "数据校验失败 / validation failed"},
}

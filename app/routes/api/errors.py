"""Language of API messages (the caller's Accept-Language: English or, by default, Chinese),
and 422 answers that speak it, whether the body does not parse or the rules refuse it."""

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from app.core.i18n import DEFAULT_LOCALE, N_, Gettext, Message, gettext_for
from app.domain.validation import Invalid


def api_locale(request: Request) -> str:
    accepted = request.headers.get("accept-language", "").lower()
    return "en" if accepted.startswith("en") else DEFAULT_LOCALE


def api_gettext(request: Request) -> Gettext:
    return gettext_for(api_locale(request))


class ProblemOut(BaseModel):
    loc: list[str | int]
    msg: str = Field(description="In the caller's language (Accept-Language: en, else Chinese).")
    type: str


class UnprocessableOut(BaseModel):
    detail: list[ProblemOut]


class ErrorOut(BaseModel):
    detail: str = Field(description="In the caller's language (Accept-Language: en, else Chinese).")


# What each refusal means, for the API's schema (documented_refusals).
REFUSALS = {
    401: "No valid bearer token (POST /auth/token: wrong name or password).",
    403: "The caller's role may not do this.",
    404: "No such record within the caller's reach.",
    409: "It clashes with what is stored.",
    413: "The body is larger than this kind of request may send.",
    422: "Invalid input, field by field.",
    429: "Too many attempts: wait the Retry-After seconds.",
}


UNPROCESSABLE: dict[int | str, dict[str, Any]] = {
    422: {"model": UnprocessableOut, "description": REFUSALS[422]}
}


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's refusals beyond those every route documents (documented_refusals)."""
    return {status: {"model": ErrorOut, "description": REFUSALS[status]} for status in statuses}


def documented_refusals(schema: dict[str, Any]) -> dict[str, Any]:
    """Every API operation lists the refusals any such operation may answer, in the project's
    error shapes: 401 and 403 when it needs a token, 404 when a path names a record, 413 when
    it takes a body, 422 (ours, not FastAPI's English one) when it reads any input."""
    shapes = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, UnprocessableOut):
        shape = model.model_json_schema(ref_template="#/components/schemas/{model}")
        shapes.update(shape.pop("$defs", {}))
        shapes[model.__name__] = shape
    for validation in ("HTTPValidationError", "ValidationError"):
        shapes.pop(validation, None)
    for operations in schema["paths"].values():
        for operation in operations.values():
            answers = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            statuses = [
                *((401, 403) if "security" in operation else ()),
                *((404,) if any(p["in"] == "path" for p in parameters) else ()),
                *((413,) if "requestBody" in operation else ()),
                *((422,) if "requestBody" in operation or parameters else ()),
            ]
            for status in statuses:
                model = UnprocessableOut if status == 422 else ErrorOut
                if str(status) not in answers or "HTTPValidationError" in str(answers[str(status)]):
                    answers[str(status)] = _answer(model, REFUSALS[status])
    return schema


def _answer(model: type[BaseModel], description: str) -> dict[str, Any]:
    shape = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"description": description, "content": {"application/json": {"schema": shape}}}


NOT_JSON = N_("The body is not valid JSON.")
DATETIME = N_("Enter a date and time as ISO 8601, such as 2024-06-30T14:30+08:00.")
# Pydantic's error types → what the caller is told (msgids, in their language).
VALIDATION_MESSAGES = {
    "missing": N_("This field is required."),
    "literal_error": N_("Choose one of: %(expected)s."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "decimal_parsing": N_("Enter a number."),
    "decimal_type": N_("Enter a number."),
    "greater_than": N_("Enter a number above %(gt)s."),
    "greater_than_equal": N_("Enter a number of at least %(ge)s."),
    "less_than_equal": N_("Enter a number of at most %(le)s."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_type": N_("Enter a date as YYYY-MM-DD."),
    "string_pattern_mismatch": N_("Enter a month as YYYY-MM."),
    "union_tag_invalid": N_("The scheme must be resident or flexible."),
    "union_tag_not_found": N_("Name the scheme: resident or flexible."),
    "too_short": N_("Give at least %(min_length)s items here."),
    "too_long": N_("Give at most %(max_length)s items here."),
    "json_invalid": NOT_JSON,
    "model_attributes_type": N_("Send an object here."),
    "dict_type": N_("Send an object here."),
    "list_type": N_("Send a list here."),
    "enum": N_("Choose one of: %(expected)s."),
    "bool_parsing": N_("Send true or false."),
    "bool_type": N_("Send true or false."),
    "datetime_parsing": N_("Enter a date and time as ISO 8601, such as 2024-06-30T14:30+08:00."),
    "datetime_from_date_parsing": N_(
        "Enter a date and time as ISO 8601, such as 2024-06-30T14:30+08:00."
    ),
    "string_type": N_("Send text here."),
    "string_unicode": N_("This text holds a character that cannot be stored: type it again."),
}
NOT_VALID = N_("This value is not valid.")


def _date_as_text(value: object) -> object:
    """Only YYYY-MM-DD: Pydantic would read a number (``0``, ``"0"``) as seconds since 1970."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_type", "Enter a date as YYYY-MM-DD.")


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IsoDate = Annotated[date, BeforeValidator(_date_as_text)]


class LocalisedErrors(APIRoute):
    """FastAPI's 422 for a body that does not validate, each message in the caller's language
    (the same shape as FastAPI's own: loc, msg, type)."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as invalid:
                return invalid_request(request, invalid)

        return route


def invalid_request(request: Request, invalid: RequestValidationError) -> JSONResponse:
    return unprocessable(request, map(_problem, invalid.errors()))


def _problem(error: dict[str, Any]) -> tuple[Sequence[Any], str | Message, str]:
    context = error.get("ctx") or {}
    if error["type"] == "value_error":  # our own validators raise ValueError(msgid)
        return error["loc"], str(context.get("error", NOT_VALID)), "value_error"
    message = VALIDATION_MESSAGES.get(error["type"], NOT_VALID)
    values = {key: str(value) for key, value in context.items()}
    return error["loc"], Message(message, values), error["type"]


def unprocessable(
    request: Request, problems: Iterable[tuple[Sequence[Any], str | Message, str]]
) -> JSONResponse:
    _ = api_gettext(request)
    detail = [{"loc": list(loc), "msg": _(msg), "type": kind} for loc, msg, kind in problems]
    return JSONResponse({"detail": detail}, status_code=422)


def refused(request: Request, invalid: Invalid, where: Callable[[str], tuple]) -> JSONResponse:
    """The rules' own refusals, located where the caller sent the value."""
    problems = ((where(name), message, "value_error") for name, message in invalid.errors.items())
    return unprocessable(request, problems)

"""Fuzzing the API: schemathesis draws requests from /openapi.json for every /api/v1 operation;
every answer must be no server error, carry no traceback and match what the schema documents
for its status. The admin, who reaches the most, gets the boundary values of every field too
(the coverage phase); a member gets random requests only, to keep the run short."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from app.main import app

# What must hold of every answer. Left out: whether its status is listed (the schema lists
# each operation's usual refusals, api.md all of them), and valid-looking input the rules
# refuse or lenient parsing accepts (the schema is the shape; the rules are stricter, or
# kinder, than it).
CHECKS = (
    "not_a_server_error",
    "response_schema_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "ignored_auth",
)
EXAMPLES = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))


def api_schema(boundaries: bool):
    config = {
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "phases": {"coverage": {"enabled": boundaries, "unexpected-methods": []}},
    }
    return schemathesis.openapi.from_asgi(
        "/openapi.json", app, config=schemathesis.Config.from_dict(config)
    )


thorough, quick = api_schema(boundaries=True), api_schema(boundaries=False)


@pytest.fixture
def as_admin(api_token):
    return api_token("alice")


@pytest.fixture
def as_member(api_token):
    return api_token("mei")


def answered(case, headers) -> None:
    response = case.call_and_validate(headers=headers)
    assert "Traceback" not in response.text


@thorough.parametrize()
@EXAMPLES
def test_any_request_of_an_admin_is_answered_as_documented(case, as_admin):
    answered(case, as_admin)


@quick.parametrize()
@EXAMPLES
def test_any_request_of_a_member_is_answered_as_documented(case, as_member):
    answered(case, as_member)

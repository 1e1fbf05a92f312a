"""API fuzzing: schemathesis drives every operation of the OpenAPI schema, with valid and invalid data.

Bounded in examples; as an admin (who may reach every operation), as every other role and anonymously, on SQLite and
PostgreSQL. Checked: no 5xx, and every response conforms to the schema (its status documented, its
body of the documented shape). Starting simulations is left out: each would synthesise a population.
(schemathesis's own pytest fixture integration does not run under pytest 9, so each operation's
Hypothesis strategy is driven here directly.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from huiqi.app import create_app
from huiqi.auth import service as auth

CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, response_schema_conformance]
SKIPPED = {("POST", "/api/v1/simulations")}
SPEC = create_app().openapi()  # the same for every app the tests make
OPERATIONS = sorted(
    (op.method.upper(), op.path) for op in (r.ok() for r in schemathesis.openapi.from_dict(SPEC).get_all_operations())
    if (op.method.upper(), op.path) not in SKIPPED)


def fuzz(app, method: str, path: str, headers: dict[str, str], examples: int) -> None:
    schema = schemathesis.openapi.from_dict(SPEC)  # parsed here, not fetched from each app
    schema.app = app
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case) -> None:
        # No timing is asserted here (the machine is shared): schemathesis's 10 s default read timeout failed once
        # under load, so a request is given a minute; the checks are about answers, not speed.
        case.call_and_validate(headers=headers, checks=CHECKS, timeout=60)

    try:
        run()
    finally:
        # schemathesis starts each app's lifespan once and keeps it (with the app) until exit, as its own pytest
        # plugin stops them after each test: without this, the suite's thousand apps held gigabytes, and stopping
        # them all at exit took a minute and a half.
        asgi.shutdown_lifespans()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_as_admin(app, people, session, method: str, path: str) -> None:
    _, token = auth.issue_token(session, actor=people.admin, name="fuzz")
    fuzz(app, method, path, {"Authorization": f"Bearer {token}"}, examples=12)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_anonymously(app, method: str, path: str) -> None:
    fuzz(app, method, path, {}, examples=5)


PERSONAS = ("alice", "shenyang", "miit", "finance", "auditor", "analyst")  # every role a person may hold


@pytest.mark.parametrize("who", PERSONAS)
def test_api_as_every_persona(app, people, session, who: str) -> None:
    """Every role meets every operation: a refusal is a documented 4xx, never a 5xx (one test per role, so the
    personas are made once; the operation that fails is named)."""
    _, token = auth.issue_token(session, actor=getattr(people, who), name="fuzz")
    for method, path in OPERATIONS:
        try:
            fuzz(app, method, path, {"Authorization": f"Bearer {token}"}, examples=5)
        except Exception as error:
            raise AssertionError(f"{who}: {method} {path}") from error

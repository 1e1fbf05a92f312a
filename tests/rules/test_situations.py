"""Policy behaviour as readable situations: tests/rules/cases/*.yaml (after openfisca's YAML tests).

Each file has ``defaults`` (as_of, applicant) and ``situations``; a situation gives the applicant
fields it changes, its matters, and what to expect. ``results`` lists every (matter, measure)
pair the answer must hold, no more, no fewer; the other keys are compared when given. Each
situation also runs through the vectorised evaluator, which must agree.
"""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from huiqi.errors import InputError
from huiqi.rules.batch import evaluate_case
from huiqi.rules.case import read_case
from huiqi.rules.match import match

CASES = Path(__file__).parent / "cases"


def _situations() -> list[Any]:
    found = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for situation in data["situations"]:
            found.append(pytest.param(data.get("defaults", {}), situation, id=f"{path.stem}: {situation['name']}"))
    return found


def _case(defaults: dict, situation: dict) -> dict:
    applicant = {**defaults.get("applicant", {}), **situation.get("applicant", {})}
    return {"applicant": applicant, "matters": situation.get("matters", [])}


@pytest.mark.parametrize(("defaults", "situation"), _situations())
def test_situation(defaults: dict, situation: dict, policies) -> None:
    as_of = situation.get("as_of", defaults.get("as_of"))
    expect = situation["expect"]
    if "error" in expect:
        with pytest.raises(InputError) as caught:
            read_case(_case(defaults, situation))
        fields = [field for field, _ in caught.value.problems]
        assert expect["error"] in fields, caught.value.message
        return
    case = read_case(_case(defaults, situation))
    answer = match(case, policies, as_of)
    got = answer.model_dump(mode="json")
    _check_results(got["results"], expect.get("results", []))
    for key in ("grants", "total_ceiling", "expired"):
        if key in expect:
            assert _trim(got[key], expect[key]) == expect[key], key
    for key in ("services", "local", "expired_services", "expired_local"):
        if key in expect:
            assert _opportunities(got[key]) == expect[key], key
    _check_vector(case, policies, as_of, got)


def _check_results(got: list[dict], expected: list[dict]) -> None:
    by_key = {(r["matter"], r["measure"]): r for r in got}
    assert sorted(by_key) == sorted((e["matter"], e["measure"]) for e in expected), "results pairs"
    for e in expected:
        actual = by_key[(e["matter"], e["measure"])]
        assert {k: actual[k] for k in e} == e, f"result {e['matter']}/{e['measure']}"


def _trim(got: Any, expected: Any) -> Any:
    """Keep in each got item only the keys the expectation names."""
    if isinstance(got, list) and isinstance(expected, list) and len(got) == len(expected):
        return [{k: g.get(k) for k in e} if isinstance(e, dict) else g for g, e in zip(got, expected, strict=True)]
    return got


def _opportunities(items: list[dict]) -> dict[int, str]:
    return {item["measure"]: item["status"] for item in items}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _check_vector(case, policies, as_of, got: dict) -> None:
    frame = evaluate_case(case, policies, date.fromisoformat(got["as_of"]))
    vector = {
        (r["matter"], r["measure"]): (r["status"], r["ceiling"], r["ceiling_before_deduction"], r["excluded_by"])
        for r in frame.iter_rows(named=True)
    }
    scalar = {
        (r["matter"], r["measure"]): (r["status"], r["ceiling"], r["ceiling_before_deduction"], _text(r["excluded_by"]))
        for r in got["results"]
    }
    assert vector == scalar

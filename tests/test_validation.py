"""Pydantic's errors in Chinese: a text too long is counted in 字, a list too long in 项, whether or not the text
field is optional (Pydantic reports an optional one's bound as a list's); a date of the right shape that the
calendar lacks is named as such."""

from collections.abc import Iterator
from datetime import date
from typing import Annotated

import annotated_types
import pytest
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from huiqi.app import create_app
from huiqi.errors import InputError
from huiqi.users.schemas import UserCreate
from huiqi.validation import Day, PlainText, StrictInput, form_date, iso_date, problems, reason


class Sample(StrictInput):
    title: PlainText = Field(max_length=5)
    note: PlainText | None = Field(None, max_length=5)
    tags: list[str] = Field(default_factory=list, max_length=2)


@pytest.mark.parametrize(("data", "said"), [
    ({"title": "一二三四五六"}, [(("title",), "不能超过 5 个字")]),
    ({"title": "一", "note": "一二三四五六"}, [(("note",), "不能超过 5 个字")]),
    ({"title": "一", "tags": ["a", "b", "c"]}, [(("tags",), "不能超过 2 项")]),
])
def test_a_text_too_long_is_counted_in_characters_and_a_list_in_items(data, said) -> None:
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate(data)
    assert problems(caught.value) == said


def test_an_optional_text_of_a_real_form_says_characters() -> None:
    with pytest.raises(ValidationError) as caught:
        UserCreate.model_validate({"username": "x-user", "display_name": "某人", "role": "department",
                                   "password": "long enough pw", "department": "局" * 101})
    assert problems(caught.value) == [(("department",), "不能超过 100 个字")]


@pytest.mark.parametrize(("sent", "said"), [("2026-02-30", "2026-02-30 不是有效日期"),
                                            ("2026-13-01", "2026-13-01 不是有效日期"),
                                            ("2026/02/28", "应为日期（YYYY-MM-DD）"),
                                            ("明天", "应为日期（YYYY-MM-DD）")])
def test_a_date_that_does_not_exist_is_not_called_a_wrong_shape(sent: str, said: str) -> None:
    for read in (lambda: TypeAdapter(date).validate_python(sent), lambda: TypeAdapter(date).validate_json(f'"{sent}"')):
        with pytest.raises(ValidationError) as refused:
            read()
        assert [reason(e) for e in refused.value.errors()] == [said]


class Dated(StrictInput):
    on: Day


@pytest.mark.parametrize(("sent", "said"), [("20260228", "应为日期（YYYY-MM-DD）"),
                                            ("2026-W09-6", "应为日期（YYYY-MM-DD）"),
                                            ("2026-02-28\n", None), (" 2026-02-28", None),
                                            (0, "应为日期（YYYY-MM-DD）"), (1772236800, "应为日期（YYYY-MM-DD）"),
                                            ("2026-02-30", "2026-02-30 不是有效日期"),
                                            (None, "应为日期（YYYY-MM-DD）")])
def test_a_date_is_written_year_month_day_or_refused(sent: object, said: str | None) -> None:
    """A request's date, a form's and a command's are read alike: YYYY-MM-DD, not a compact 20260228, an ISO week
    nor a number of seconds (which pydantic alone reads as a day of 1970)."""
    if said is None:
        assert Dated.model_validate({"on": sent}).on == iso_date(str(sent)) == date(2026, 2, 28)
        assert Dated.model_validate_json(f'{{"on": "{str(sent).strip()}"}}').on == date(2026, 2, 28)
        return
    with pytest.raises(ValidationError) as refused:
        Dated.model_validate({"on": sent})
    assert [reason(e) for e in refused.value.errors()] == [said]
    if isinstance(sent, str):
        with pytest.raises(InputError) as typed:
            form_date(sent, "starts_on")
        assert typed.value.problems == [("starts_on", said)]


# A value past each kind of bound the request bodies set (annotated_types' constraints): every kind the schemas use
# must be here, and said in Chinese (``amount`` gt=0 used to answer "Input should be greater than 0").
PAST_BOUND = {
    annotated_types.Gt: (annotated_types.Gt(0), -1, "应大于 0"),
    annotated_types.Ge: (annotated_types.Ge(0), -1, "应不小于 0"),
    annotated_types.Lt: (annotated_types.Lt(0), 1, "应小于 0"),
    annotated_types.Le: (annotated_types.Le(0), 1, "应不大于 0"),
    annotated_types.MultipleOf: (annotated_types.MultipleOf(2), 3, "应为 2 的整数倍"),
    annotated_types.MinLen: (annotated_types.MinLen(2), "一", "至少 2 个字符"),
    annotated_types.MaxLen: (annotated_types.MaxLen(1), "一二", "不能超过 1 个字"),
}


def _models(kind: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for sub in kind.__subclasses__():
        yield sub
        yield from _models(sub)


def test_every_kind_of_bound_the_schemas_use_is_said_in_chinese() -> None:
    create_app()  # every router, hence every request body, imported
    used = {type(m) for model in _models(BaseModel) if model.__module__.startswith("huiqi.")
            for field in model.model_fields.values() for m in field.metadata
            if type(m).__module__ == "annotated_types"}
    assert annotated_types.Gt in used and used <= set(PAST_BOUND), used - set(PAST_BOUND)
    for bound, value, said in PAST_BOUND.values():
        with pytest.raises(ValidationError) as caught:
            TypeAdapter(Annotated[type(value), bound]).validate_python(value)
        assert problems(caught.value) == [((), said)]

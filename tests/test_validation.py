"""Pydantic's errors in Chinese: a text too long is counted in 字, a list too long in 项, whether or not the text
field is optional (Pydantic reports an optional one's bound as a list's); a date of the right shape that the
calendar lacks is named as such."""

from datetime import date

import pytest
from pydantic import Field, TypeAdapter, ValidationError

from huiqi.users.schemas import UserCreate
from huiqi.validation import PlainText, StrictInput, problems, reason


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

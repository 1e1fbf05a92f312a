"""Pydantic's errors in Chinese: a text too long is counted in 字, a list too long in 项, whether or not the text
field is optional (Pydantic reports an optional one's bound as a list's)."""

import pytest
from pydantic import Field, ValidationError

from huiqi.users.schemas import UserCreate
from huiqi.validation import PlainText, StrictInput, problems


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

"""Pydantic's refusals said in Chinese: a date of the right shape that the calendar lacks is named as such."""

from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError

from huiqi.validation import reason


@pytest.mark.parametrize(("sent", "said"), [("2026-02-30", "2026-02-30 不是有效日期"),
                                            ("2026-13-01", "2026-13-01 不是有效日期"),
                                            ("2026/02/28", "应为日期（YYYY-MM-DD）"),
                                            ("明天", "应为日期（YYYY-MM-DD）")])
def test_a_date_that_does_not_exist_is_not_called_a_wrong_shape(sent: str, said: str) -> None:
    for read in (lambda: TypeAdapter(date).validate_python(sent), lambda: TypeAdapter(date).validate_json(f'"{sent}"')):
        with pytest.raises(ValidationError) as refused:
            read()
        assert [reason(e) for e in refused.value.errors()] == [said]

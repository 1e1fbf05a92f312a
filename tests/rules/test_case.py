"""A case as read from the interchange shape: codes of two types in one matter are refused in Chinese, by their
labels, not by their codes and types."""

import pytest

from huiqi.errors import InputError
from huiqi.rules.case import read_case


def _refused(matter: dict) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        read_case({"matters": [{"id": "x", **matter}]})
    return caught.value.problems


def test_a_project_and_an_honour_in_one_matter_are_named_by_their_labels() -> None:
    (path, reason), = _refused({"type": "honour", "codes": ["smart_manufacturing", "gazelle"]})
    assert path == "matters[0]"
    assert reason.startswith("「智能制造项目」属于项目类，「“瞪羚”企业")
    assert reason.endswith("属于荣誉类：一个事项只能是一类，请分开登记")
    assert "smart_manufacturing" not in reason and "type=" not in reason


def test_codes_of_another_type_than_the_one_given_say_both() -> None:
    (_, reason), = _refused({"type": "honour", "codes": ["smart_manufacturing"]})
    assert reason == "「智能制造项目」属于项目类，与所填事项类型（荣誉类）不符"

"""本单位's forms name every field by its Chinese label, and a value the form never offers (a forged form) by the
choices in words: no field's technical name, no value's English name."""

import re

import pytest

pytestmark = pytest.mark.anyio

PROFILE = {"name": "示例科技有限公司", "kind": "enterprise", "region": "210102", "industry": "6513", "size": "medium"}


def _summary(text: str) -> str:
    found = re.search(r'<div class="errors error-summary".*?</div>', text, re.S)
    assert found, "an error summary"
    return re.sub(r"<[^>]+>", "", found.group(0))


def _english(text: str) -> list[str]:
    """Words in Latin letters (field or value names) in an error summary."""
    return re.findall(r"[A-Za-z_]{3,}", text)


@pytest.mark.parametrize(("field", "value", "said"), [
    ("bad_credit", "alien", "有不良信用记录：请选择“是”或“否”（不清楚的可不填）"),
    ("above_scale", "maybe", "规模以上企业：请选择“是”或“否”（不清楚的可不填）"),
    ("kind", "alien", "单位类型：请从所列选项中选择（企业、高校、科研院所、行业协会、产业联盟等、园区、市（地区））"),
    ("size", "huge", "企业规模：请从所列选项中选择（大型、中型、小型、微型）"),
])
async def test_a_forged_profile_value_is_said_in_chinese(browser, people, field, value, said) -> None:
    refused = await browser(people.alice).post("/me/profile", data={**PROFILE, field: value})
    assert refused.status_code == 422
    summary = _summary(refused.text)
    assert said in summary and not _english(summary), summary


@pytest.mark.parametrize(("field", "value", "said"), [
    ("matters-0-level", "alien", "级别：请从所列选项中选择（国际、国家级、行业、省级）"),
    ("matters-0-listed", "maybe", "列入科技赋能数字经济发展计划：请选择“是”或“否”（不清楚的可不填）"),
    ("matters-0-codes", "alien", "事项类别：有 1 个所选类别不在列表中，请从列表中勾选"),
])
async def test_a_forged_matter_value_is_said_in_chinese(browser, people, field, value, said) -> None:
    data = {"key": "m9", "matters-0-codes": "little_giant", "matters-0-level": "national",
            "matters-0-date": "2024-07-15", field: value}
    refused = await browser(people.alice).post("/me/matters", data=data)
    assert refused.status_code == 422
    summary = _summary(refused.text)
    assert said in summary and not _english(summary), summary


async def test_a_forged_key_to_delete_is_named_事项编号(browser, people) -> None:
    refused = await browser(people.alice).post("/me/matters/delete", data={"key": "x" * 65})
    assert refused.status_code == 422
    assert "事项编号：不能超过 64 个字" in refused.text and "key：" not in refused.text

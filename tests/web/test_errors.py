"""Form errors, the GOV.UK way (templates/_errors.html): a summary whose lines link to the fields, the reason
beside the field, and only Chinese labels (no English field name, no raw pattern)."""

import re

import pytest

from tests.dbtest import a_round

pytestmark = pytest.mark.anyio
ENGLISH_FIELD = re.compile(r"[A-Za-z_][A-Za-z_0-9.\[\]]*\s*：")
PATTERN = re.compile(r"\^|\$'|\\d|\[0-9")


def _errors(text: str) -> str:
    found = re.findall(r'<div class="errors error-summary".*?</div>', text, re.S)
    assert found, "an error summary"
    return "".join(found)


def _plain(summary: str) -> None:
    words = re.sub(r"<[^>]+>", "", summary)
    assert not ENGLISH_FIELD.search(words), words
    assert not PATTERN.search(words), words
    assert "请修改以下内容" in words


async def test_bad_input_to_the_main_forms_is_told_in_chinese_and_linked_to_its_field(browser, session, people) -> None:
    alice, admin = browser(people.alice), browser(people.admin)
    new = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3",
                                                      "amount": "1e"})
    assert new.status_code == 422
    _plain(_errors(new.text))
    assert 'href="#f-amount"' in new.text and 'id="f-amount"' in new.text
    assert new.text.count("不是数字") == 2, "in the summary, and beside the field"
    profile = await alice.post("/me/profile", data={"name": "改过的名字", "revenue": "1.23456"})
    assert profile.status_code == 422
    _plain(_errors(profile.text))
    assert 'href="#f-revenue"' in profile.text and 'id="f-revenue"' in profile.text
    matter = await alice.post("/me/matters", data={"key": "a b", "matters-0-codes": "key_tech",
                                                    "matters-0-date": "2024-02-30"})
    assert matter.status_code == 422
    _plain(_errors(matter.text))
    user = await admin.post("/admin/users", data={"username": "a b", "display_name": "", "role": "city",
                                                  "password": "short"})
    assert user.status_code == 422
    _plain(_errors(user.text))
    for field in re.findall(r'href="#(f-[^"]+)"', _errors(user.text)):
        assert f'id="{field}"' in user.text, field
    password = await alice.post("/account/password", data={"current_password": "wrong", "new_password": "short"})
    assert password.status_code == 422
    _plain(_errors(password.text))

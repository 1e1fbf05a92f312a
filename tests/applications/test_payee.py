"""The payee boxes (开户银行, 银行账号) forged past their bounds or holding a NUL: said beside the box on the
application's page shown again, by the box's Chinese label, what was typed kept (cut to the bound, without the
character); nothing is confirmed. The API still refuses such text at its door, naming the field."""

import re
from datetime import date

import pytest

from huiqi.applications import payee
from huiqi.errors import InputError
from tests.dbtest import apply
from tests.webtest import bearer, marked

pytestmark = pytest.mark.anyio


@pytest.fixture
def alice_h1(session, people, tmp_path):
    """Alice's application under measure 3, submitted (its account confirmed by the submission's helper)."""
    return apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)


def _box(text: str, name: str) -> str:
    return re.search(rf'<input id="f-{name}" name="{name}"[^>]* value="([^"]*)"', text).group(1)


@pytest.mark.parametrize(("bank", "account", "said", "shown"), [
    ("招商银行" * 26, "6222000011112222", [("f-bank", "不能超过 100 个字符（现有 104 个）")],
     ("招商银行" * 25, "6222000011112222")),
    ("中国\x00银行", "6222000011112222", [("f-bank", "不能含有空字符（NUL）")], ("中国银行", "6222000011112222")),
    ("中国银行", "6222\x000000", [("f-account", "不能含有空字符（NUL）")], ("中国银行", "62220000")),
    ("中国银行", "1" * 100_000, [("f-account", "不能超过 40 个字符（现有 100000 个）")], ("中国银行", "1" * 40)),
    ("中\x00国" * 40, "6" * 41,
     [("f-bank", "不能含有空字符（NUL）"), ("f-account", "不能超过 40 个字符（现有 41 个）")], ("中国" * 40, "6" * 40)),
])
async def test_a_forged_box_is_said_beside_it_and_kept(browser, session, people, alice_h1, bank, account, said,
                                                        shown) -> None:
    before = (alice_h1.payee_bank, alice_h1.payee_account)
    refused = await browser(people.alice).post(f"/applications/{alice_h1.id}/payee",
                                               data={"bank": bank, "account": account, "seen": "2222"})
    assert refused.status_code == 422 and "<h1>申报 #" in refused.text, "the application's page, not an error page"
    assert marked(refused.text) == said
    for field, label in (("bank", "开户银行"), ("account", "银行账号")):
        if f"f-{field}" in dict(said):
            assert f'<a href="#f-{field}">{label}：' in refused.text, "named by its label in the summary"
    assert (_box(refused.text, "bank"), _box(refused.text, "account")) == shown
    session.refresh(alice_h1)
    assert (alice_h1.payee_bank, alice_h1.payee_account) == before


def test_the_service_says_each_box_s_mistake() -> None:
    with pytest.raises(InputError) as refused:
        payee.checked("工行\n沈阳", "6222\x1b0000")
    assert refused.value.problems == [("bank", "请填写开户银行（一行，不超过 100 个字）"),
                                      ("account", "不能含有控制字符（U+001B）")]


async def test_the_api_still_refuses_it_at_the_door(client, session, people, alice_h1) -> None:
    answered = await client.post(f"/api/v1/applications/{alice_h1.id}/payee", headers=bearer(session, people.alice),
                                 json={"bank": "中国\x00银行", "account": "6222000011112222"})
    assert answered.status_code == 422 and answered.json()["problems"][0]["field"] == "bank"


async def test_an_amount_with_a_nul_is_said_beside_its_box_too(browser, session, people) -> None:
    """The application's other typed box, on its page and on the new draft's: a NUL met the door (a bare page)."""
    from tests.dbtest import a_round

    alice = browser(people.alice)
    new = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3",
                                                      "amount": "8\x000"})
    assert new.status_code == 422 and "<h1>输入有误</h1>" not in new.text and 'value="80"' in new.text
    assert marked(new.text) == [("f-amount", "不能含有空字符（NUL）")]
    made = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3",
                                                       "amount": "80"})
    assert made.status_code == 303, made.text
    changed = await alice.post(f"{made.headers['location']}/amount", data={"amount": "9\x000"})
    assert changed.status_code == 422 and "<h1>申报 #" in changed.text and "\x00" not in changed.text
    assert marked(changed.text) == [("f-amount", "不能含有空字符（NUL）")] and 'value="90"' in changed.text

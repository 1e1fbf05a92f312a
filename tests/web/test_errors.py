"""Form errors, the GOV.UK way (templates/_errors.html): a summary whose lines link to the fields, the reason
beside the field, and only Chinese labels (no English field name, no raw pattern)."""

import re
from pathlib import Path

import pytest

import huiqi.web
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


async def test_a_field_with_a_mistake_is_marked_invalid_and_described_by_its_reason(browser, session, people) -> None:
    """The shared macro beside each field's id: aria-invalid and aria-describedby on the fields named by the
    mistakes (only on them), pointing at the reason said beside; the stylesheet gives them a red border."""
    new = await browser(people.alice).post("/applications/new", data={"matter": "h1", "amount": "1e",
                                                                        "measure": f"{a_round(session)}/3"})
    field = re.search(r'<input id="f-amount"[^>]*>', new.text).group(0)
    assert 'aria-invalid="true" aria-describedby="e-amount"' in field and 'id="e-amount"' in new.text
    assert new.text.count('aria-invalid="true"') == 1, "the fields without a mistake are not marked"
    user = await browser(people.admin).post("/admin/users", data={"username": "a b", "display_name": "",
                                                                  "role": "city", "password": "short"})
    for name in re.findall(r'href="#f-([^"]+)"', _errors(user.text)):
        assert re.search(rf'id="f-{name}"[^>]*aria-invalid="true" aria-describedby="e-{name}"', user.text), name
    fine = await browser(people.alice).get("/account/password")
    assert "aria-invalid" not in fine.text
    css = (Path(huiqi.web.__file__).parent / "static/css/huiqi.css").read_text()
    assert '[aria-invalid="true"] { border: 2px solid #b00020; }' in css


def _linked(text: str) -> list[str]:
    """The fields the error summary links to, each present on the page."""
    fields = re.findall(r'href="#(f-[^"]+)"', _errors(text))
    for field in fields:
        assert f'id="{field}"' in text, field
    return fields


@pytest.fixture
def mail_on(monkeypatch):
    """A mail server configured (none is reached): the e-mail subscription form is shown where mail goes out."""
    from huiqi.config import get_settings

    monkeypatch.setenv("HUIQI_SMTP_HOST", "127.0.0.1")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("HUIQI_SMTP_HOST")
    get_settings.cache_clear()


async def test_more_forms_link_each_error_to_its_field(browser, session, people, mail_on) -> None:
    finance, alice, anyone = browser(people.finance), browser(people.alice), browser(None)
    budget = await finance.post("/budgets", data={"year": "2025", "measure": "ln-2022-35/3", "amount": "1e3"})
    assert budget.status_code == 422
    _plain(_errors(budget.text))
    assert _linked(budget.text) == ["f-amount"] and 'id="e-amount"' in budget.text
    subscribed = await anyone.post("/subscribe", data={"email": "not-an-address", "topic": "policy"})
    assert subscribed.status_code == 422
    _plain(_errors(subscribed.text))
    assert _linked(subscribed.text) == ["f-email", "f-topic"]  # "policy" is no topic: both said at once
    key = await alice.post("/me/matters", data={"key": "a b", "matters-0-codes": "key_tech"})
    assert _linked(key.text) == ["f-key"] and 'id="e-key"' in key.text
    date = await alice.post("/me/matters", data={"key": "研发项目", "matters-0-codes": "key_tech",
                                                  "matters-0-date": "2024-02-30"})
    assert date.status_code == 422
    assert _linked(date.text) == ["f-matters-0-date"] and 'id="e-matters-0-date"' in date.text
    untyped = await alice.post("/me/matters", data={"key": "研发项目"})
    assert _linked(untyped.text) == ["f-matters-0-codes"] and 'id="e-matters-0-codes"' in untyped.text


async def test_the_calculator_links_each_error_to_its_field(client) -> None:
    from huiqi.web.deps import CSRF_COOKIE

    await client.get("/calculator")
    refused = await client.post("/calculator", data={"csrf_token": client.cookies.get(CSRF_COOKIE),
        "applicant-uscc": "123", "matters-0-codes": "little_giant", "matters-0-date": "2024-02-30",
        "matters-3-codes": "smart_manufacturing", "matters-3-investment": "1e3"})
    assert refused.status_code == 422
    _plain(_errors(refused.text))
    assert _linked(refused.text) == ["f-applicant-uscc", "f-matters-0-date", "f-matters-3-investment"]  # all at once
    assert 'id="e-matters-3-investment"' in refused.text
    data = {"csrf_token": client.cookies.get(CSRF_COOKIE), "applicant-uscc": "123", "matters-0-codes": "little_giant",
            "matters-0-date": "2024-02-30", "matters-3-codes": "smart_manufacturing", "matters-3-investment": "1000"}
    read = await client.post("/calculator", data=data)
    assert read.status_code == 422
    _plain(_errors(read.text))
    assert set(_linked(read.text)) == {"f-applicant-uscc", "f-matters-0-date"}
    assert 'id="e-applicant-uscc"' in read.text and 'id="e-matters-0-date"' in read.text


async def test_a_form_s_address_opened_goes_to_the_page_above(browser, session, people) -> None:
    """A refused form leaves its address in the bar (/applications/N/amount); opened again, or shared, it goes to the
    application's page with a word why, not to "不支持这种请求方式"."""
    alice = browser(people.alice)
    made = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3",
                                                       "amount": "80"})
    detail = made.headers["location"]
    went = await alice.get(f"{detail}/amount")
    assert went.status_code == 303 and went.headers["location"] == detail
    said = (await alice.get(detail)).text
    assert 'id="flash">刚才的地址用于提交表单' in said, "not a success: no ✓"
    assert (await alice.get("/api/v1/disbursements/batch")).status_code == 405, "a program is told as it was"


async def test_a_page_opened_with_a_wrong_query_offers_it_without_the_mistake(browser, client, people) -> None:
    """A link cut short or a page number typed in words: the error page offers the same page without the wrong
    parameters (the others kept), not only 返回上一页. (A public list says it beside its own box instead.)"""
    auditor = browser(people.auditor)
    wrong = await auditor.get("/audit", params={"who": "finance", "page": "二"})
    assert wrong.status_code == 422 and "页码：" in wrong.text
    assert _way_on(wrong.text) == "/audit?who=finance"
    again = await auditor.get(_way_on(wrong.text))
    assert again.status_code == 200
    alone = await auditor.get("/audit", params={"page": "x"})
    assert _way_on(alone.text) == "/audit"
    public = await client.get("/announcements", params={"q": "沈阳", "year": "二〇二五"})
    assert public.status_code == 422 and 'value="沈阳"' in public.text and 'id="f-year"' in public.text
    assert "去掉有误的条件" not in public.text, "said beside the 年度 box, the page kept"
    from huiqi.web.deps import CSRF_COOKIE

    form = await client.post("/calculator", data={"csrf_token": client.cookies.get(CSRF_COOKIE),
                                                  "applicant-uscc": "123"})
    assert form.status_code == 422 and "去掉有误的条件" not in form.text, "a form's mistake is not in its address"


def _way_on(text: str) -> str:
    found = re.search(r'<a class="button" href="([^"]*)">去掉有误的条件，重新打开</a>', text)
    assert found is not None, "the way on is offered"
    return found.group(1)


@pytest.mark.parametrize(("url", "who"), [("/applications", "alice"), ("/review", "shenyang"), ("/applicants", "admin"),
                                          ("/admin/users", "admin"), ("/audit", "auditor")])
@pytest.mark.parametrize("number", ["abc", "-1", "0"])
async def test_every_paged_list_refuses_a_page_number_that_is_none(browser, people, url, who, number) -> None:
    """The lists that page (and only they) read ``page``: a page number that is not one is said in Chinese, by the
    field's label, with the same page offered without it. (The public lists show page 1 with a note instead:
    tests/public, tests/whitelist.)"""
    wrong = await browser(getattr(people, who) if who else None).get(url, params={"page": number})
    assert wrong.status_code == 422 and "页码：" in wrong.text, (url, number, wrong.status_code)
    assert _way_on(wrong.text) == url

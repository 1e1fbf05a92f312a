"""Narrowing the lists of applications: by a word (name, credit code, number), a measure or a policy, the city and
the round; on the list pages (a page at a time), the review queue, their Excel exports and the API; a bad value
named by its Chinese label."""

import io
from datetime import date

import openpyxl
import pytest

from huiqi.applicants import service as applicants
from huiqi.applications import filters
from huiqi.applications import service as applications
from huiqi.errors import InputError
from tests.dbtest import ALICE_USCC, BOB_USCC, apply


@pytest.fixture
def two(session, people, tmp_path):
    """Alice's application (沈阳, 示例科技, measure 3) and Bob's (大连, 大连数据, measure 13)."""
    return (apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path),
            apply(session, people.bob, matter="p1", measure=13, amount=10_000_000, on=date(2025, 9, 1), store=tmp_path))


@pytest.mark.parametrize(("given", "label"), [
    ({"text": "字" * 51}, "关键词"), ({"measure": "ln-2022-35/三"}, "措施"), ({"measure": "/3"}, "措施"),
    ({"city": "999999"}, "所在市"), ({"round_id": "第一批"}, "申报批次")])
def test_a_bad_value_is_named(given, label) -> None:
    with pytest.raises(InputError) as refused:
        filters.read(**given)
    assert [field for field, _ in refused.value.problems] == [label]


def test_each_filter_narrows_the_list(session, people, two) -> None:
    alice, bob = two

    def ids(**given) -> list[int]:
        return [a.id for a in applications.listed(session, actor=people.admin, filters=filters.read(**given))]

    assert ids() == [alice.id, bob.id]
    assert ids(text="示例") == [alice.id]  # part of the name
    assert ids(text=BOB_USCC[2:10].lower()) == [bob.id]  # part of the credit code, any case
    assert ids(text=f"#{bob.id}") == [bob.id] and ids(text="#99") == [] and ids(text="#x") == []  # the number
    assert bob.id in ids(text=str(bob.id))  # a number alone: that application, and codes that hold the digits
    assert ids(text="%") == [] and ids(text="_") == []  # the wildcards of LIKE are plain characters here
    narrow = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ#"
    wide = str.maketrans(narrow, "".join(chr(ord(c) + 0xFEE0) for c in narrow))  # as an input method types them
    assert ids(text=BOB_USCC[2:10].translate(wide)) == [bob.id], "a code typed with a Chinese input method"
    assert ids(text=f"#{bob.id}".translate(wide)) == [bob.id]
    applicants.record_profile(session, actor=people.bob, uscc=BOB_USCC, name="大连数据（辽宁）有限公司",
                              kind="enterprise", region="210202", industry="6520", size="small")
    assert ids(text="数据(辽宁)") == [bob.id] == ids(text="数据（辽宁）"), "brackets of either width"
    assert ids(measure="ln-2022-35/13") == [bob.id] and ids(measure="ln-2022-35") == [alice.id, bob.id]
    assert ids(measure="test-successor") == []
    assert ids(city="210200") == [bob.id] and ids(city="210100", measure="ln-2022-35/13") == []
    assert ids(round_id=str(alice.round_id)) == [alice.id, bob.id] and ids(round_id="999") == []
    assert [a.id for a in applications.listed(session, actor=people.alice, filters=filters.read(text="大连"))] == []


def test_a_word_finds_the_matter_and_the_measure(session, people, two) -> None:
    """For an enterprise the name and credit code match every row of its own: the word also finds the matter (its key
    in any case, or its kind's name) and the measure (its title, or 措施N), for officers too."""
    alice, bob = two

    def ids(who, text: str) -> list[int]:
        return [a.id for a in applications.listed(session, actor=who, filters=filters.read(text=text))]

    assert ids(people.admin, "小巨人") == [alice.id]  # h1 is a 专精特新“小巨人”企业
    assert ids(people.admin, "H1") == [alice.id] == ids(people.alice, "h1")  # the matter's key, any case
    assert ids(people.admin, "p1") == [bob.id], "Alice's p1 has no application"
    assert ids(people.admin, "培育中小企业") == [alice.id]  # measure 3's title
    assert ids(people.admin, "技术攻关") == [bob.id]  # measure 13's title (and its matter's kind)
    assert ids(people.admin, "措施13") == [bob.id] and ids(people.admin, "措施 3") == [alice.id]
    assert ids(people.admin, "措施1") == [], "a number names one measure, not those it begins"
    assert ids(people.admin, "智能制造") == [], "Alice's smart-manufacturing project was not applied for"
    assert ids(people.alice, "措施13") == [] and ids(people.alice, "措施3") == [alice.id], "within the scope still"
    assert ids(people.miit, "小巨人") == [alice.id] and ids(people.most, "小巨人") == []
    assert ids(people.admin, '"') == [] and ids(people.admin, "_giant") == [], "the codes' own text is not searched"


@pytest.mark.anyio
async def test_an_enterprise_finds_its_applications_by_matter_on_the_page(browser, session, people, two) -> None:
    alice, _ = two
    mine = browser(people.alice)
    found = (await mine.get("/applications", params={"q": "小巨人"})).text
    assert f'href="/applications/{alice.id}"' in found
    assert f'href="/applications/{alice.id}"' not in (await mine.get("/applications", params={"q": "智能"})).text
    assert "事项、措施" in found  # the box says what it finds


@pytest.mark.anyio
async def test_the_pages_exports_and_api_share_the_filters(browser, session, people, two, monkeypatch) -> None:
    alice, bob = two
    admin = browser(people.admin)
    listed = (await admin.get("/applications", params={"q": "示例"})).text
    assert f'href="/applications/{alice.id}"' in listed and f'href="/applications/{bob.id}"' not in listed
    assert 'href="/api/v1/applications/export.xlsx?q=%E7%A4%BA%E4%BE%8B"' in listed and "清除条件" in listed
    wrong = await admin.get("/applications", params={"state": "abc"})
    assert wrong.status_code == 422 and "状态：请从列表中选择" in wrong.text, "said, not passed over"
    assert (await admin.get("/applications", params={"state": ""})).status_code == 200, "blank: every state"
    sheet = (await admin.get("/api/v1/applications/export.xlsx", params={"city": "210200"})).content
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet)).active.iter_rows(values_only=True))
    assert [r[2] for r in rows[2:]] == [BOB_USCC]
    queue = (await admin.get("/review", params={"measure": "ln-2022-35/3"})).text
    assert f'href="/review/{alice.id}"' in queue and f'href="/review/{bob.id}"' not in queue
    assert '<option value="ln-2022-35/3" selected>' in queue
    sheet = (await admin.get("/review.xlsx", params={"q": BOB_USCC})).content
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet)).active.iter_rows(values_only=True))
    assert [r[2] for r in rows[2:]] == [BOB_USCC]
    api = (await admin.get("/api/v1/applications", params={"measure": "ln-2022-35/13"})).json()
    assert [a["id"] for a in api["items"]] == [bob.id] and api["total"] == 1
    waiting = (await browser(people.shenyang).get("/api/v1/reviews", params={"q": "示例"})).json()
    assert [a["id"] for a in waiting["items"]] == [alice.id]
    bad = await admin.get("/api/v1/applications", params={"city": "北京"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "所在市"
    shown = await admin.get("/applications", params={"measure": "x/y"})
    assert shown.status_code == 422 and "措施" in shown.text
    assert 'name="city"' not in (await browser(people.shenyang).get("/review")).text  # a city sees its own only
    monkeypatch.setattr("huiqi.applications.pages.PAGE_SIZE", 1)  # a page at a time, the filters kept
    first = (await admin.get("/applications", params={"measure": "ln-2022-35"})).text
    assert "共 2 项，第 1/2 页" in first and 'href="/applications?measure=ln-2022-35&amp;page=2" rel="next"' in first
    second = (await admin.get("/applications", params={"measure": "ln-2022-35", "page": "2"})).text
    assert f'href="/applications/{bob.id}"' in second and f'href="/applications/{alice.id}"' not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert ALICE_USCC not in second

"""The applicants' directory for reviewers: each scope sees its own applicants, found by part of the name or code,
a page at a time and as Excel; one applicant's record with the changes of its profile, its matters and its
applications; an enterprise goes to its own page and a policy analyst reads no applicant."""

import io
from datetime import date

import openpyxl
import pytest

from huiqi.applicants import service as applicants
from tests.dbtest import ALICE_USCC, BOB_USCC, apply

pytestmark = pytest.mark.anyio


async def test_each_scope_finds_its_own(browser, session, people, tmp_path) -> None:
    apply(session, people.bob, matter="p1", measure=13, amount=10_000_000, on=date(2025, 9, 1), store=tmp_path)
    admin = (await browser(people.admin).get("/applicants")).text
    assert f'href="/applicants/{ALICE_USCC}"' in admin and f'href="/applicants/{BOB_USCC}"' in admin
    found = (await browser(people.admin).get("/applicants", params={"q": "示例"})).text
    assert f'href="/applicants/{ALICE_USCC}"' in found and f'href="/applicants/{BOB_USCC}"' not in found
    city = (await browser(people.shenyang).get("/applicants")).text
    assert ALICE_USCC in city and BOB_USCC not in city
    unit = (await browser(people.most).get("/applicants")).text  # bob applied to 省科技厅, alice did not
    assert BOB_USCC in unit and ALICE_USCC not in unit
    assert (await browser(people.shenyang).get(f"/applicants/{BOB_USCC}")).status_code == 403
    assert (await browser(people.analyst).get("/applicants")).status_code == 403
    own = await browser(people.alice).get(f"/applicants/{ALICE_USCC}")
    assert own.status_code == 303 and own.headers["location"] == "/me"
    assert (await browser(people.alice).get(f"/applicants/{BOB_USCC}")).status_code == 403
    sheet = (await browser(people.finance).get("/applicants.xlsx", params={"q": BOB_USCC[4:12].lower()})).content
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet)).active.iter_rows(values_only=True))
    assert [r[:2] for r in rows[2:]] == [(BOB_USCC, "大连数据有限公司")]


async def test_the_list_is_paged(browser, people, monkeypatch) -> None:
    monkeypatch.setattr("huiqi.applicants.directory.PAGE_SIZE", 1)
    first = (await browser(people.admin).get("/applicants")).text
    assert "共 2 项，第 1/2 页" in first and 'href="/applicants?page=2" rel="next"' in first
    second = (await browser(people.admin).get("/applicants", params={"page": "2"})).text
    assert 'rel="prev"' in second and 'rel="next"' not in second


async def test_one_record(browser, session, people, tmp_path) -> None:
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1),
                store=tmp_path)
    applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, name="示例科技有限公司",
                              kind="enterprise", region="210102", industry="6513", size="large",
                              established=date(2016, 5, 1), independent_legal_entity=True, sound_accounts=True,
                              bad_credit=False, major_accident=False)
    page = (await browser(people.shenyang).get(f"/applicants/{ALICE_USCC}")).text
    assert '<th scope="row">企业规模</th><td>大型</td>' in page and "历次版本（2）" in page
    assert "<b>第 2 版</b>" in page and "变更：企业规模" in page and "首次登记" in page
    assert "专精特新“小巨人”企业（新认定" in page and "企业填报" in page  # the matters
    assert f'href="/review/{app.id}">#{app.id}</a>' in page and "措施3 培育中小企业" in page
    assert f'href="/growth/{ALICE_USCC}"' in page  # under cultivation: its growth file

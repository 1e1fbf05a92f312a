"""The public pages: Chinese, no CDN, and the calculator (with its CSRF double-submit cookie)."""

import re

import pytest

from huiqi.web.deps import CSRF_COOKIE

pytestmark = pytest.mark.anyio
FORM = {
    "applicant-kind": "enterprise", "applicant-region": "210100", "applicant-industry": "6513",
    "matters-0-codes": ["component_manufacturing", "smart_manufacturing"], "matters-0-build": "expansion",
    "matters-0-sector": "sensor", "matters-0-investment": "8000", "matters-0-date": "2024-03-01",
    "as_of": "2025-06-30",
}


@pytest.mark.parametrize(("path", "text"), [
    ("/", "数字经济"), ("/policy", "发展总部经济"), ("/calculator", "政策计算器"), ("/announcements", "公示"),
    ("/whitelist", "白名单"), ("/login", "登录"),
])
async def test_pages_in_chinese_without_cdn(client, path, text) -> None:
    response = await client.get(path)
    assert response.status_code == 200 and text in response.text
    assert not re.search(r'(src|href)="(https?:)?//', response.text), "every script and style is served from here"
    assert 'lang="zh-CN"' in response.text
    assert not re.search(r'src="https?://', response.text)


async def test_unknown_page_is_a_chinese_404(client) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404 and "没有这个地址" in response.text


async def test_calculator_needs_its_csrf_token_once_a_cookie_is_set(client) -> None:
    page = await client.get("/calculator")
    token = client.cookies.get(CSRF_COOKIE)
    assert token and f'value="{token}"' in page.text
    refused = await client.post("/calculator", data=FORM)
    assert refused.status_code == 403 and "CSRF" in refused.text
    answer = await client.post("/calculator", data={**FORM, "csrf_token": token}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "3000" in answer.text and "从高：由措施5支持" in answer.text and "<html" not in answer.text


async def test_calculator_converts_wan_exactly_and_names_bad_fields(client) -> None:
    await client.get("/calculator")
    token = client.cookies.get(CSRF_COOKIE)
    odd = {**FORM, "matters-0-investment": "3333.3333", "csrf_token": token}
    answer = await client.post("/calculator", data=odd, headers={"HX-Request": "true"})
    assert "999.9999" in answer.text, "30% of 33,333,333 元 floored: 9,999,999 元"
    bad = await client.post("/calculator", data={**odd, "matters-0-investment": "1.23456"},
                            headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "事项1·投资额（元）：金额精确到元" in bad.text


async def test_calculator_matter_fields_follow_the_codes(client) -> None:
    response = await client.get("/calculator/matter", params={"i": 2, "matters-2-codes": "digital_benchmark"})
    assert 'name="matters-2-domain"' in response.text and 'name="matters-2-investment"' in response.text
    assert 'name="matters-2-sector"' not in response.text


async def test_calculator_asks_the_facts_of_issue_11(client) -> None:
    honour = await client.get("/calculator/matter", params={"i": 0, "matters-0-codes": "global_500"})
    assert 'name="matters-0-group_core"' in honour.text
    place = await client.get("/calculator/matter", params={"i": 1, "matters-1-codes": "establishment"})
    assert 'name="matters-1-institution_confirmed"' in place.text and 'value="other_function"' in place.text
    project = await client.get("/calculator/matter", params={"i": 2, "matters-2-codes": "component_manufacturing"})
    assert '<option value="other">其他信息技术产业及配套产业</option>' in project.text


async def test_calculator_shows_both_ceilings_and_what_has_expired(client) -> None:
    await client.get("/calculator")
    token = client.cookies.get(CSRF_COOKIE)
    topped = {**FORM, "matters-0-other_support": "1000", "csrf_token": token}
    answer = await client.post("/calculator", data=topped, headers={"HX-Request": "true"})
    assert "措施上限 3000，扣除已获其他政策支持 1000" in answer.text and "补足差额" in answer.text
    later = {**FORM, "applicant-size": "small", "as_of": "2026-12-04", "csrf_token": token}
    answer = await client.post("/calculator", data=later, headers={"HX-Request": "true"})
    assert "已失效" in answer.text and "适用的服务措施" not in answer.text


async def test_every_page_footer_names_the_policies_in_force_and_who_runs_the_site(client) -> None:
    from huiqi.config import get_settings

    settings = get_settings()
    for path in ("/", "/calculator", "/login"):
        text = (await client.get(path)).text
        footer = text[text.index('<footer id="site-footer">'):]
        assert "辽政办〔2022〕35号" in footer and "现行政策依据" in footer
        assert f"主办单位：{settings.organizer}" in footer and settings.contact in footer


async def test_policy_text_has_a_table_of_contents_whose_links_all_land(client) -> None:
    text = (await client.get("/policy")).text
    assert 'aria-label="本页目录"' in text
    targets = re.findall(r'<nav class="card toc".*?</nav>', text, re.S)[0]
    links = re.findall(r'href="#([^"]+)"', targets)
    assert "m1" in links and len(links) > 5
    for anchor in links:
        assert f'id="{anchor}"' in text, anchor

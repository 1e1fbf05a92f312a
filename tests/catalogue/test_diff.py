"""Before publishing: every applicant of the record matched under the policies in force and with the new version,
measure by measure; a raised cap shows as a higher total, a new condition as results no longer eligible."""

import re
from datetime import date
from pathlib import Path

import pytest

from huiqi import clock
from huiqi.applicants import service as applicants
from huiqi.catalogue import service as catalogue
from tests.dbtest import ALICE_USCC

SHIPPED = Path(__file__).parents[2] / "src" / "huiqi" / "policies" / "ln-2022-35.yaml"


@pytest.fixture
def changed(session, people):
    """A new version of the shipped policy: measure 3's cap raised from 100万元 to 150万元 from 2023-01-01."""
    text = SHIPPED.read_text("utf-8").replace(
        "          - {since: 2022-07-23, value: 100万元, source: 措施3：分别给予最高100万元奖励}",
        "          - {since: 2022-07-23, value: 100万元, source: 措施3：分别给予最高100万元奖励}\n"
        "          - {since: 2023-01-01, value: 150万元, source: 测试：提高上限}")
    text = text.replace("expect: [{matter: h1, measure: 3, status: eligible, ceiling: 1000000}]",
                        "expect: [{matter: h1, measure: 3, status: eligible, ceiling: 1500000}]")
    assert "150万元" in text
    return catalogue.add(session, actor=people.admin, text=text, file_name="ln-2022-35.yaml")


def test_a_raised_cap_shows_in_the_totals(session, people, changed) -> None:
    with clock.pinned(date(2025, 6, 30)):
        found = catalogue.diff_of(session, actor=people.admin, version_id=changed.id)
    m3 = next(m for m in found.measures if m.measure == 3)
    assert found.applicants >= 2 and m3.granted_after - m3.granted_before == 500_000  # alice's little giant
    assert m3.became_eligible == m3.no_longer_eligible == 0
    # the walk-through: a raised cap counted alice's result 不变 while the total rose; its ceiling moved
    assert m3.recapped == 1 and m3.unchanged == sum(n for (b, a), n in m3.moves.items() if a == b) - 1
    assert found.cost_after - found.cost_before == 500_000


def test_a_fact_changed_in_the_record_moves_a_result(session, people, changed) -> None:
    applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, name="示例科技有限公司",
                              industry="3411")  # not core
    with clock.pinned(date(2025, 6, 30)):
        found = catalogue.diff_of(session, actor=people.admin, version_id=changed.id)
    m3 = next(m for m in found.measures if m.measure == 3)
    assert m3.granted_before == m3.granted_after  # no longer eligible under either: the cap changes nothing
    assert m3.recapped == 0


@pytest.mark.anyio
async def test_the_page_shows_the_diff_with_its_chart(browser, session, people, changed) -> None:
    response = await browser(people.admin).get(f"/admin/policies/{changed.id}/diff")
    assert response.status_code == 200 and "发布前比较" in response.text and "data-charts" in response.text
    assert '<td data-label="措施">措施3 培育中小企业</td>' in response.text  # cited as every list cites them
    assert '<td data-label="上限变化" class="num">1</td>' in response.text
    assert (await browser(people.alice).get(f"/admin/policies/{changed.id}/diff")).status_code == 403


@pytest.mark.anyio
async def test_the_page_says_what_the_file_changes_and_signs_the_changes(browser, session, people, changed) -> None:
    """The walk-through: the comparison showed outcome counts only, not what changed in the file, and a change as a
    bare number."""
    with clock.pinned(date(2025, 6, 30)):
        text = (await browser(people.admin).get(f"/admin/policies/{changed.id}/diff")).text
    changes = text[text.index('id="file-changes-title"'):text.index("对申报单位的影响")]
    row = re.search(r"<tr><td data-label=\"措施\">措施3 培育中小企业</td>.*?</tr>", changes, re.S)
    assert row is not None and "专精特新等企业奖励上限（每项）" in row.group(0)
    assert "100 万元（自 2022-07-23）" in row.group(0) and "150 万元（自 2023-01-01）" in row.group(0)
    assert '<td data-label="变化（最新取值）" class="num">+50 万元</td>' in row.group(0)
    assert "条款" not in changes, "no clause was touched"
    assert '<b>+50 万元</b>' in text and '<td data-label="变化（万元）" class="num">+50</td>' in text


@pytest.mark.anyio
async def test_a_new_policys_measures_are_cited_by_its_title_never_its_id(browser, session, people) -> None:
    second = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"
    row = catalogue.add(session, actor=people.admin, text=second.read_text("utf-8"), file_name="second.yaml")
    text = (await browser(people.admin).get(f"/admin/policies/{row.id}/diff")).text
    assert "test-successor" not in text
    assert '<div class="small muted">测试〔2024〕1号《（测试用）数字经济配套措施示例》</div>' in text
    assert "这是一项新政策" in text and "试点上限" in text and "新增" in text


@pytest.mark.anyio
async def test_the_diff_exports_to_excel(browser, session, people, changed) -> None:
    import io

    import openpyxl

    with clock.pinned(date(2025, 6, 30)):
        got = await browser(people.admin).get(f"/admin/policies/{changed.id}/diff.xlsx")
    assert got.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    m3 = dict(zip(rows[1], next(r for r in rows[2:] if r[1] == "措施3 培育中小企业"), strict=True))
    assert m3["政策"] == "辽政办〔2022〕35号" and m3["变化（元）"] == 500_000 and m3["变化（万元）"] == 50
    book = openpyxl.load_workbook(io.BytesIO(got.content))
    assert book.sheetnames == ["对申报单位的影响", "参数的改动", "条款的改动"]
    params = list(book["参数的改动"].iter_rows(values_only=True))
    assert params[2] == ("措施3 培育中小企业", "专精特新等企业奖励上限（每项）", "100 万元（自 2022-07-23）",
                         "100 万元（自 2022-07-23）；150 万元（自 2023-01-01）", "+50 万元")
    assert (await browser(people.alice).get(f"/admin/policies/{changed.id}/diff.xlsx")).status_code == 403


def _successor(text: str) -> str:
    """The shipped file as another policy that names it as the one it succeeds (the same measures and caps)."""
    for old, new in (("id: ln-2022-35", "id: ln-2026-1\nsucceeds: ln-2022-35"),
                     ("number: 辽政办〔2022〕35号", "number: 辽政办〔2026〕1号"),
                     ("title: 辽宁省加快发展数字经济核心产业的若干措施",
                      "title: 辽宁省加快发展数字经济核心产业的若干措施（2026年版）")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.mark.anyio
async def test_a_successor_is_compared_with_the_policy_it_succeeds(browser, session, people, changed) -> None:
    """The walk-through: a successor's comparison listed everything as 新增, with 现行合计 0 万元."""
    text = _successor(changed.text)
    row = catalogue.add(session, actor=people.admin, text=text, file_name="ln-2026-1.yaml")
    with clock.pinned(date(2025, 6, 30)):
        found = catalogue.diff_of(session, actor=people.admin, version_id=row.id)
    assert found.file is not None and not found.file.new_policy
    assert found.file.succeeds == "辽政办〔2022〕35号《辽宁省加快发展数字经济核心产业的若干措施》"
    [cap] = found.file.parameters  # the shipped measures, measure by measure: only measure 3's cap differs
    assert (cap.where, cap.change) == ("措施3 培育中小企业", "+50 万元") and found.file.clauses == []
    predecessor = {m.measure: m for m in found.measures if m.policy == "ln-2022-35"}
    assert predecessor[3].granted_before > 0 and found.cost_before > 0, "its grants are the comparison's before"
    with clock.pinned(date(2025, 6, 30)):
        page = (await browser(people.admin).get(f"/admin/policies/{row.id}/diff")).text
    assert "本政策接续辽政办〔2022〕35号" in page and "这是一项新政策" not in page
    unknown = catalogue.add(session, actor=people.admin, text=text.replace("succeeds: ln-2022-35", "succeeds: ln-1"),
                            file_name="ln-2026-1.yaml")
    found = catalogue.diff_of(session, actor=people.admin, version_id=unknown.id)
    assert found.file is not None and found.file.new_policy and found.file.unfound == "ln-1"


@pytest.mark.anyio
async def test_a_published_version_is_compared_with_the_one_it_superseded(browser, session, people,
                                                                         changed) -> None:
    """The walk-through: the diff page of a published version compared it with itself (“参数和条款原文都没有改动”,
    “现行合计 0 万元”)."""
    from tests.dbtest import second_admin

    shipped = next(v for v in catalogue.versions(session, actor=people.admin) if v.state == "published")
    catalogue.publish(session, actor=second_admin(session), version_id=changed.id)
    with clock.pinned(date(2025, 6, 30)):
        found = catalogue.diff_of(session, actor=people.admin, version_id=changed.id)
        page = (await browser(people.admin).get(f"/admin/policies/{changed.id}/diff")).text
    assert found.published and found.earlier == shipped.id
    assert found.file is not None and [p.change for p in found.file.parameters] == ["+50 万元"]
    assert found.cost_after - found.cost_before == 500_000 and found.cost_before > 0
    assert f"它发布时取代的版本 {shipped.id}" in page and "没有改动" not in page and "<b>+50 万元</b>" in page
    first = catalogue.diff_of(session, actor=people.admin, version_id=shipped.id)  # superseded now, once published
    assert first.published and first.earlier is None and first.file is not None and first.file.new_policy
    page = (await browser(people.admin).get(f"/admin/policies/{shipped.id}/diff")).text
    assert "第一个发布的版本" in page and "没有被它取代的版本" in page

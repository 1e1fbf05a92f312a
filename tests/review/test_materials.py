"""The review page's materials: each with its kind as the round names it (必需 or 可选), its upload time, and a 补正
mark when it came after a return for correction (uploaded, or taken down), so the reviewer sees what changed; the
API says the same; the list stacks as cards on a phone."""

import re
from datetime import date

import pytest

from huiqi.applications import repository
from huiqi.applications import service as applications
from tests.dbtest import PDF, resubmit, step
from tests.webtest import bearer

pytestmark = pytest.mark.anyio
BACK_ON = date(2025, 9, 3)


def _row(page: str, filename: str) -> str:
    """The table row (or list item) of the material named ``filename``."""
    found = re.search(rf'<(?:tr|li) id="material-\d+">(?:(?!</tr>|</li>).)*?>{re.escape(filename)}</a>.*?</(?:tr|li)>',
                      page, re.S)
    assert found, filename
    return found.group(0)


def _corrected(session, people, app, store) -> None:
    """沈阳 returns Alice's application; she takes the first 申报书 down, files a new one and a 证明材料, and submits
    again."""
    step(session, "return", people.shenyang, app, on=BACK_ON, reasons="请补充证明材料，申报书须盖章")
    first = repository.materials(session, app.id)[0]
    applications.remove_material(session, actor=people.alice, application_id=app.id, material_id=first.id)
    for name, kind in (("申报书（盖章）.pdf", "申报书"), ("验收报告.pdf", "证明材料")):
        applications.add_material(session, actor=people.alice, application_id=app.id, filename=name,
                                  content=PDF + name.encode(), store=store, kind=kind)
    resubmit(session, people.alice, app, on=date(2025, 9, 5))


async def test_before_any_return_each_material_shows_its_kind_and_time_and_no_mark(browser, people,
                                                                                  alice_h1) -> None:
    page = (await browser(people.shenyang).get(f"/review/{alice_h1.id}")).text
    row = _row(page, "申报书.pdf")
    assert '<td data-label="材料类别">申报书<span class="small muted">（必需）</span></td>' in row
    assert re.search(r'<td data-label="上传时间">\d{4}-\d\d-\d\d \d\d:\d\d</td>', row), row
    assert '<table class="stack">' in page, "a card per material on a phone (390 px)"
    assert "补正" not in row and 'id="corrections"' not in page


async def test_materials_filed_with_a_correction_are_marked(browser, session, people, alice_h1, tmp_path) -> None:
    _corrected(session, people, alice_h1, tmp_path / "materials")
    page = (await browser(people.shenyang).get(f"/review/{alice_h1.id}")).text
    for name, kind, required in (("申报书（盖章）.pdf", "申报书", "必需"), ("验收报告.pdf", "证明材料", "可选")):
        row = _row(page, name)
        assert f'<span class="badge open" title="{BACK_ON} 退回补正后上传">补正</span>' in row
        assert f"{kind}<span class=\"small muted\">（{required}）</span>" in row and f"（{BACK_ON} 退回后）" in row
    assert 'id="corrections"' in page
    removed = _row(page, "申报书.pdf")
    assert removed.startswith("<li") and f'title="{BACK_ON} 退回补正后撤下">补正</span>' in removed
    assert f"撤下（{BACK_ON} 退回后）" in removed and "申报书<span" in removed


async def test_a_second_return_marks_what_came_after_it_by_its_own_day(browser, session, people, alice_h1,
                                                                       tmp_path) -> None:
    store = tmp_path / "materials"
    _corrected(session, people, alice_h1, store)
    step(session, "return", people.shenyang, alice_h1, on=date(2025, 9, 8), reasons="验收报告缺页")
    applications.add_material(session, actor=people.alice, application_id=alice_h1.id, filename="验收报告（全）.pdf",
                              content=PDF + b"whole", store=store, kind="证明材料")
    page = (await browser(people.shenyang).get(f"/review/{alice_h1.id}")).text
    assert "（2025-09-08 退回后）" in _row(page, "验收报告（全）.pdf")
    assert f"（{BACK_ON} 退回后）" in _row(page, "验收报告.pdf"), "the earlier correction keeps its own day"


async def test_a_kind_the_round_does_not_name_is_shown_without_a_requirement(browser, session, people, alice_h1
                                                                             ) -> None:
    material = repository.materials(session, alice_h1.id)[0]
    material.kind = None  # filed before rounds named their materials
    session.flush()
    row = _row((await browser(people.shenyang).get(f"/review/{alice_h1.id}")).text, "申报书.pdf")
    assert '<td data-label="材料类别">未注明</td>' in row


async def test_the_api_says_the_kind_the_requirement_and_the_correction(client, session, people, alice_h1,
                                                                         tmp_path) -> None:
    _corrected(session, people, alice_h1, tmp_path / "materials")
    session.commit()
    got = await client.get(f"/api/v1/reviews/{alice_h1.id}", headers=bearer(session, people.shenyang))
    assert got.status_code == 200
    shown = {m["filename"]: (m["kind"], m["required"], m["corrects"]) for m in got.json()["materials"]}
    assert shown == {"申报书（盖章）.pdf": ("申报书", True, BACK_ON.isoformat()),
                     "验收报告.pdf": ("证明材料", False, BACK_ON.isoformat())}

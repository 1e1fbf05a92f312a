"""Facts with their sources: the reviewer sees whether the matter was declared, imported from a published list or
verified (who, when), marks a declared one verified, and the enterprise can no longer change it."""

from datetime import date

import pytest

from huiqi.applicants import service as applicants
from huiqi.errors import Conflict
from tests.dbtest import ALICE_USCC, apply

pytestmark = pytest.mark.anyio


async def test_a_reviewer_sees_the_source_and_verifies_a_declared_matter(browser, session, people, tmp_path) -> None:
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    city = browser(people.shenyang)
    page = (await city.get(f"/review/{app.id}")).text
    assert "企业填报（未经核实）" in page and "标记为已核实" in page
    assert "所属行业（GB/T 4754-2017 小类）（单位信息第 1 版，示例科技（企业用户） 登记）" in page
    assert "级别（企业填报（未经核实））" in page
    done = await city.post(f"/review/{app.id}/verify-matter")
    assert done.status_code == 303
    page = (await city.get(f"/review/{app.id}")).text
    assert "已核实：沈阳市审核员（市级初审人员）" in page and "verify-matter" not in page
    again = await city.post(f"/review/{app.id}/verify-matter")
    assert again.status_code == 409
    assert (await browser(people.alice).post(f"/review/{app.id}/verify-matter")).status_code == 403
    with pytest.raises(Conflict, match=r"已由审核人员核实（沈阳市审核员（市级初审人员））"):  # by name, not login
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={
            "id": "h1", "type": "honour", "codes": ["little_giant"], "level": "provincial", "date": "2023-07-15"})


async def test_a_declared_matter_beside_a_published_one_is_flagged(browser, session, people, tmp_path) -> None:
    from huiqi import clock
    from huiqi.recognition import service as lists

    with clock.pinned(date(2025, 6, 30)):
        checked = lists.check(session, [["uscc", "name"], [ALICE_USCC, "示例科技有限公司"]], code="little_giant",
                              level="provincial", published_on=date(2023, 7, 1))
        lists.import_list(session, actor=people.miit, rows=checked, code="little_giant", level="provincial",
                          document="工信部企业函〔2023〕测试号", published_on=date(2023, 7, 1))
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    page = (await browser(people.shenyang).get(f"/review/{app.id}")).text
    assert "工信部企业函〔2023〕测试号" in page and "日期、级别不一致：以公布名单为准" in page
    assert "企业填报的事项「专精特新“小巨人”企业（新认定，国家级" in page and "企业填报的事项 h1" not in page


def test_two_reviewers_verifying_at_once_verify_once(own_database, tmp_path) -> None:
    """The later waits for the earlier and is told it is done (409); the trail has one verification."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from huiqi.applications import service as applications
    from huiqi.models import AuditEvent, User
    from tests.dbtest import make_people, make_records, while_held

    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1),
                    store=tmp_path)

    def verify(session) -> None:
        city = session.scalar(select(User).where(User.username == people.shenyang.username))
        applications.verify_matter(session, actor=city, application_id=app.id)

    said = while_held(own_database, date(2025, 9, 2), verify, verify)
    assert "无需核实" in str(said), said
    with Session(own_database) as session:
        assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "matter.verify")).all()) == 1

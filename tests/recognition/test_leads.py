"""Who imports and withdraws a recognition list: an admin any; a department only a list of a category feeding a
measure its unit leads on the business day; the refusal names the measures and their lead units, nothing written."""

from datetime import date

import pytest

from huiqi import clock
from huiqi.errors import Forbidden
from huiqi.models import AuditEvent, Matter, Offer, RecognitionList
from huiqi.recognition import leads
from huiqi.recognition import service as lists
from tests.dbtest import ALICE_USCC, BOB_USCC, _person, a_round

ROWS = [["uscc", "name"], [BOB_USCC, "大连数据有限公司"]]
GAZELLE = dict(code="gazelle", level="provincial", document="辽科发〔2025〕测试号", published_on=date(2025, 6, 1))


def _gazelles(session, actor):
    checked = lists.check(session, ROWS, code="gazelle", level="provincial", published_on=date(2025, 6, 1))
    return lists.import_list(session, actor=actor, rows=checked, **GAZELLE)


def test_a_department_imports_only_a_category_feeding_a_measure_it_leads(session, people) -> None:
    """瞪羚 feeds 措施2, led by 省科技厅: 省工信厅 is refused with the lead unit named and nothing written."""
    with clock.pinned(date(2025, 6, 30)):
        before = (session.query(Matter).count(), session.query(AuditEvent).count())
        with pytest.raises(Forbidden) as refused:
            _gazelles(session, people.miit)
        assert refused.value.message == ("“瞪羚”企业（新备案）的认定名单由措施2的牵头单位（省科技厅）或管理员导入；"
                                         "省工业和信息化厅不是这些措施的牵头单位，无权导入")
        assert session.query(RecognitionList).count() == 0
        assert (session.query(Matter).count(), session.query(AuditEvent).count()) == before
        assert _gazelles(session, people.most).list.imported_by == "most"


def test_a_department_withdraws_only_a_list_of_a_category_it_leads_and_an_admin_any(session, people) -> None:
    """The walk-through's finding: 省工信厅 withdrew 省科技厅's 瞪羚 list and its 免申即享 offers went; now it is
    refused (before its reason is read) and the list and its offers stay; 省科技厅 withdraws it, an admin any other."""
    a_round(session)
    with clock.pinned(date(2025, 6, 30)):
        listed = _gazelles(session, people.admin).list
        made = [o.id for o in session.query(Offer).filter_by(state="open", measure=2)]
        assert made, "the list makes the offers a withdrawal would take away"
        for reason in ("不是本单位的名单", ""):
            with pytest.raises(Forbidden, match="由措施2的牵头单位（省科技厅）或管理员撤回；省工业和信息化厅"):
                lists.withdraw(session, actor=people.miit, list_id=listed.id, reason=reason)
        session.refresh(listed)
        assert listed.state == "active"
        assert [o.id for o in session.query(Offer).filter_by(state="open", measure=2)] == made
        assert lists.withdraw(session, actor=people.most, list_id=listed.id, reason="名单更正").state == "withdrawn"
        again = lists.import_list(session, actor=people.miit, rows=lists.check(
            session, [["uscc", "name"], [ALICE_USCC, "示例科技有限公司"]], code="single_champion", level="national",
            published_on=date(2025, 6, 1)), code="single_champion", level="national", document="工信部测试号",
            published_on=date(2025, 6, 1)).list
        with pytest.raises(Forbidden, match="措施3的牵头单位（省工业和信息化厅）"):
            lists.withdraw(session, actor=people.most, list_id=again.id, reason="不是本单位的名单")
        assert lists.withdraw(session, actor=people.admin, list_id=again.id, reason="名单更正").state == "withdrawn"


def test_the_lead_unit_is_the_one_of_the_business_day(session, people) -> None:
    """数字经济龙头企业 feeds 措施8 through its condition (the leader introducing a project): led by 省发展改革委 until
    2024-12-20, by 省数据局 from then on; each may act on its own days only."""
    ndrc = _person(session, "ndrc", "省发改委审核员", "department", department="省发展改革委")
    data = _person(session, "data", "省数据局审核员", "department", department="省数据局")
    with clock.pinned(date(2024, 12, 19)):
        assert leads.permitted(session, ndrc, ["digital_leader", "gazelle"]) == {"digital_leader"}
        assert leads.permitted(session, data, ["digital_leader"]) == set()
    with clock.pinned(date(2024, 12, 20)):
        assert leads.permitted(session, ndrc, ["digital_leader"]) == set()
        assert leads.permitted(session, data, ["digital_leader"]) == {"digital_leader"}
        with pytest.raises(Forbidden, match="措施8的牵头单位（省数据局）"):
            leads.require(session, ndrc, "digital_leader", doing="导入")


def test_a_category_feeding_several_measures_is_for_each_of_their_leads(session, people) -> None:
    """全国软件百强 is supported by 措施2 (省科技厅) and read by 措施1's condition (the holder of an establishment,
    省数据局 leading): either lead may act, another is refused with both named; a category no measure reads is an
    administrator's alone."""
    data = _person(session, "data", "省数据局审核员", "department", department="省数据局")
    with clock.pinned(date(2025, 6, 30)):
        assert [(f.cited, f.lead) for f in leads.fed(session, "top100_software", clock.today())] == [
            ("措施1", "省数据局"), ("措施2", "省科技厅")]
        assert leads.permitted(session, data, ["top100_software", "global_500", "little_giant"]) == {
            "top100_software", "global_500"}
        assert leads.permitted(session, people.most, ["top100_software", "global_500"]) == {"top100_software"}
        with pytest.raises(Forbidden) as refused:
            leads.require(session, people.miit, "top100_software", doing="撤回")
        assert refused.value.message == ("全国软件百强企业的认定名单由措施1、措施2的牵头单位（省数据局、省科技厅）"
                                         "或管理员撤回；省工业和信息化厅不是这些措施的牵头单位，无权撤回")
        assert leads.permitted(session, people.admin, ["global_500", "nothing_reads_it"]) == {"global_500",
                                                                                              "nothing_reads_it"}
        with pytest.raises(Forbidden, match="只能由管理员导入"):
            leads.require(session, people.miit, "nothing_reads_it", doing="导入")
        assert leads.permitted(session, people.finance, ["global_500"]) == set()

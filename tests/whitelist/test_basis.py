"""The basis a whitelist version is compiled under: recorded when proposed, shown as recorded, and no version compiled
once the serving measure has expired (until a successor, arriving as data, serves the whitelist)."""

from datetime import date

import pytest

from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict
from huiqi.whitelist import basis
from huiqi.whitelist import service as whitelist
from tests.dbtest import ALICE_USCC, publish_whitelist_successor, second_admin

EXPIRED = ("辽政办〔2022〕35号措施19「加大信贷支持」已于2025年12月31日到期，尚无接替它规定白名单的现行政策，"
           "不能拟定新版本；已发布的各版本仍可查看，各自注明编制依据")


def test_no_version_is_compiled_after_the_serving_measure_expires_until_a_successor_serves(session, people) -> None:
    """On 2026-12-05 version 2 used to be compiled and published under measure 19, which expired on 2025-12-31: a bank
    could not tell whether it was valid. Now compiling is refused, naming the measure and its end; a draft compiled
    inside the window is no longer published after it; a successor serving the whitelist opens compiling again."""
    first = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    whitelist.publish(session, actor=second_admin(session), version_id=first.id, on=date(2025, 12, 5))
    late = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 31))  # the window's last day
    with pytest.raises(Conflict, match="白名单拟定稿 #2 依据辽政办〔2022〕35号措施19编制，"
                                       "该措施已于2025年12月31日到期，不能发布；请作废它"):
        whitelist.publish(session, actor=second_admin(session), version_id=late.id, on=date(2026, 1, 2))
    whitelist.discard(session, actor=people.admin, version_id=late.id, on=date(2026, 1, 2))
    assert whitelist.closed(session, date(2025, 12, 31)) is None
    assert whitelist.closed(session, date(2026, 12, 5)) == EXPIRED
    with pytest.raises(Conflict) as refused:
        whitelist.propose(session, actor=people.admin, on=date(2026, 12, 5))
    assert refused.value.status_code == 409 and refused.value.message == EXPIRED
    assert [v.number for v in whitelist.versions(session, actor=people.admin)] == [2, 1], "nothing half-written"
    assert whitelist.read(session, version_id=first.id).entries[0].uscc == ALICE_USCC, "the published one stays"
    assert basis.said(session, first, date(2026, 12, 5)) == ("依据辽政办〔2022〕35号措施19编制；"
                                                             "该措施已于2025年12月31日到期")

    publish_whitelist_successor(session, people)  # window 2026–2027, its own measure 6
    assert whitelist.closed(session, date(2026, 12, 5)) is None
    second = whitelist.propose(session, actor=people.admin, on=date(2026, 12, 5))
    assert (second.basis_number, second.basis_measure, second.basis_list) == ("测试〔2024〕1号", 6,
                                                                              "规模以上企业“白名单”")
    whitelist.publish(session, actor=second_admin(session), version_id=second.id, on=date(2026, 12, 6))
    assert basis.said(session, second, date(2026, 12, 6)) == ("依据测试〔2024〕1号措施6编制；"
                                                              "该措施现行有效，有效期至2027年12月31日")
    assert basis.said(session, first, date(2026, 12, 6)).endswith("该措施已于2025年12月31日到期"), "each its own"


def test_a_version_keeps_the_basis_it_was_compiled_under(session, people) -> None:
    """The basis used to be worked out again from the version's day by ``catalogue.serving``: a successor published
    later, whose window covers that day, changed what the version said it was compiled under (and its name)."""
    first = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    whitelist.publish(session, actor=second_admin(session), version_id=first.id, on=date(2025, 12, 5))
    recorded = {key: getattr(first, key) for key in ("basis_policy", "basis_number", "basis_title", "basis_measure",
                                                     "basis_measure_title", "basis_list", "basis_ends")}
    assert recorded == {"basis_policy": "ln-2022-35", "basis_number": "辽政办〔2022〕35号",
                        "basis_title": "辽宁省加快发展数字经济核心产业的若干措施", "basis_measure": 19,
                        "basis_measure_title": "加大信贷支持", "basis_list": "数字经济核心产业企业“白名单”",
                        "basis_ends": date(2025, 12, 31)}
    assert first.basis_version == catalogue.published(session)[0].version
    assert first.basis_clause.startswith("建立并定期发布数字经济核心产业企业“白名单”")
    publish_whitelist_successor(session, people, start="2025-11-01")  # now serving on the version's own day
    assert whitelist.criteria(session, date(2025, 12, 1)).policy.number == "测试〔2024〕1号"
    again = whitelist.read(session, version_id=first.id)
    assert {key: getattr(again, key) for key in recorded} == recorded
    assert whitelist.named(session, again) == "数字经济核心产业企业白名单"
    assert basis.said(session, again, date(2025, 12, 10)) == ("依据辽政办〔2022〕35号措施19编制；该措施现行有效，"
                                                              "有效期至2025年12月31日")


def test_a_day_as_a_document_says_it() -> None:
    assert basis.long_day(date(2026, 1, 5)) == "2026年1月5日"

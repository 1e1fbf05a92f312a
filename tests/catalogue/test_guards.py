"""What a publication must not break: a measure still in use dropped by a new version, another document slipped
in under a policy's id, another version published since the admin looked; and a superseded version put back."""

import re
from datetime import date
from pathlib import Path

import pytest

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from tests.dbtest import PASSWORD, a_round

FIXTURES = Path(__file__).parents[1] / "fixtures"
SHIPPED = Path(__file__).parents[2] / "src" / "huiqi" / "policies"


@pytest.fixture
def second_admin(session):
    return users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员", role="admin",
                             password=PASSWORD)


def _shipped() -> str:
    return next(p for p in SHIPPED.glob("*.yaml") if p.name != "vocabulary.yaml").read_text("utf-8")


def _without_measure_14() -> str:
    text = _shipped()
    return text[:text.index("  - number: 14\n")] + text[text.index("  - number: 15\n"):]


def test_a_version_dropping_a_measure_an_open_round_offers_is_refused(session, people, second_admin) -> None:
    shipped = catalogue.published(session)[0]
    with clock.pinned(date(2025, 9, 1)):
        round_id = a_round(session)
        draft = catalogue.add(session, actor=people.admin, text=_without_measure_14(), file_name="without-14.yaml")
        with pytest.raises(Conflict) as refused:
            catalogue.publish(session, actor=second_admin, version_id=draft.id)
    assert refused.value.message.startswith(f"这个版本删去了措施14，但{shipped.number}的这些措施仍在使用，不能发布：")
    assert f"（批次 {round_id}）" in refused.value.message
    assert draft.state == "draft" and catalogue.policy(session, shipped.id).measure(14) is not None


def test_a_version_dropping_a_measure_nothing_uses_is_published(session, people, second_admin) -> None:
    draft = catalogue.add(session, actor=people.admin, text=_without_measure_14(), file_name="without-14.yaml")
    with clock.pinned(date(2025, 9, 1)):
        catalogue.publish(session, actor=second_admin, version_id=draft.id)
    assert catalogue.policy(session, draft.policy_id).measure(14) is None


def test_another_document_under_a_policy_s_id_is_refused(session, people) -> None:
    """The demo's successor with the shipped id: /policy listed the same document twice once it was published
    (the shipped id now carried the successor, in force beside the successor's own)."""
    shipped = catalogue.published(session)[0]
    other = re.sub(r"^id: .*$", f"id: {shipped.id}", (FIXTURES / "second-policy.yaml").read_text("utf-8"), flags=re.M)
    with pytest.raises(Conflict, match=f"现行版本是{re.escape(shipped.number)}，这份文件却是测试〔2024〕1号"):
        catalogue.add(session, actor=people.admin, text=other, file_name="other.yaml")
    twin = re.sub(r"^id: .*$", "id: ln-twin", _shipped(), flags=re.M)
    with pytest.raises(Conflict, match=f"已以政策编号 {shipped.id} 在用"):
        catalogue.add(session, actor=people.admin, text=twin, file_name="twin.yaml")


def test_a_twin_drafted_before_its_document_was_in_force_is_refused_at_publication(session, people,
                                                                                  second_admin) -> None:
    text = (FIXTURES / "second-policy.yaml").read_text("utf-8")
    first = catalogue.add(session, actor=people.admin, text=text, file_name="a.yaml")
    twin = catalogue.add(session, actor=people.admin, text=text.replace("id: test-successor", "id: test-twin"),
                         file_name="b.yaml")
    catalogue.publish(session, actor=second_admin, version_id=first.id, seen=0)
    with pytest.raises(Conflict, match="同一份政策不能以两个编号同时在用"):
        catalogue.publish(session, actor=second_admin, version_id=twin.id, seen=0)
    assert [p.number for p in catalogue.published(session)].count("测试〔2024〕1号") == 1


def _two_versions(session, people, second_admin):
    text = (FIXTURES / "second-policy.yaml").read_text("utf-8")
    first = catalogue.add(session, actor=people.admin, text=text, file_name="a.yaml")
    catalogue.publish(session, actor=second_admin, version_id=first.id, seen=0)
    retitled = text.replace("title: （测试用）数字经济配套措施示例", "title: （测试用）数字经济配套措施示例（修订）")
    second = catalogue.add(session, actor=people.admin, text=retitled, file_name="b.yaml")
    return first, second


def test_a_publication_from_a_stale_view_is_refused(session, people, second_admin) -> None:
    first, second = _two_versions(session, people, second_admin)
    with pytest.raises(Conflict, match="已有另一个版本刚发布"):
        catalogue.publish(session, actor=second_admin, version_id=second.id, seen=0)  # looked before the first
    assert (first.state, second.state) == ("published", "draft")
    catalogue.publish(session, actor=second_admin, version_id=second.id, seen=first.id)
    assert (first.state, second.state) == ("superseded", "published")


def test_a_superseded_version_is_put_back_in_force(session, people, second_admin) -> None:
    first, second = _two_versions(session, people, second_admin)
    catalogue.publish(session, actor=second_admin, version_id=second.id, seen=first.id)
    with pytest.raises(Conflict, match="请在该版本下点“重新发布”"):
        catalogue.add(session, actor=people.admin, text=first.text, file_name="again.yaml")
    catalogue.publish(session, actor=second_admin, version_id=first.id, seen=second.id)
    assert (first.state, second.state, first.ended_by) == ("published", "superseded", None)
    assert catalogue.policy(session, "test-successor").title == "（测试用）数字经济配套措施示例"

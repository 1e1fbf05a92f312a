"""The audit chain: intact after normal work; an edited row, a removed row and a removed tail are caught."""

from datetime import date

from sqlalchemy import text

from huiqi.audit import service as audit
from huiqi.funding import service as budgets
from tests.dbtest import unguard


def _some_events(session, people) -> None:
    for amount in (1_000_000, 2_000_000, 3_000_000):
        budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=amount)


def test_every_change_is_chained_and_intact(session, people) -> None:
    _some_events(session, people)
    result = audit.verify(session)
    assert result.intact and result.events > 10
    last = audit.history(session, entity="budget", entity_id="2025/ln-2022-35/3")
    budget = last[0].after["id"]
    assert [(e.actor, e.before, e.after) for e in last][-1] == (
        "finance", {"amount": 2_000_000, "committed": 0}, {"amount": 3_000_000, "committed": 0, "id": budget})


def test_an_edited_row_is_reported(session, people) -> None:
    _some_events(session, people)
    unguard(session)
    session.execute(text("UPDATE audit_events SET after = :after WHERE seq = 3"),
                    {"after": '{"role": "admin"}'})
    result = audit.verify(session)
    assert any("第 3 条审计记录的内容与其哈希不符" in p for p in result.problems), result.problems


def test_an_edited_row_with_its_hash_recomputed_breaks_the_next_link(session, people) -> None:
    _some_events(session, people)
    unguard(session)
    row = session.execute(text("SELECT id FROM audit_events WHERE seq = 4")).scalar_one()
    from huiqi.models import AuditEvent

    event = session.get(AuditEvent, row)
    event.actor = "someone-else"
    event.hash = audit.digest(event)
    session.flush()
    result = audit.verify(session)
    assert result.problems == ["第 5 条审计记录与前一条的链接断开：前一条被改动或删除"]


def test_a_removed_row_is_reported(session, people) -> None:
    _some_events(session, people)
    unguard(session)
    session.execute(text("DELETE FROM audit_events WHERE seq = 6"))
    result = audit.verify(session)
    assert "缺少第 6–6 条审计记录：记录被删除" in result.problems


def test_rows_removed_from_the_end_are_reported(session, people) -> None:
    _some_events(session, people)
    last = session.execute(text("SELECT max(seq) FROM audit_events")).scalar_one()
    unguard(session)
    session.execute(text("DELETE FROM audit_events WHERE seq = :last"), {"last": last})
    result = audit.verify(session)
    assert any("末尾的记录被删除" in p for p in result.problems), result.problems


def test_plain_values_are_json() -> None:
    assert audit.plain({"on": date(2025, 9, 1), "xs": {1}}) == {"on": "2025-09-01", "xs": [1]}


def _rewrite_from(session, seq: int) -> None:
    """What someone with write access could do: change event ``seq`` and recompute every hash after it."""
    from sqlalchemy import select

    from huiqi.models import AuditEvent, AuditHead

    unguard(session)
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.seq >= seq).order_by(AuditEvent.seq)))
    prev = session.scalars(select(AuditEvent.hash).where(AuditEvent.seq == seq - 1)).one()
    events[0].actor = "someone-else"
    for event in events:
        event.prev_hash = prev
        event.hash = prev = audit.digest(event)
    head = session.scalars(select(AuditHead)).one()
    head.hash = prev
    session.flush()


def test_a_whole_rewritten_tail_passes_the_chain_but_not_an_anchor_kept_outside(session, people) -> None:
    _some_events(session, people)
    kept = audit.anchor(session)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=4, amount=1)
    _rewrite_from(session, 4)
    assert audit.verify(session).intact, "the chain alone cannot see a rewrite of every later hash"
    seq = int(kept.split(":")[0])
    checked = audit.verify(session, [kept])
    now = session.execute(text("SELECT hash FROM audit_events WHERE seq = :seq"), {"seq": seq}).scalar_one()
    assert checked.chained and not checked.intact and checked.problems == [], "the chain itself checks out"
    assert checked.unheld == [f"锚点与第 {seq} 条审计记录不符：可能抄录有误，或此前的记录被改写（连同哈希）；"
                              f"链上第 {seq} 条的哈希现为 {now}，请与库外保存的原件逐字核对"]


def test_who_is_matched_inside_the_events_query_not_by_loading_every_matching_user(session, people) -> None:
    """One letter matches thousands of accounts: their names stay in the database (a subquery), not in a list."""
    from sqlalchemy import event

    _some_events(session, people)
    ran: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        ran.append(statement)

    event.listen(session.connection(), "before_cursor_execute", seen)
    try:
        rows, total = audit.recent(session, actor=people.auditor, who="fin")
    finally:
        event.remove(session.connection(), "before_cursor_execute", seen)
    assert total and {e.actor for e in rows} == {"finance"}
    assert [s for s in ran if "FROM users" in s and "audit_events" not in s] == [], ran


def test_an_anchor_is_checked_for_its_shape_and_its_row() -> None:
    import pytest

    from huiqi.errors import InputError

    with pytest.raises(InputError, match="anchor"):
        audit.parse_anchor("12:abc")


def test_an_anchor_past_the_end_is_reported(session, people) -> None:
    _some_events(session, people)
    assert audit.verify(session, [audit.anchor(session)]).intact
    last = session.execute(text("SELECT max(seq) FROM audit_events")).scalar_one()
    unguard(session)
    session.execute(text("DELETE FROM audit_events WHERE seq = :last"), {"last": last})
    said = f"锚点指向第 {last} 条审计记录，而审计链只有 {last - 1} 条：可能抄录有误，或末尾的记录被删除"
    assert said in audit.verify(session, [f"{last}:{'0' * 64}"]).unheld


def test_who_matches_part_of_a_login_name_or_of_a_display_name_and_wildcards_are_plain(session, people) -> None:
    _some_events(session, people)

    def actors(who: str) -> set[str]:
        return {e.actor for e in audit.recent(session, actor=people.auditor, who=who, limit=500)[0]}

    assert actors("fin") == actors("FINance") == actors("finance") == {"finance"}  # part of a login name, any case
    assert actors("财政") == {"finance"}  # part of its display name (省财政厅经办人)
    assert actors("%") == actors("_") == actors("fin%") == set()  # typed wildcards are plain characters
    assert actors("ｆｉｎａｎｃｅ") == actors(" ＦＩＮ ") == {"finance"}, "typed with a Chinese input method"


def test_an_edited_row_is_named_in_the_pages_words_not_by_its_codes(session, people) -> None:
    _some_events(session, people)
    seq = session.execute(text("SELECT max(seq) FROM audit_events")).scalar_one()
    unguard(session)
    session.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = :s"), {"s": seq})
    said = [p for p in audit.verify(session).problems if "哈希不符" in p]
    assert said == [f"第 {seq} 条审计记录的内容与其哈希不符：记录在写入后被改动"
                    "（现记载为：设定预算 2025年度措施3（辽政办〔2022〕35号）预算）"]

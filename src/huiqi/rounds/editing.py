"""Correcting a round (申报批次) that is open or yet to open: its texts, and a measure added.

A typo in the 批次名称, the 办事指南 or the 咨询电话 is corrected in place (checked as when the round was opened,
recorded with before and after); a form that showed other texts than those now stored is refused (409), so that
two people correcting at once never silently undo each other. A measure may be added: no application is in it yet.
Nothing else changes once a round is open: a measure removed, or the materials of one changed, would change what
applications already submitted were made under (what they were asked for, what they hold), so those stay as opened.
"""

import hashlib

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.db import one_at_a_time
from huiqi.errors import Conflict, InputError
from huiqi.messages import subscriptions
from huiqi.models import Department, Round, User
from huiqi.rounds import repository
from huiqi.rounds.service import MeasureIn, managed, measure_rows, texts
from huiqi.users.roles import Role

TEXTS = ("title", "guide", "contact")


def fingerprint(found: Round) -> str:
    """The round's texts as a form shows them, in short: sent back with a correction to tell a stale form."""
    joined = "\x00".join(getattr(found, name) or "" for name in TEXTS)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def _changeable(session: Session, actor: User, round_id: int, doing: str) -> Round:
    """The round, locked, if the actor manages it and it has not ended (closed, cancelled or past its deadline)."""
    unlocked = repository.get(session, round_id)
    if unlocked is not None:  # the policy's lock before the round's row, as opening and extending take them
        one_at_a_time(session, f"rounds:{unlocked.policy_id}")
    found = managed(session, actor, round_id, doing)
    if found.closed_at is not None or found.closes_on < clock.today():
        raise Conflict(f"申报批次「{found.title}」已{'取消' if found.cancelled else '截止'}，不能再修改")
    return found


def correct(session: Session, *, actor: User, round_id: int, title: str, guide: str, contact: str,
            seen: str) -> Round:
    """Correct the round's 批次名称, 办事指南 and 咨询电话; ``seen`` is the ``fingerprint`` the form was made from."""
    found = _changeable(session, actor, round_id, "修改")
    if seen != fingerprint(found):
        raise Conflict(f"申报批次「{found.title}」的信息刚被他人修改：请刷新页面，核对后再改")
    problems: list[tuple[str, str]] = []
    given = dict(zip(TEXTS, texts(problems, title, guide, contact), strict=True))
    if problems:
        raise InputError(problems)
    before = {name: getattr(found, name) for name in TEXTS if (getattr(found, name) or "") != given[name]}
    if not before:
        return found
    for name in before:
        setattr(found, name, given[name])
    session.flush()
    audit.record(session, actor=actor.username, action="round.correct", entity="round", entity_id=found.id,
                 before=before, after={name: given[name] for name in before})
    return found


def add_measure(session: Session, *, actor: User, round_id: int, measure: MeasureIn) -> Round:
    """Open one more measure of the round's policy in it (checked as when a round is opened)."""
    found = _changeable(session, actor, round_id, "修改")
    policy = next((p for p in catalogue.published(session) if p.id == found.policy_id), None)
    if policy is None:
        raise Conflict("本批次的政策已撤回，不能再增加措施")
    if repository.measure(session, found.id, measure.measure) is not None:
        raise InputError([("措施", f"措施{measure.measure} 已在本批次中")])
    unit = session.get(Department, actor.department_id) if actor.role == Role.DEPARTMENT else None
    problems: list[tuple[str, str]] = []
    rows = measure_rows(actor, unit, policy, [measure], found.opens_on, problems,
                        only_own="只能在批次中增加本单位牵头的措施")
    if problems:
        raise InputError(problems)
    row = rows[0]
    row.round_id = found.id
    session.add(row)
    session.flush()
    from huiqi.offers import service as offers  # offers read rounds: imported here, once both exist

    offers.make_for_listed(session, clock.today())  # a 免申即享 measure added: its listed enterprises are offered it
    audit.record(session, actor=actor.username, action="round.add_measure", entity="round", entity_id=found.id,
                 after={"measure": row.measure, "budget": row.budget, "mode": row.mode,
                        "materials": [m["name"] for m in row.materials]})
    subscriptions.tell(session, topic="rounds", subject=f"申报批次新增措施：{found.title}（{found.closes_on} 截止）",
                       body=f"{policy.number}「{found.title}」增加受理措施{row.measure}，截止日期 {found.closes_on}。",
                       link=f"/rounds#round-{found.id}", values={f"{policy.id}/{row.measure}"}, also=("measure",))
    return found

"""What publishing or withdrawing a policy version must not break: what still uses the policy or its measures,
and which file is a version of which policy."""

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.catalogue import repository
from huiqi.errors import Conflict
from huiqi.models import PolicyVersion
from huiqi.rules.policy import Policy
from huiqi.workflow.states import FINAL, State


def uses(session: Session, policy_id: str, measures: set[int] | None = None) -> list[str]:
    """What still uses the policy (or, with ``measures``, those of its measures): rounds open or yet to open, and
    applications submitted and not finished (an approved one not yet paid included). Taking it out would leave the
    round offering what nobody can apply under, and the applications without their rules mid-way."""
    rounds = repository.rounds_not_ended(session, policy_id, clock.today(), measures)
    # A draft is left out: once its round has closed it can never be submitted, and only its enterprise could
    # withdraw it, so it would hold the policy forever; while the round is open, the round refuses already.
    pending = repository.applications_in_progress(session, policy_id, (*FINAL, State.DRAFT), measures)
    said = []
    if rounds:
        said.append("未截止的申报批次 " + "、".join(f"“{r.title}”（批次 {r.id}）" for r in rounds[:5])
                    + (f" 等 {len(rounds)} 个" if len(rounds) > 5 else "") + "：请先在申报批次页关闭")
    if pending:
        said.append(f"{pending} 件已提交、尚未办结的申报（未拨付、未驳回、未撤回）：请先办结")
    return said


def keeps_served(session: Session, current: PolicyVersion, in_force: Policy, policy: Policy) -> None:
    """Refuse a version that drops (or renumbers) a measure of the version in force still in use (``uses``): an
    application in 公示 under it could no longer be approved, and its round would go on offering it."""
    gone = {m.number for m in in_force.measures} - {m.number for m in policy.measures}
    said = uses(session, current.policy_id, gone) if gone else []
    if said:
        named = "、".join(f"措施{n}" for n in sorted(gone))
        raise Conflict(f"这个版本删去了{named}，但{current.number}的这些措施仍在使用，不能发布：" + "；".join(said))


def same_policy(policy: Policy, current: PolicyVersion | None, in_force: list[Policy]) -> None:
    """Refuse what is plainly not a version of the policy in force under its id: another document number (文号)
    is another document, and one document is in force under one id only (the public list would show it twice)."""
    if current is not None and current.number != policy.number:
        raise Conflict(f"政策编号 {policy.id} 的现行版本是{current.number}，这份文件却是{policy.number}："
                       "同一政策的新版本须沿用原文号；另一份政策请在文件中另取政策编号（id）")
    other = next((p for p in in_force if p.number == policy.number and p.id != policy.id), None)
    if other is not None:
        raise Conflict(f"{policy.number}已以政策编号 {other.id} 在用：同一份政策不能以两个编号同时在用；"
                       f"如要发布它的新版本，请在文件中沿用 id: {other.id}")

"""One judgement: what the rules say about an application on a day.

Submission, approval and the review page all ask this one function, so they cannot disagree: the
rules run as of the day on the applicant's current record (all its matters), the application's row
of the answer is picked out, support received elsewhere (``other_support``) and grants already in the
database for the same matter are weighed (从高不重复), and the refusals, if any, are said the same way
wherever they are met.

A matter whose list was withdrawn counts no more: the refusal says so (not that its codes reach no measure), unless
the same recognition is still recorded in a twin of it (an honour of the same code and date, see
``applicants.repository.same_recognition``), which is then judged in its stead. Grants of the matter's twins are
weighed as the matter's own: the same recognition is supported once.

A grant for the matter under the same policy refuses another. A grant under another policy is deducted from the
ceiling, as ``other_support`` is (差额补足: the matter is topped up to the higher ceiling, never paid twice), unless
one of the two measures names the other's policy in ``stacks_with`` (另有规定的除外).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from huiqi.applicants import repository as applicants
from huiqi.applicants import service as applicant_service
from huiqi.catalogue import service as catalogue
from huiqi.funding import repository as funding
from huiqi.labels import OUTWEIGHED_BY_OTHER_SUPPORT
from huiqi.models import Application, Grant, Matter, RecognitionList
from huiqi.money import wan
from huiqi.rules.answer import Answer, Result
from huiqi.rules.match import match
from huiqi.rules.policy import Policy
from huiqi.rules.stacking import OTHER_SUPPORT, Stacks, blocked_by_other_support, deducted, stack, stacks_of


@dataclass
class Judgement:
    """The rules' answer for one application on one day, and what no stacking says of it."""

    on: date
    matter_key: str
    answer: Answer
    case: dict[str, Any]  # the applicant and matters as the rules read them (kept on submission)
    result: Result | None  # the application's (matter, policy, measure) row, None when its codes do not reach it
    other_support: int | None
    same_policy: Grant | None  # another application's grant for this matter under this policy
    elsewhere: list[Grant] = field(default_factory=list)  # grants under other policies, deducted here (差额补足)
    alternatives: list[Result] = field(default_factory=list)
    policy_numbers: dict[str, str] = field(default_factory=dict)  # a policy's id → its document number
    withdrawn: str | None = None  # why the matter counts no more (its list withdrawn, nothing else records it)
    instead: str | None = None  # the twin judged in its stead (its list withdrawn, the recognition recorded there)
    twins: dict[int, str] = field(default_factory=dict)  # the matter's twins (the same recognition): id → key

    @property
    def status(self) -> str | None:
        return self.result.status if self.result else None

    @property
    def granted_elsewhere(self) -> int:
        """What other policies granted the matter (in this system): deducted from the ceiling here."""
        return sum(g.amount for g in self.elsewhere)

    @property
    def ceiling(self) -> int | None:
        """The ceiling here: the measure's, less ``other_support`` and less what other policies granted."""
        return deducted(self.result.ceiling, self.granted_elsewhere) if self.result else None

    @property
    def missing(self) -> list[str]:
        return self.result.missing if self.result else []

    def higher(self, application: Application) -> str | None:
        """What 从高不重复 says to an applicant who chose this measure where another ranks higher for the matter (or
        None), with what it may do about it."""
        said, r = outranked(self.result, self.alternatives, application.policy_id, self.policy_numbers), self.result
        if said and r is not None and (r.excluded_by_policy or application.policy_id) == application.policy_id:
            said += f"如要申报措施{r.excluded_by}，请撤回本申报后重新申报。"
        return said

    def refusal(self, application: Application, *, amount: int, eligible_only: bool, what: str) -> str | None:
        """Why the application cannot go on, or None. Submission lets an undetermined result through to
        review (its missing facts named); approval needs it eligible (``eligible_only``)."""
        result = self.result
        if self.withdrawn:
            return self.withdrawn
        if result is None:
            return f"该事项的代码不在措施{application.measure}的支持范围内"
        if result.status == "ineligible" or (eligible_only and result.status != "eligible"):
            failed = "；".join(c.text for c in result.conditions if c.value is False)
            if result.status == "ineligible":
                return f"{self.on} 按政策规则判断：不符合措施{application.measure}的条件：{failed}"
            missing = f"（缺少：{'、'.join(result.missing)}）" if result.missing else ""
            return f"{self.on} 按政策规则判断：措施{application.measure}的条件待定{missing}，须补齐后方可批准"
        # result.ceiling is already less other_support (差额补足); the measure's own ceiling decides the block.
        if result.excluded_by == OTHER_SUPPORT or blocked_by_other_support(
                result.ceiling_before_deduction, self.other_support):
            return f"{OUTWEIGHED_BY_OTHER_SUPPORT}（从高不重复）"
        if self.same_policy is not None and self.same_policy.matter_id in self.twins:
            return twin_granted(self.same_policy, self.twins[self.same_policy.matter_id],
                                self._cited(self.same_policy))
        if self.same_policy is not None:
            return (f"该事项已按 {self._cited(self.same_policy)} 获批 {wan(self.same_policy.amount)} 万元"
                    f"（申报 #{self.same_policy.application_id}），按从高不重复原则不再支持")
        if blocked_by_other_support(result.ceiling, self.granted_elsewhere):
            return (f"该事项已按 {self._granted()}，不低于措施{application.measure}的上限"
                    f"{'' if result.ceiling is None else f' {wan(result.ceiling)} 万元'}，按从高不重复原则不再支持")
        ceiling = self.ceiling
        if ceiling is not None and amount > ceiling:
            return (f"{what} {wan(amount)} 万元超过上限 {wan(ceiling)} 万元{self._deduction(result)}"
                    f"（{self.on} 按规则计算）")
        return None

    def _cited(self, grant: Grant) -> str:
        return f"{self.policy_numbers.get(grant.policy_id, grant.policy_id)} 措施{grant.measure}"

    def _granted(self) -> str:
        """What other policies granted the matter: 演示〔2024〕1号 措施1 获批 300 万元（申报 #7）."""
        return "、".join(f"{self._cited(g)} 获批 {wan(g.amount)} 万元（申报 #{g.application_id}"
                        f"{f'，同一认定的事项「{self.twins[g.matter_id]}」' if g.matter_id in self.twins else ''}）"
                        for g in self.elsewhere)

    def _deduction(self, result: Result) -> str:
        """How the ceiling came about when support received elsewhere was deducted from it."""
        before = result.ceiling_before_deduction
        parts = []
        if before is not None and before != result.ceiling:
            parts.append(f"扣除已获我省其他政策支持 {wan(result.other_support or 0)} 万元")
        if self.elsewhere:
            parts.append(f"扣除已按 {self._granted()}")
        if not parts or before is None:
            return ""
        return f"（措施上限 {wan(before)} 万元，{'，'.join(parts)}）"


def outranked(result: Result | None, alternatives: list[Result], policy_id: str,
              numbers: dict[str, str]) -> str | None:
    """What 从高不重复 says of a result another measure outranks for its matter (None when none does): within one
    policy a matter is supported once, so the lower measure forgoes the higher one; another policy's higher measure
    can still top it up later (差额补足)."""
    if result is None or result.excluded_by is None or result.excluded_by == OTHER_SUPPORT:
        return None
    policy = result.excluded_by_policy or policy_id
    kept = next((x for x in alternatives if x.policy == policy and x.measure == result.excluded_by), None)
    upto = f"（上限 {wan(kept.ceiling)} 万元）" if kept is not None and kept.ceiling is not None else ""
    if policy == policy_id:
        return (f"按从高不重复原则，该事项在本政策中应由措施{result.excluded_by}支持{upto}。"
                f"同一政策下一个事项只支持一次：按本措施获批后，不能再按措施{result.excluded_by}获得支持。")
    return (f"按从高不重复原则，该事项在 {numbers.get(policy, policy)} 措施{result.excluded_by}的支持更高{upto}。"
            f"按本措施获批后，仍可按该政策申报差额（差额补足）。")


def judge(session: Session, application: Application, *, on: date,
          policies: list[Policy] | None = None) -> Judgement:
    """Run the rules for ``application`` as of ``on`` on the applicant's current record."""
    applicant = applicants.by_uscc(session, application.uscc)
    if applicant is None:  # an application always has its applicant; kept for the type checker
        raise LookupError(application.uscc)
    case, data = applicant_service.case_for(session, applicant=applicant, as_of=on)
    used = policies or catalogue.published(session)
    answer = match(case, used, on)
    matter = session.get(Matter, application.matter_id)
    twins = applicants.same_recognition(session, matter) if matter is not None else []
    key, withdrawn, instead = matter.key if matter is not None else "", None, None
    if matter is not None and matter.source == "withdrawn":
        standing = next((t for t in twins if t.source != "withdrawn"), None)
        if standing is None:
            withdrawn = list_withdrawn(session, matter)
        else:  # the recognition is still recorded: judged there (its grants are this one's anyway)
            key = instead = standing.key
    result = result_for(answer, application, key)
    grants = [g for g in funding.grants_for_matters(session, [application.matter_id, *(t.id for t in twins)])
              if g.application_id != application.id]
    return Judgement(
        on=on, matter_key=key, answer=answer, case=data, result=result,
        other_support=next((m.other_support for m in case.matters if m.id == key), None),
        same_policy=next((g for g in grants if g.policy_id == application.policy_id), None),
        elsewhere=deducted_grants(grants, application.policy_id, application.measure, stacks_of(used)),
        alternatives=[r for r in answer.results if r.matter == key and r is not result],
        policy_numbers={p.id: p.number for p in used}, withdrawn=withdrawn, instead=instead,
        twins={t.id: t.key for t in twins})


def list_withdrawn(session: Session, matter: Matter) -> str:
    """Why a matter whose list was withdrawn counts no more, as a reviewer is told it: the list, when and why."""
    found = session.get(RecognitionList, matter.list_id) if matter.list_id is not None else None
    if found is None or found.state != "withdrawn":
        return "该事项所依据的认定名单已撤回，不再作为认定的依据"
    why = f"（理由：{found.reason}）" if found.reason else ""
    return f"该事项所依据的认定名单（{found.document}，认定名单 {found.id}）已撤回{why}，不再作为认定的依据"


def twin_granted(grant: Grant, key: str, cited: str) -> str:
    """The same recognition granted under this policy through a twin matter (a list imported twice)."""
    return (f"申报 #{grant.application_id} 已就同一认定获批（事项「{key}」，{cited} {wan(grant.amount)} 万元），"
            "按从高不重复原则不再支持")


def review_refusal(session: Session, application: Application) -> str | None:
    """Why a review step on the way to a grant (proposing an amount, opening its 公示) cannot be taken, or None:
    the matter's list was withdrawn and nothing else records the recognition, or the same recognition was granted
    under this policy through a twin matter. Approval asks the whole judgement (``judge``) and says the same."""
    matter = session.get(Matter, application.matter_id)
    if matter is None:
        return None
    twins = applicants.same_recognition(session, matter)
    if matter.source == "withdrawn" and all(t.source == "withdrawn" for t in twins):
        return list_withdrawn(session, matter)
    keys = {t.id: t.key for t in twins}
    granted = next((g for g in funding.grants_for_matters(session, list(keys))
                    if g.policy_id == application.policy_id and g.application_id != application.id), None)
    if granted is None:
        return None
    number = catalogue.numbers(session).get(granted.policy_id, granted.policy_id)
    return twin_granted(granted, keys[granted.matter_id], f"{number} 措施{granted.measure}")


def deducted_grants(grants: list[Grant], policy_id: str, measure: int, stacks: Stacks) -> list[Grant]:
    """The grants under other policies that reduce a result of (``policy_id``, ``measure``) (差额补足): all but
    those whose support stacks with it (另有规定的除外)."""
    return [g for g in grants
            if g.policy_id != policy_id and not stack((policy_id, measure), (g.policy_id, g.measure), stacks)]


def left_to_grant(session: Session, matter_id: int, policy_id: str, measure: int, ceiling: int | None,
                  stacks: Stacks) -> tuple[int | None, int]:
    """A result's ceiling less what other policies granted the matter (差额补足), and what they granted."""
    granted = sum(g.amount for g in deducted_grants(
        funding.grants_for_matters(session, applicants.recognition_ids(session, matter_id)), policy_id, measure,
        stacks))
    return deducted(ceiling, granted), granted


def matter_key(session: Session, application: Application) -> str:
    """The applicant's own id of the application's matter."""
    found = session.get(Matter, application.matter_id)
    return found.key if found else ""


def result_for(answer: Answer, application: Application, key: str) -> Result | None:
    """The answer's row for the application's (matter, policy, measure); ``key`` is the matter's id."""
    return next((r for r in answer.results if r.matter == key and r.policy == application.policy_id
                 and r.measure == application.measure), None)

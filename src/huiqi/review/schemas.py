"""The review door's shapes: the queue, the dossier, and the decisions' bodies. Money in whole yuan."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from huiqi.applications.schemas import MaterialRead, StepRead
from huiqi.money import MAX_YUAN
from huiqi.review.materials import Filed
from huiqi.review.reading import Dossier, Row
from huiqi.rules.answer import ConditionTrace
from huiqi.validation import PlainText, QueryChoice, StrictInput
from huiqi.workflow.runner import Seen
from huiqi.workflow.states import STATES

StateName = Literal[tuple(STATES)]  # type: ignore[valid-type]
# A state asked for in a query: blank (the queue's 待我处理, the first option of its select) is none.
StateQuery = Annotated[StateName | None, QueryChoice, Query(description="只看某一状态（范围内全部）")]


class ReviewItem(BaseModel):
    """One application of the queue."""

    id: int
    applicant: str
    uscc: str
    policy_id: str
    measure: int
    title: str
    state: str
    state_label: str  # as people read it today: for an application in 公示, where its 公示 stands
    city: str | None
    department: str | None
    submitted_on: date | None
    amount_requested: int
    ceiling: int | None
    amount_proposed: int | None
    expert_score: int | None

    @classmethod
    def of(cls, row: Row) -> "ReviewItem":
        a = row.application
        return cls(id=a.id, applicant=row.applicant, uscc=a.uscc, policy_id=a.policy_id, measure=a.measure,
                   title=row.title, state=a.state, state_label=row.status, city=a.city, department=row.department,
                   submitted_on=a.submitted_on, amount_requested=a.amount_requested, ceiling=a.ceiling,
                   amount_proposed=a.amount_proposed, expert_score=a.expert_score)


class RuleTrace(BaseModel):
    """What the rules said on submission for this (matter, measure)."""

    status: str
    ceiling: int | None
    ceiling_before_deduction: int | None = None  # the measure's own, before support received elsewhere
    other_support: int | None = None
    excluded_by: int | str | None
    missing: list[str]
    conditions: list[ConditionTrace]


class AlternativeRead(BaseModel):
    """Another measure the same matter reaches, as the rules saw it on submission."""

    policy: str
    measure: int
    title: str
    status: str
    ceiling: int | None
    excluded_by: int | str | None
    excluded_by_policy: str | None = None  # the policy of the measure 从高不重复 kept, where it is another's


class OtherRead(BaseModel):
    application_id: int
    policy_id: str
    measure: int
    state: str
    amount: int | None
    granted: bool


class BatchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    starts_on: date
    ends_on: date
    working_days: int


class FiledRead(MaterialRead):
    """A material as the reviewer reads it: what the round says of its kind, and the correction it came with."""

    required: bool | None = Field(None, description="批次是否要求这项材料（批次材料清单未列出的为 null）")
    corrects: date | None = Field(None, description="补正：该材料在这一天退回补正之后上传（此前上传的为 null）")

    @classmethod
    def of(cls, found: Filed) -> "FiledRead":
        return cls.model_validate(found.material).model_copy(update={"required": found.required,
                                                                    "corrects": found.corrects})


class ReviewDetail(ReviewItem):
    """The dossier: the applicant at submission, the rule trace, no-stacking warnings, materials, timeline."""

    applicant_facts: dict[str, Any]
    matter: dict[str, Any]
    rule: RuleTrace | None
    alternatives: list[AlternativeRead]
    stacking: list[str]
    others: list[OtherRead]
    materials: list[FiledRead]
    timeline: list[StepRead]
    actions: list[str]
    announcement: BatchRead | None
    budget_left: int | None
    payee: str = Field("", description="企业确认的收款账户：开户银行和账号尾号，如“中国工商银行沈阳分行 尾号 5678”"
                                       "（尚未确认为空，此时不能拨付；市级初审人员不查看收款账户，总为空）")

    @classmethod
    def of_dossier(cls, d: Dossier) -> "ReviewDetail":
        base = ReviewItem.of(Row(d.application, d.applicant, d.department, d.title, d.status)).model_dump()
        return cls(
            **base, applicant_facts=d.facts, matter=d.matter, rule=_trace(d.result),
            alternatives=[AlternativeRead(policy=r.policy, measure=r.measure, title=r.title, status=r.status,
                                          ceiling=r.ceiling, excluded_by=r.excluded_by,
                                          excluded_by_policy=r.excluded_by_policy) for r in d.alternatives],
            stacking=d.warnings,
            others=[OtherRead(application_id=o.application_id, policy_id=o.policy_id, measure=o.measure,
                              state=o.state, amount=o.amount, granted=o.granted) for o in d.others],
            materials=[FiledRead.of(f) for f in d.materials],
            timeline=d.timeline, actions=[s.action for s in d.steps],
            announcement=BatchRead.model_validate(d.announcement) if d.announcement else None,
            budget_left=d.budget.amount - d.budget.committed if d.budget else None, payee=d.payee)


def _trace(result) -> RuleTrace | None:
    if result is None:
        return None
    return RuleTrace(status=result.status, ceiling=result.ceiling,
                     ceiling_before_deduction=result.ceiling_before_deduction, other_support=result.other_support,
                     excluded_by=result.excluded_by, missing=result.missing, conditions=result.conditions)


class SeenIn(StrictInput):
    """What the caller last read of the application (optional): with it, a step on an application changed since is
    refused (409). Said or not, a step the workflow does not allow from the state found is refused as before."""

    seen_state: StateName | None = Field(None, description="办理前看到的状态；已变化则 409（可选）")
    seen_amount: int | None = Field(None, ge=0, le=MAX_YUAN,
                                    description="办理前看到的拟定金额（元；null 表示尚未拟定）；已变化则 409（可选）")

    def seen(self) -> Seen | None:
        """What the caller says it saw, for the step runner; nothing said, nothing checked."""
        said = "seen_amount" in self.model_fields_set
        if self.seen_state is None and not said:
            return None
        return Seen(state=self.seen_state, amount=self.seen_amount, amount_said=said)


class DecisionIn(SeenIn):
    """A decision with nothing to say beyond itself; it is dated by the day it is recorded. With what the caller
    last read of the application (optional), a decision on an application changed since is refused (409)."""

    seen_score: int | None = Field(None, ge=0, le=100,
                                   description="办理前看到的评审得分（null 表示尚未录入）；已变化则 409（可选）")

    def seen(self) -> Seen | None:
        """What the caller says it saw, for the step runner; nothing said, nothing checked."""
        said, scored = "seen_amount" in self.model_fields_set, "seen_score" in self.model_fields_set
        if self.seen_state is None and not said and not scored:
            return None
        return Seen(state=self.seen_state, amount=self.seen_amount, amount_said=said, score=self.seen_score,
                    score_said=scored)


class ReasonsIn(DecisionIn):
    reasons: PlainText = Field(min_length=1, max_length=2000,
                               description="理由：退回须写明补正内容，不予支持须写明原因")


class ScoreIn(DecisionIn):
    score: int = Field(ge=0, le=100, description="专家或第三方评审得分，0–100 的整数")


class ProposeIn(DecisionIn):
    # no bound of its own: the step's is lower (the ceiling, the amount asked, both within MAX_YUAN) and it names it,
    # as the review page does, however large the amount (a JSON number has at most 4300 digits)
    amount: int = Field(gt=0, description="拟定支持金额（元，整数）；不超过上限和申请金额，超过时说明可拟定的最高金额")

"""States and steps of an application (DOMAIN.md, "Administration").

draft → submitted → city review (only where the measure's units include 各市政府) → department
review (the lead unit) → amount proposed → 公示 → approved → disbursed. A review may return for
correction (with reasons; the applicant resubmits) or reject (with reasons): the city and the department
at their stage (the department until the 公示 opens), finance instead of approving. An objection during
公示 sends the application back to department review.

免申即享: the lead department confirms an offer from a published list (二次确认) and the application starts in its
review; the enterprise files nothing (no application, materials or declaration), so there is nothing for it to
correct: such an application is never returned for correction (退回补正) nor submitted. The department that finds it
should not be supported rejects it with reasons (不予支持), as it sets aside an offer it does not confirm.

This table is the workflow: the step runner (``runner.run``) refuses whatever it does not list, and
the review desk offers exactly the steps it lists for the reader's role and the application's state.
"""

from dataclasses import dataclass
from enum import StrEnum

from huiqi.users.roles import Role


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CITY_REVIEW = "city_review"
    DEPARTMENT_REVIEW = "department_review"
    PROPOSED = "proposed"
    ANNOUNCED = "announced"
    APPROVED = "approved"
    DISBURSED = "disbursed"
    RETURNED = "returned"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


STATES: dict[str, str] = {
    State.DRAFT: "草稿",
    State.SUBMITTED: "已提交",
    State.CITY_REVIEW: "市级初审",
    State.DEPARTMENT_REVIEW: "责任单位审核",
    State.PROPOSED: "已拟定金额",
    State.ANNOUNCED: "公示中",
    State.APPROVED: "已批准",
    State.DISBURSED: "已拨付",
    State.RETURNED: "退回补正",
    State.REJECTED: "不予支持",
    State.WITHDRAWN: "已撤回",
}
FINAL = (State.DISBURSED, State.REJECTED, State.WITHDRAWN)
# Not live: a matter may be applied for again once its application is withdrawn or rejected.
ENDED = (State.REJECTED, State.WITHDRAWN)
# The matter has had its support (or has it granted): nothing else may be applied for on it.
SUPPORTED = (State.APPROVED, State.DISBURSED)
# An enterprise may still change these (amount, materials, declaration).
EDITABLE = (State.DRAFT, State.RETURNED)


class Action(StrEnum):
    SUBMIT = "submit"
    CONFIRM = "confirm"
    ROUTE_CITY = "route_city"
    ROUTE_DEPARTMENT = "route_department"
    PASS_CITY = "pass_city"
    RETURN = "return"
    REJECT = "reject"
    SCORE = "score"
    PROPOSE = "propose"
    AMEND = "amend"
    ANNOUNCE = "announce"
    OBJECT = "object"
    APPROVE = "approve"
    DISBURSE = "disburse"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Step:
    action: Action
    label: str
    sources: tuple[State, ...]
    target: State
    roles: tuple[Role, ...]
    needs_reasons: bool = False
    # Whether the step is taken on a 免申即享 application (confirmed by the lead department from a published list):
    # None on every application, False never on one (its enterprise files nothing, so corrects nothing).
    direct: bool | None = None


S = State
STEPS = (
    Step(Action.SUBMIT, "提交申报", (S.DRAFT, S.RETURNED), S.SUBMITTED, (Role.ENTERPRISE,), direct=False),
    # 免申即享: the lead department confirms an offer (二次确认); no application by the enterprise.
    Step(Action.CONFIRM, "二次确认（免申即享）", (S.DRAFT,), S.DEPARTMENT_REVIEW, (Role.DEPARTMENT,)),
    Step(Action.ROUTE_CITY, "转市级初审", (S.SUBMITTED,), S.CITY_REVIEW, (Role.SYSTEM,)),
    Step(Action.ROUTE_DEPARTMENT, "转责任单位审核", (S.SUBMITTED,), S.DEPARTMENT_REVIEW, (Role.SYSTEM,)),
    Step(Action.PASS_CITY, "初审通过", (S.CITY_REVIEW,), S.DEPARTMENT_REVIEW, (Role.CITY,)),
    # Each reviewer returns or rejects only at its own stage: a city that has passed an application is done with it.
    Step(Action.RETURN, "退回补正", (S.CITY_REVIEW,), S.RETURNED, (Role.CITY,), True, direct=False),
    Step(Action.RETURN, "退回补正", (S.DEPARTMENT_REVIEW,), S.RETURNED, (Role.DEPARTMENT,), True, direct=False),
    Step(Action.REJECT, "不予支持", (S.CITY_REVIEW,), S.REJECTED, (Role.CITY,), True),
    Step(Action.REJECT, "不予支持", (S.DEPARTMENT_REVIEW,), S.REJECTED, (Role.DEPARTMENT,), True),
    # Until the 公示 opens, the amount proposed is still the department's review: it may still return or reject.
    Step(Action.RETURN, "退回补正", (S.PROPOSED,), S.RETURNED, (Role.DEPARTMENT,), True, direct=False),
    Step(Action.REJECT, "不予支持", (S.PROPOSED,), S.REJECTED, (Role.DEPARTMENT,), True),
    # Approval is finance's review: when it cannot approve (the rules no longer hold, the applicant's record now
    # fails the guide's conditions), it rejects with reasons rather than leave the application waiting for ever.
    Step(Action.REJECT, "不予支持", (S.ANNOUNCED,), S.REJECTED, (Role.FINANCE,), True),
    # The expert score is recorded during the department's review and leaves the state as it is (on the timeline).
    Step(Action.SCORE, "录入评审得分", (S.DEPARTMENT_REVIEW,), S.DEPARTMENT_REVIEW, (Role.DEPARTMENT,)),
    Step(Action.PROPOSE, "拟定金额", (S.DEPARTMENT_REVIEW,), S.PROPOSED, (Role.DEPARTMENT,)),
    # A proposed amount not yet in a 公示 is still the department's to correct (a typo: 9 for 90), in place.
    Step(Action.AMEND, "更正拟定金额", (S.PROPOSED,), S.PROPOSED, (Role.DEPARTMENT,)),
    Step(Action.ANNOUNCE, "列入公示", (S.PROPOSED,), S.ANNOUNCED, (Role.DEPARTMENT,)),
    Step(Action.OBJECT, "公示异议退回审核", (S.ANNOUNCED,), S.DEPARTMENT_REVIEW, (Role.DEPARTMENT,), True),
    Step(Action.APPROVE, "批准", (S.ANNOUNCED,), S.APPROVED, (Role.FINANCE,)),
    Step(Action.DISBURSE, "拨付", (S.APPROVED,), S.DISBURSED, (Role.FINANCE,)),
    Step(Action.WITHDRAW, "撤回", (S.DRAFT, S.RETURNED), S.WITHDRAWN, (Role.ENTERPRISE,)),
)
ACTIONS: dict[str, str] = {step.action: step.label for step in STEPS}
# How a refusal names what was tried, where that differs from the step's name in the timeline.
DOING: dict[str, str] = ACTIONS | {Action.ANNOUNCE: "发布公示"}


def standing(state: str) -> str:
    """Where an application stands, as a refusal names it: a stale tab must not read a withdrawn one as 已提交.

    >>> standing("withdrawn"), standing("department_review"), standing("returned"), standing("submitted")
    ('当前为「已撤回」', '已提交，当前处于「责任单位审核」', '当前处于「退回补正」', '当前为「已提交」')
    """
    label = STATES.get(state, state)
    if state in FINAL or state == State.SUBMITTED:  # not 已提交，当前处于「已提交」
        return f"当前为「{label}」"
    return f"当前处于「{label}」" if state in EDITABLE else f"已提交，当前处于「{label}」"


def _fits(step: Step, direct: bool) -> bool:
    return step.direct is None or step.direct == direct


def step_for(action: str, state: str, role: str, *, direct: bool = False) -> Step | None:
    """The step ``role`` takes with ``action`` from ``state``, if the table has one, on a 免申即享 application when
    ``direct``.

    >>> step_for("return", "department_review", "city") is None
    True
    >>> step_for("return", "department_review", "department", direct=True) is None
    True
    """
    return next((s for s in STEPS if s.action == action and state in s.sources and role in s.roles
                 and _fits(s, direct)), None)


def roles_of(action: str) -> set[Role]:
    return {role for s in STEPS if s.action == action for role in s.roles}


def allowed(state: str, role: str, *, direct: bool = False) -> list[Step]:
    """The steps ``role`` may take from ``state``, on a 免申即享 application when ``direct``.

    >>> [s.action.value for s in allowed("city_review", "city")]
    ['pass_city', 'return', 'reject']
    >>> [s.action.value for s in allowed("department_review", "city")]
    []
    >>> allowed("city_review", "auditor")
    []
    >>> [s.action.value for s in allowed("proposed", "department", direct=True)]
    ['reject', 'amend', 'announce']
    >>> [s.action.value for s in allowed("returned", "enterprise", direct=True)]
    ['withdraw']
    """
    return [s for s in STEPS if state in s.sources and role in s.roles and _fits(s, direct)]

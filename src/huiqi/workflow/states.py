"""States and steps of an application (DOMAIN.md, "Administration").

draft → submitted → city review (only where the measure's units include 各市政府) → department
review (the lead unit) → amount proposed → 公示 → approved → disbursed. A review may return for
correction (with reasons; the applicant resubmits) or reject (with reasons). An objection during
公示 sends the application back to department review.
"""

from dataclasses import dataclass

STATES = {
    "draft": "草稿",
    "submitted": "已提交",
    "city_review": "市级初审",
    "department_review": "责任单位审核",
    "proposed": "已拟定金额",
    "announced": "公示中",
    "approved": "已批准",
    "disbursed": "已拨付",
    "returned": "退回补正",
    "rejected": "不予支持",
    "withdrawn": "已撤回",
}
FINAL = ("disbursed", "rejected", "withdrawn")


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    needs_reasons: bool = False


STEPS = (
    Step("submit", "提交申报", ("draft", "returned"), "submitted", ("enterprise",)),
    Step("route_city", "转市级初审", ("submitted",), "city_review", ("system",)),
    Step("route_department", "转责任单位审核", ("submitted",), "department_review", ("system",)),
    Step("pass_city", "初审通过", ("city_review",), "department_review", ("city",)),
    # Each reviewer returns or rejects only at its own stage: a city that has passed an application is done with it.
    Step("return", "退回补正", ("city_review",), "returned", ("city",), True),
    Step("return", "退回补正", ("department_review",), "returned", ("department",), True),
    Step("reject", "不予支持", ("city_review",), "rejected", ("city",), True),
    Step("reject", "不予支持", ("department_review",), "rejected", ("department",), True),
    Step("propose", "拟定金额", ("department_review",), "proposed", ("department",)),
    Step("announce", "列入公示", ("proposed",), "announced", ("department",)),
    Step("object", "公示异议退回审核", ("announced",), "department_review", ("department",), True),
    Step("approve", "批准", ("announced",), "approved", ("finance",)),
    Step("disburse", "拨付", ("approved",), "disbursed", ("finance",)),
    Step("withdraw", "撤回", ("draft", "returned"), "withdrawn", ("enterprise",)),
)
ACTIONS = {step.action: step.label for step in STEPS}


def step_for(action: str, state: str, role: str) -> Step | None:
    """The step ``role`` takes with ``action`` from ``state``, if the table has one.

    >>> step_for("return", "department_review", "city") is None
    True
    """
    return next((s for s in STEPS if s.action == action and state in s.sources and role in s.roles), None)


def roles_of(action: str) -> set[str]:
    return {role for s in STEPS if s.action == action for role in s.roles}


def allowed(state: str, role: str) -> list[Step]:
    """The steps ``role`` may take from ``state``.

    >>> [s.action for s in allowed("city_review", "city")]
    ['pass_city', 'return', 'reject']
    >>> [s.action for s in allowed("department_review", "city")]
    []
    >>> allowed("city_review", "auditor")
    []
    """
    return [s for s in STEPS if state in s.sources and role in s.roles]

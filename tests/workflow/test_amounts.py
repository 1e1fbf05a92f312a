"""The amount proposed lives on the proposed/公示 path only: a return or an objection clears it (the audit trail
keeps it), a rejection keeps it (what was proposed, or published, and then refused); until the 公示 opens the
department corrects it in place, with the checks of proposing."""

from datetime import date

import pytest

from huiqi.audit import service as audit
from huiqi.errors import Conflict, Forbidden, InputError
from huiqi.workflow import repository as steps
from huiqi.workflow.states import State
from tests.dbtest import apply, resubmit, step, to_announced

ON = date(2025, 9, 10)


def _proposed(session, people, store, amount: int = 100_000):
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=store)
    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    step(session, "propose", people.miit, app, on=ON, amount=amount)
    return app


def _amounts(session, app) -> list[tuple[object, object]]:
    return [((e.before or {}).get("amount_proposed"), e.after["amount_proposed"])
            for e in audit.history(session, entity="application", entity_id=app.id)
            if e.action == "application.amount_proposed"]


def test_a_return_clears_the_amount_and_the_trail_keeps_it(session, people, tmp_path) -> None:
    app = _proposed(session, people, tmp_path)
    step(session, "return", people.miit, app, on=ON, reasons="请补充验收报告")
    assert (app.state, app.amount_proposed) == (State.RETURNED, None)
    assert _amounts(session, app) == [(None, 100_000), (100_000, None)]
    resubmit(session, people.alice, app, on=date(2025, 9, 11))
    assert (app.state, app.amount_proposed) == (State.CITY_REVIEW, None)
    assert audit.verify(session).intact and not audit.verify(session).differences


def test_an_objection_clears_the_amount(session, people, tmp_path) -> None:
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=100_000, store=tmp_path)
    step(session, "object", people.miit, app, on=date(2025, 10, 9), reasons="认定文件存疑")
    assert (app.state, app.amount_proposed, app.announcement_id) == (State.DEPARTMENT_REVIEW, None, None)
    assert _amounts(session, app)[-1] == (100_000, None)


def test_a_rejection_keeps_the_amount_it_refused(session, people, tmp_path) -> None:
    app = _proposed(session, people, tmp_path)
    step(session, "reject", people.miit, app, on=ON, reasons="经复核不符合条件")
    assert (app.state, app.amount_proposed) == (State.REJECTED, 100_000)


def test_the_department_corrects_a_proposed_amount_before_the_announcement(session, people, tmp_path) -> None:
    app = _proposed(session, people, tmp_path, amount=90_000)
    step(session, "amend", people.miit, app, on=ON, amount=900_000)
    assert (app.state, app.amount_proposed) == (State.PROPOSED, 900_000)
    assert _amounts(session, app)[-1] == (90_000, 900_000)
    amend = steps.of_application(session, app.id)[-1]  # on the timeline, in place
    assert (amend.action, amend.from_state, amend.to_state) == ("amend", "proposed", "proposed")
    assert audit.verify(session).intact and not audit.verify(session).differences


@pytest.mark.parametrize(("amount", "said"), [(0, "大于 0"), (1_200_000, "超过上限"), (1_000_001, "超过")])
def test_a_correction_is_checked_as_a_proposal(session, people, tmp_path, amount, said) -> None:
    app = _proposed(session, people, tmp_path, amount=90_000)
    with pytest.raises(InputError, match=said):
        step(session, "amend", people.miit, app, on=ON, amount=amount)
    assert app.amount_proposed == 90_000


def test_a_correction_to_the_same_figure_is_refused_and_not_recorded(session, people, tmp_path) -> None:
    app = _proposed(session, people, tmp_path, amount=90_000)
    with pytest.raises(InputError) as refused:
        step(session, "amend", people.miit, app, on=ON, amount=90_000)
    assert refused.value.problems == [("amount", "与现拟定金额相同，无需更正")]
    assert [t.action for t in steps.of_application(session, app.id)][-1] == "propose"
    assert _amounts(session, app) == [(None, 90_000)]


def test_no_correction_once_announced_nor_by_another(session, people, tmp_path) -> None:
    app = _proposed(session, people, tmp_path, amount=90_000)
    with pytest.raises(Forbidden):
        step(session, "amend", people.shenyang, app, on=ON, amount=900_000)
    step(session, "announce", people.miit, app, on=ON, starts_on=date(2025, 9, 29))
    with pytest.raises(Conflict, match="公示中"):
        step(session, "amend", people.miit, app, on=ON, amount=900_000)
    assert app.amount_proposed == 90_000


@pytest.mark.parametrize("amount", [1_200_000, 900_000], ids=["past the ceiling", "past the amount asked"])
def test_a_proposal_too_high_is_told_the_lower_limit_first(session, people, tmp_path, amount) -> None:
    """80 万元 asked under a 100 万元 ceiling: 120 was told 超过上限 100 万元, then 90 超过申请金额 80 万元. The
    limit that binds, the lower of the two, is said first, with the most that may be proposed."""
    app = apply(session, people.alice, matter="h1", measure=3, amount=800_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    assert (app.ceiling, app.amount_requested) == (1_000_000, 800_000)
    with pytest.raises(InputError) as refused:
        step(session, "propose", people.miit, app, on=ON, amount=amount)
    said = f"拟定金额 {amount // 10_000} 万元超过申请金额 80 万元（上限 100 万元），最多可拟定 80 万元"
    assert refused.value.problems == [("amount", said)]
    assert (app.state, app.amount_proposed) == (State.DEPARTMENT_REVIEW, None)

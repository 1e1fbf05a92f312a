"""The full path on both databases: apply → city → department → 公示 → approve → disburse."""

from datetime import date

from huiqi.audit import service as audit
from huiqi.funding import service as budgets
from huiqi.workflow import repository as steps
from tests.dbtest import apply, step


def test_alice_little_giant_from_application_to_payment(session, people, tmp_path) -> None:
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3,
                       amount=5_000_000)
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    assert app.state == "city_review" and app.city == "210100" and app.city_review is True
    assert app.ceiling == 1_000_000 and app.rule_status == "eligible" and app.policy_version
    assert app.match_result["grants"][0]["matter"] == "h1" and app.case_snapshot["applicant"]["region"] == "210102"

    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    assert app.state == "department_review" and app.department_id == people.miit.department_id
    step(session, "score", people.miit, app, on=date(2025, 9, 3), score=86)
    step(session, "propose", people.miit, app, on=date(2025, 9, 10), amount=800_000)
    batch = step(session, "announce", people.miit, app, on=date(2025, 9, 10), starts_on=date(2025, 9, 29)).written
    assert batch.ends_on == date(2025, 10, 11), "five working days across National Day, the make-up Saturday counts"

    grant = step(session, "approve", people.finance, app, on=date(2025, 10, 13)).written
    assert grant.amount == 800_000 and app.state == "approved"
    paid = step(session, "disburse", people.finance, app, on=date(2025, 11, 3), paid_on=date(2025, 11, 3),
                reference="LNCZ-2025-0001").written
    assert paid.amount == 800_000 and app.state == "disbursed"

    path = [(t.action, t.from_state, t.to_state, t.actor) for t in steps.of_application(session, app.id)]
    assert path == [
        ("submit", "draft", "submitted", "alice"), ("route_city", "submitted", "city_review", "system"),
        ("pass_city", "city_review", "department_review", "shenyang"),
        ("score", "department_review", "department_review", "miit"),  # in place, and on the timeline
        ("propose", "department_review", "proposed", "miit"), ("announce", "proposed", "announced", "miit"),
        ("approve", "announced", "approved", "finance"), ("disburse", "approved", "disbursed", "finance"),
    ]
    assert budgets.budgets(session, actor=people.finance, year=2025)[0].committed == 800_000
    checked = audit.verify(session)
    assert checked.intact, checked.problems
    actions = [e.action for e in audit.history(session, entity="application", entity_id=app.id)]
    assert "application.amount_proposed" in actions and "application.score" in actions

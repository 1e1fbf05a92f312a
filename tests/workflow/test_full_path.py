"""The full path on both databases: apply → city → department → 公示 → approve → disburse."""

from datetime import date

from huiqi.announcements import service as announcements
from huiqi.approvals import service as approvals
from huiqi.audit import service as audit
from huiqi.budgets import service as budgets
from huiqi.disbursements import service as disbursements
from huiqi.review import service as review
from huiqi.workflow import repository as steps
from tests.dbtest import apply


def test_alice_little_giant_from_application_to_payment(session, people, tmp_path) -> None:
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3,
                       amount=5_000_000)
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    assert app.state == "city_review" and app.city == "210100" and app.city_review is True
    assert app.ceiling == 1_000_000 and app.rule_status == "eligible" and app.policy_version
    assert app.match_result["grants"][0]["matter"] == "h1" and app.case_snapshot["applicant"]["region"] == "210102"

    review.pass_city(session, actor=people.shenyang, application_id=app.id, on=date(2025, 9, 3))
    assert app.state == "department_review" and app.department_id == people.miit.department_id
    review.record_score(session, actor=people.miit, application_id=app.id, score=86)
    review.propose(session, actor=people.miit, application_id=app.id, amount=800_000, on=date(2025, 9, 10))
    batch = announcements.open_batch(session, actor=people.miit, application_ids=[app.id],
                                     starts_on=date(2025, 9, 29))
    assert batch.ends_on == date(2025, 10, 11), "five working days across National Day, the make-up Saturday counts"

    grant = approvals.approve(session, actor=people.finance, application_id=app.id, on=date(2025, 10, 13))
    assert grant.amount == 800_000 and app.state == "approved"
    paid = disbursements.disburse(session, actor=people.finance, application_id=app.id, paid_on=date(2025, 11, 3),
                                  reference="LNCZ-2025-0001")
    assert paid.amount == 800_000 and app.state == "disbursed"

    path = [(t.action, t.from_state, t.to_state, t.actor) for t in steps.of_application(session, app.id)]
    assert path == [
        ("submit", "draft", "submitted", "alice"), ("route_city", "submitted", "city_review", "system"),
        ("pass_city", "city_review", "department_review", "shenyang"),
        ("propose", "department_review", "proposed", "miit"), ("announce", "proposed", "announced", "miit"),
        ("approve", "announced", "approved", "finance"), ("disburse", "approved", "disbursed", "finance"),
    ]
    assert budgets.budgets(session, actor=people.finance, year=2025)[0].committed == 800_000
    checked = audit.verify(session)
    assert checked.intact, checked.problems
    actions = [e.action for e in audit.history(session, entity="application", entity_id=app.id)]
    assert "application.amount_proposed" in actions and "application.score" in actions

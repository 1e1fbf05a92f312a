"""Replay the audit trail against the business tables.

The chain proves the events were not changed; it says nothing of the tables beside it. So ``verify`` also
folds the events, in sequence, into what the tables should hold — each application's state and amounts,
each grant (per application), each payment, each budget's amount, committed and paid sums — and compares
that with the rows, naming every difference by record and field. A row with no event behind it (a grant
inserted by hand) and an event whose row is gone are differences too.

What each event says (written by the services; keys are only ever added, never renamed):
- ``application.create``: state draft, amount requested, policy, measure;
- ``application.<step>`` (the step runner, one per move): the state after;
- ``application.amount_requested`` / ``application.amount_proposed``: the new amount;
- ``application.approved_amount``: the grant (amount, ceiling, the budget's id);
- ``application.disbursed``: the payment (amount, date, voucher);
- ``budget.set``: the amount and committed sum (and, since 2026-12-04, the budget's id);
  ``budget.draw``: the committed sum after the draw.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.funding import repository as funding
from huiqi.models import Application, AuditEvent, Budget, Disbursement, Grant
from huiqi.workflow.states import STATES, Action

STEPS = frozenset(f"application.{a.value}" for a in Action)


def _yuan(value: Any) -> str:
    return "无" if value is None else f"{value:,} 元" if isinstance(value, int) else str(value)


def _text(value: Any) -> str:
    return "无" if value is None or value == "" else str(value)


def _state(value: Any) -> str:
    """A state as people read it (审核中, 已批准 …), not its code."""
    return STATES.get(value, _text(value)) if isinstance(value, str) else _text(value)


def _budget(key: str, numbers: dict[str, str]) -> str:
    """A budget's key (year/policy id/measure) as people name it: 2025年度 辽政办〔2022〕35号 措施2 的预算."""
    year, _, rest = key.partition("/")
    policy, _, measure = rest.rpartition("/")
    return f"{year}年度 {numbers.get(policy, policy)} 措施{measure} 的预算" if policy else f"预算 {key}"


def _differs(record: str, label: str, actual: Any, said: Any, shown: Any) -> str:
    return f"{record}：{label}为 {shown(actual)}，审计事件记载为 {shown(said)}"


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass
class Replay:
    """The tables as the events say they are, folded one event at a time (``fold``), then compared (``compare``)."""

    applications: dict[int, dict[str, Any]] = field(default_factory=dict)
    grants: dict[int, dict[str, Any]] = field(default_factory=dict)  # by application id
    payments: dict[int, dict[str, Any]] = field(default_factory=dict)  # by application id
    budgets: dict[str, dict[str, Any]] = field(default_factory=dict)  # by "year/policy/measure"

    def fold(self, event: AuditEvent) -> None:
        after = event.after if isinstance(event.after, dict) else {}
        if event.entity == "budget":
            self._budget(event.action, event.entity_id, after)
        elif event.entity == "application" and event.entity_id.isdigit():
            self._application(event.action, int(event.entity_id), after)

    def _budget(self, action: str, key: str, after: dict[str, Any]) -> None:
        if action == "budget.set":
            budget = self.budgets.setdefault(key, {})
            budget.update(amount=after.get("amount"), committed=after.get("committed"))
            if "id" in after:
                budget["id"] = after["id"]
        elif action == "budget.draw":
            self.budgets.setdefault(key, {"amount": None})["committed"] = after.get("committed")

    def _application(self, action: str, app_id: int, after: dict[str, Any]) -> None:
        if action == "application.create":
            self.applications[app_id] = {"state": after.get("state"), "amount_requested": after.get("amount_requested"),
                                         "amount_proposed": None, "policy_id": after.get("policy"),
                                         "measure": after.get("measure")}
        elif action in ("application.amount_requested", "application.amount_proposed"):
            field_name = action.removeprefix("application.")
            self.applications.setdefault(app_id, {})[field_name] = after.get(field_name)
        elif action == "application.approved_amount":
            self.grants[app_id] = {"amount": after.get("amount_approved"), "ceiling": after.get("ceiling"),
                                   "budget_id": after.get("budget")}
        elif action == "application.disbursed":
            self.payments[app_id] = {"amount": after.get("amount"), "paid_on": after.get("paid_on"),
                                     "reference": after.get("reference")}
        elif action in STEPS and "state" in after:
            self.applications.setdefault(app_id, {})["state"] = after["state"]

    def compare(self, session: Session) -> list[str]:
        """Every difference between the tables and the events, in Chinese, by record and field."""
        return [*self._applications(session), *self._grants(session), *self._payments(session),
                *self._budgets(session)]

    def _applications(self, session: Session) -> list[str]:
        out: list[str] = []
        expected = dict(self.applications)
        query = select(Application.id, Application.state, Application.amount_requested, Application.amount_proposed,
                       Application.policy_id, Application.measure).order_by(Application.id)
        fields = (("state", "状态", _state), ("amount_requested", "申请金额", _yuan),
                  ("amount_proposed", "拟定金额", _yuan), ("policy_id", "政策", _text), ("measure", "措施", _text))
        for row in session.execute(query):
            said = expected.pop(row.id, None)
            if said is None:
                out.append(f"申报 #{row.id}：审计事件中没有这项申报（不是经系统创建的，而是直接写入数据库的）")
                continue
            for name, label, shown in fields:
                if name in said and getattr(row, name) != said[name]:
                    out.append(_differs(f"申报 #{row.id}", label, getattr(row, name), said[name], shown))
        out += [f"申报 #{i}：审计事件记载有这项申报（{_state(said.get('state'))}），而申报表中没有：记录被删除"
                for i, said in sorted(expected.items())]
        return out

    def _grants(self, session: Session) -> list[str]:
        out: list[str] = []
        expected = dict(self.grants)
        query = select(Grant.id, Grant.application_id, Grant.amount, Grant.ceiling, Grant.budget_id).order_by(Grant.id)
        fields = (("amount", "批准金额", _yuan), ("ceiling", "上限", _yuan), ("budget_id", "所用预算（编号）", _text))
        for row in session.execute(query):
            said = expected.pop(row.application_id, None)
            name = f"批准记录 {row.id}（申报 #{row.application_id}）"
            if said is None:
                out.append(f"{name}：审计事件中没有这项批准（未经批准步骤，直接写入数据库）")
                continue
            for column, label, shown in fields:
                if getattr(row, column) != said[column]:
                    out.append(_differs(name, label, getattr(row, column), said[column], shown))
        out += [f"申报 #{i}：审计事件记载批准 {_yuan(said['amount'])}，而批准记录表中没有：记录被删除"
                for i, said in sorted(expected.items())]
        return out

    def _payments(self, session: Session) -> list[str]:
        out: list[str] = []
        expected = dict(self.payments)
        query = select(Disbursement.id, Disbursement.application_id, Disbursement.amount, Disbursement.paid_on,
                       Disbursement.reference).order_by(Disbursement.id)
        for row in session.execute(query):
            said = expected.pop(row.application_id, None)
            name = f"拨付记录 {row.id}（申报 #{row.application_id}）"
            if said is None:
                out.append(f"{name}：审计事件中没有这笔拨付（未经拨付步骤，直接写入数据库）")
                continue
            actual = {"amount": row.amount, "paid_on": row.paid_on.isoformat(), "reference": row.reference}
            for column, label, shown in (("amount", "拨付金额", _yuan), ("paid_on", "拨付日期", _text),
                                         ("reference", "凭证号", _text)):
                if actual[column] != said[column]:
                    out.append(_differs(name, label, actual[column], said[column], shown))
        out += [f"申报 #{i}：审计事件记载拨付 {_yuan(said['amount'])}，而拨付记录表中没有：记录被删除"
                for i, said in sorted(expected.items())]
        return out

    def _budgets(self, session: Session) -> list[str]:
        from huiqi.catalogue.service import numbers as policy_numbers  # the catalogue records its own events

        out: list[str] = []
        numbers = policy_numbers(session)
        expected = {key: dict(said) for key, said in self.budgets.items()}
        rows = list(session.execute(select(Budget.id, Budget.year, Budget.policy_id, Budget.measure, Budget.amount,
                                           Budget.committed).order_by(Budget.id)))
        paid = funding.disbursed(session, [row.id for row in rows]) if rows else {}
        ids = {key: said.get("id") for key, said in expected.items()}
        for row in rows:  # budgets set before their id was recorded: the table's own
            ids[f"{row.year}/{row.policy_id}/{row.measure}"] = ids.get(f"{row.year}/{row.policy_id}/{row.measure}") \
                or row.id
        paid_said: dict[int, int] = {}
        for app_id, payment in self.payments.items():
            grant = self.grants.get(app_id)
            amount = _int(payment.get("amount"))
            if grant is not None and _int(grant.get("budget_id")) is not None and amount is not None:
                paid_said[grant["budget_id"]] = paid_said.get(grant["budget_id"], 0) + amount
        for row in rows:
            key = f"{row.year}/{row.policy_id}/{row.measure}"
            said = expected.pop(key, None)
            if said is None:
                out.append(f"{_budget(key, numbers)}：审计事件中没有这项预算（未经设定预算，直接写入数据库）")
                continue
            actual = {"id": row.id, "amount": row.amount, "committed": row.committed, "paid": paid.get(row.id, 0)}
            said = {"id": ids[key], "paid": paid_said.get(ids[key] or row.id, 0)} | said
            for column, label, shown in (("id", "编号", _text), ("amount", "预算金额", _yuan),
                                         ("committed", "已批准（占用）金额", _yuan), ("paid", "已拨付金额", _yuan)):
                if actual[column] != said.get(column):
                    out.append(_differs(_budget(key, numbers), label, actual[column], said.get(column), shown))
        out += [f"{_budget(key, numbers)}：审计事件记载有这项预算（{_yuan(said.get('amount'))}），"
                "而预算表中没有：记录被删除"
                for key, said in sorted(expected.items())]
        return out

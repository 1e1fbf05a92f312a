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
  ``budget.draw``: the committed sum after the draw;
- ``application.score``, ``application.policy_version`` (the ceiling, the policy's version),
  ``application.payee``/``payee_change`` (the bank, the account's last four digits), ``application.announce`` (the
  公示) and ``application.object`` (out of it again).
The step events also give each application's transitions; users, policy versions, whitelists, 公示 and applicants'
profiles are replayed beside (``replay_records``, ``replay_steps``). A field an older event did not state is not
compared: what was recorded before a key was added is taken as it stands.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.audit.compare import as_int as _int
from huiqi.audit.compare import differs as _differs
from huiqi.audit.compare import state as _state
from huiqi.audit.compare import text as _text
from huiqi.audit.compare import yuan as _yuan
from huiqi.audit.replay_records import Announcements, Catalogue, Profiles, Users
from huiqi.audit.replay_steps import Steps, Whitelists
from huiqi.funding import repository as funding
from huiqi.models import Application, AuditEvent, Budget, Disbursement, Grant
from huiqi.workflow.states import Action

STEPS = frozenset(f"application.{a.value}" for a in Action)
# What ``verify`` compares with the events, as the audit page and the command say it.
COVERED = ("申报（状态、申请与拟定金额、上限、评审得分、所依据的政策版本、收款账户、所在公示）", "申报的流转记录",
           "批准", "拨付", "预算（金额、已批准与已拨付之和）", "用户（登录名、角色及其绑定、启用或停用）",
           "政策版本（状态、文本摘要、发布人）", "白名单版本及其条目", "公示（标题、起止日期、工作日数）",
           "单位信息的各版本")
PAYEE = ("application.payee", "application.payee_change")


def _budget(key: str, numbers: dict[str, str]) -> str:
    """A budget's key (year/policy id/measure) as people name it: 2025年度 辽政办〔2022〕35号 措施2 的预算."""
    year, _, rest = key.partition("/")
    policy, _, measure = rest.rpartition("/")
    return f"{year}年度 {numbers.get(policy, policy)} 措施{measure} 的预算" if policy else f"预算 {key}"


APPLICATION_FIELDS = (("state", "状态", _state), ("amount_requested", "申请金额", _yuan),
                      ("amount_proposed", "拟定金额", _yuan), ("policy_id", "政策", _text), ("measure", "措施", _text),
                      ("ceiling", "上限", _yuan), ("expert_score", "评审得分", _text),
                      ("policy_version", "所依据的政策版本", _text), ("payee_bank", "收款开户银行", _text),
                      ("payee_account", "收款账号（尾号）", _text), ("announcement_id", "所在公示（编号）", _text))


def _masked(account: str | None) -> str | None:
    """An account as the trail keeps it: its last four digits."""
    return f"****{account[-4:]}" if account else None


@dataclass
class Replay:
    """The tables as the events say they are, folded one event at a time (``fold``), then compared (``compare``)."""

    applications: dict[int, dict[str, Any]] = field(default_factory=dict)
    grants: dict[int, dict[str, Any]] = field(default_factory=dict)  # by application id
    payments: dict[int, dict[str, Any]] = field(default_factory=dict)  # by application id
    budgets: dict[str, dict[str, Any]] = field(default_factory=dict)  # by "year/policy/measure"
    steps: Steps = field(default_factory=Steps)
    users: Users = field(default_factory=Users)
    catalogue: Catalogue = field(default_factory=Catalogue)
    whitelists: Whitelists = field(default_factory=Whitelists)
    announcements: Announcements = field(default_factory=Announcements)
    profiles: Profiles = field(default_factory=Profiles)

    def fold(self, event: AuditEvent) -> None:
        after = event.after if isinstance(event.after, dict) else {}
        before = event.before if isinstance(event.before, dict) else {}
        if event.entity == "budget":
            self._budget(event.action, event.entity_id, after)
        elif event.entity == "application" and event.entity_id.isdigit():
            self._application(event.action, int(event.entity_id), after)
            if event.action in STEPS and "state" in after:  # a step (the score's own event shares its name)
                self.steps.fold(event, before, after)
        else:
            for part in (self.users, self.catalogue, self.whitelists, self.announcements, self.profiles):
                part.fold(event, before, after)

    def _budget(self, action: str, key: str, after: dict[str, Any]) -> None:
        if action == "budget.set":
            budget = self.budgets.setdefault(key, {})
            budget.update(amount=after.get("amount"), committed=after.get("committed"))
            if "id" in after:
                budget["id"] = after["id"]
        elif action == "budget.draw":
            self.budgets.setdefault(key, {"amount": None})["committed"] = after.get("committed")

    def _application(self, action: str, app_id: int, after: dict[str, Any]) -> None:
        said = self.applications.setdefault(app_id, {})
        if action == "application.create":
            self.applications[app_id] = {"state": after.get("state"), "amount_requested": after.get("amount_requested"),
                                         "amount_proposed": None, "policy_id": after.get("policy"),
                                         "measure": after.get("measure"), "expert_score": None, "ceiling": None,
                                         "policy_version": None, "payee_bank": None, "payee_account": None,
                                         "announcement_id": None}
        elif action in ("application.amount_requested", "application.amount_proposed"):
            field_name = action.removeprefix("application.")
            said[field_name] = after.get(field_name)
        elif action == "application.score" and "expert_score" in after:  # the score; its step is another event
            said["expert_score"] = after["expert_score"]
        elif action == "application.policy_version":
            said.update({"ceiling": after["ceiling"]} if "ceiling" in after else {})
            said.update({"policy_version": after["version"]} if "version" in after else {})
        elif action in PAYEE:
            said.update(payee_bank=after.get("bank"), payee_account=after.get("account"))
        elif action == "application.approved_amount":
            self.grants[app_id] = {"amount": after.get("amount_approved"), "ceiling": after.get("ceiling"),
                                   "budget_id": after.get("budget")}
        elif action == "application.disbursed":
            self.payments[app_id] = {"amount": after.get("amount"), "paid_on": after.get("paid_on"),
                                     "reference": after.get("reference")}
        elif action in STEPS and "state" in after:
            said["state"] = after["state"]
            if action == "application.announce" and "announcement" in after:
                said["announcement_id"] = after["announcement"]
            elif action == "application.object":
                said["announcement_id"] = None

    def compare(self, session: Session) -> list[str]:
        """Every difference between the tables and the events, in Chinese, by record and field."""
        return [*self._applications(session), *self.steps.compare(session), *self._grants(session),
                *self._payments(session), *self._budgets(session), *self.users.compare(session),
                *self.catalogue.compare(session), *self.whitelists.compare(session),
                *self.announcements.compare(session), *self.profiles.compare(session)]

    def _applications(self, session: Session) -> list[str]:
        out: list[str] = []
        expected = dict(self.applications)
        query = select(Application.id, Application.state, Application.amount_requested, Application.amount_proposed,
                       Application.policy_id, Application.measure, Application.expert_score, Application.ceiling,
                       Application.policy_version, Application.payee_bank, Application.payee_account,
                       Application.announcement_id).order_by(Application.id)
        for row in session.execute(query):
            said = expected.pop(row.id, None)
            if said is None or "state" not in said:  # later events of one whose creation is not in the trail
                out.append(f"申报 #{row.id}：审计事件中没有这项申报（不是经系统创建的，而是直接写入数据库的）")
                continue
            actual = row._asdict() | {"payee_account": _masked(row.payee_account)}
            for name, label, shown in APPLICATION_FIELDS:
                if name in said and actual[name] != said[name]:
                    out.append(_differs(f"申报 #{row.id}", label, actual[name], said[name], shown))
        out += [f"申报 #{i}：审计事件记载有这项申报（{_state(said.get('state'))}），而申报表中没有：记录被删除"
                for i, said in sorted(expected.items()) if "state" in said]
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

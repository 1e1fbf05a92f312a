"""The replay of records kept as sequences: each application's transitions, and each whitelist version's entries.

- Transitions: the step runner writes one row and one ``application.<step>`` event per move (the state before and
  after, who, the business day, the reasons). The rows of each application are aligned with its step events
  (``difflib``), so that a step removed, added or changed is named as such, not as every later step shifted.
- Whitelists: ``whitelist.propose``/``publish``/``discard`` give the version's state, day and publisher and, since
  2026-12-14, the digest of its entries with how many it lists and includes (``digests``); since 2026-12-15 the
  proposal gives the basis it was compiled under and the publication its public edition. ``whitelist.exclude`` and
  ``whitelist.restore`` give the entry left out or listed again and its reason and, since 2026-12-14, the entry's own
  digest and the list's digest after it.
  The entries are read once, in order, each version's digest computed as they pass.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import groupby
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.audit.compare import Field, Table, compared, differs, state, text
from huiqi.audit.digests import Entries, entry_digest
from huiqi.models import AuditEvent, Transition, WhitelistEntry, WhitelistVersion
from huiqi.workflow.states import ACTIONS

Said = dict[str, Any]
STEP_DETAILS = (("actor", "办理人"), ("on", "办理日期"), ("reasons", "理由"))


@dataclass(frozen=True)
class Move:
    """One step of an application: as an event says it, or as a row of the transitions holds it."""

    action: str
    from_state: str
    to_state: str
    details: Said  # actor, on, reasons: those the event states
    row: int | None = None  # the transition's id

    @property
    def key(self) -> tuple[str, str, str]:
        return self.action, self.from_state, self.to_state

    def said(self) -> str:
        return f"{ACTIONS.get(self.action, self.action)}（{state(self.from_state)}→{state(self.to_state)}）"


class Steps:
    """Each application's moves, in chain order, by application id."""

    def __init__(self) -> None:
        self.said: dict[int, list[Move]] = {}

    def fold(self, event: AuditEvent, before: Said, after: Said) -> None:
        details = {"actor": event.actor} | {k: after[k] for k in ("on", "reasons") if k in after}
        move = Move(event.action.removeprefix("application."), str(before.get("state")), str(after.get("state")),
                    details)
        self.said.setdefault(int(event.entity_id), []).append(move)

    def compare(self, session: Session) -> list[str]:
        query = select(Transition.id, Transition.application_id, Transition.action, Transition.from_state,
                       Transition.to_state, Transition.actor, Transition.on, Transition.reasons)
        rows = session.execute(query.order_by(Transition.application_id, Transition.id))
        held = {app: [Move(r.action, r.from_state, r.to_state,
                           {"actor": r.actor, "on": r.on.isoformat(), "reasons": r.reasons}, r.id) for r in group]
                for app, group in groupby(rows, key=lambda r: r.application_id)}
        out: list[str] = []
        for app in sorted(held.keys() | self.said.keys()):
            out += _aligned(app, self.said.get(app, []), held.get(app, []))
        return out


def _aligned(app: int, said: list[Move], held: list[Move]) -> list[str]:
    """One application's transitions against its step events: each step changed, removed or added."""
    out: list[str] = []
    matcher = SequenceMatcher(None, [m.key for m in said], [m.key for m in held], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = min(i2 - i1, j2 - j1) if op in ("equal", "replace") else 0
        for k in range(pairs):
            out += _step(app, i1 + k + 1, said[i1 + k], held[j1 + k])
        out += [f"申报 #{app} 的第 {i + 1} 步 {said[i].said()}：审计事件有记载，而流转记录中没有：记录被删除"
                for i in range(i1 + pairs, i2)]
        out += [f"申报 #{app} 的流转记录 {held[j].row}（{held[j].said()}）：审计事件中没有这一步（直接写入数据库）"
                for j in range(j1 + pairs, j2)]
    return out


def _step(app: int, number: int, said: Move, held: Move) -> list[str]:
    name = f"申报 #{app} 的第 {number} 步（流转记录 {held.row}）"
    if said.key != held.key:
        return [differs(name, "步骤", held.said(), said.said(), text)]
    return [differs(name, label, held.details[key], said.details[key], text)
            for key, label in STEP_DETAILS if key in said.details and said.details[key] != held.details[key]]


VERSION_STATES = {"proposed": "待发布", "published": "已发布", "discarded": "已作废"}
COUNTS = ("digest", "listed", "included")
BASIS = ("basis_policy", "basis_version", "basis_number", "basis_measure")
VERSION_SAID = ("state", "as_of", "published_on", "edition", *BASIS, *COUNTS)


class Whitelists:
    """Each whitelist version (by number) and each entry an event changed (by id)."""

    def __init__(self) -> None:
        self.said: dict[int, Said] = {}
        self.entries: dict[int, Said] = {}

    def fold(self, event: AuditEvent, before: Said, after: Said) -> None:
        if not (event.entity_id.isascii() and event.entity_id.isdigit()):
            return
        key = int(event.entity_id)
        if event.entity == "whitelist" and event.action in ("whitelist.propose", "whitelist.publish",
                                                            "whitelist.discard"):
            said = self.said.setdefault(key, {})
            said.update({k: after[k] for k in VERSION_SAID if k in after})
            if event.action == "whitelist.publish":
                said["published_by"] = event.actor
                if "included" not in after and isinstance(after.get("entries"), int):  # before 2026-12-14
                    said["included"] = after["entries"]
        elif event.entity == "whitelist_entry" and event.action in ("whitelist.exclude", "whitelist.restore"):
            self.entries[key] = {k: after[k] for k in ("included", "reason", "digest") if k in after}
            if isinstance(after.get("version"), int):
                self.said.setdefault(after["version"], {}).update(
                    {k: after[f"list_{k}"] for k in COUNTS if f"list_{k}" in after})

    def compare(self, session: Session) -> list[str]:
        versions = {row.id: row._asdict() for row in session.execute(
            select(WhitelistVersion.id, WhitelistVersion.number, WhitelistVersion.state, WhitelistVersion.as_of,
                   WhitelistVersion.published_on, WhitelistVersion.published_by, WhitelistVersion.edition,
                   *(getattr(WhitelistVersion, key) for key in BASIS)).order_by(WhitelistVersion.number))}
        numbers = {vid: v["number"] for vid, v in versions.items()}
        entries, counted = self._entries(session, numbers)
        rows = []
        for v in versions.values():
            found = counted.get(v["number"], Entries()).said()
            rows.append((v["number"], {k: _iso(value) for k, value in v.items()} | found))
        fields = [Field("state", "状态", lambda v: VERSION_STATES.get(v, text(v))), Field("as_of", "数据截至日期"),
                  Field("published_on", "发布日期"), Field("published_by", "发布人"), Field("edition", "公开版次"),
                  Field("basis_policy", "编制依据（政策）"), Field("basis_version", "编制依据（政策文本版本）"),
                  Field("basis_number", "编制依据（文号）"), Field("basis_measure", "编制依据（措施）"),
                  Field("listed", "名单条目数", lambda v: f"{v} 条"),
                  Field("included", "列入企业数", lambda v: f"{v} 家")]
        table = Table(name=lambda key, row: f"白名单版本 #{key}",
                      unmade="审计事件中没有这一版（未经拟定，直接写入数据库）",
                      gone=lambda key, said: f"白名单版本 #{key}：审计事件记载有这一版"
                                             f"（{VERSION_STATES.get(said.get('state'), text(said.get('state')))}），"
                                             "而白名单版本表中没有：记录被删除")
        out = compared(rows, self.said, fields, table)
        return out + entries + self._digests(rows, out + entries)

    def _entries(self, session: Session, numbers: dict[int, int]) -> tuple[list[str], dict[int, Entries]]:
        """Each entry an event changed against it, and every version's digest, in one pass over the entries."""
        counted: dict[int, Entries] = {}
        left = dict(self.entries)
        out: list[str] = []
        query = select(WhitelistEntry.id, WhitelistEntry.version_id, WhitelistEntry.applicant_id, WhitelistEntry.uscc,
                       WhitelistEntry.name, WhitelistEntry.region, WhitelistEntry.industry, WhitelistEntry.included,
                       WhitelistEntry.reason).order_by(WhitelistEntry.version_id, WhitelistEntry.id)
        for entry in session.execute(query):
            number = numbers.get(entry.version_id, -entry.version_id)
            counted.setdefault(number, Entries()).add(entry)
            said = left.pop(entry.id, None)
            if said is not None:
                out += _entry(f"白名单版本 #{number} 的条目 #{entry.id}（{entry.name}）", entry, said)
        out += [f"白名单条目 #{key}：审计事件记载移出了这一条目，而名单中没有：记录被删除" for key in sorted(left)]
        return out, counted

    def _digests(self, rows: list[tuple[int, Said]], named: list[str]) -> list[str]:
        """A version whose entries' digest differs from the events', when nothing more telling was said of it."""
        out = []
        for number, actual in rows:
            said = self.said.get(number, {})
            told = any(line.startswith(f"白名单版本 #{number} 的条目") or (line.startswith(f"白名单版本 #{number}：")
                       and ("条目数" in line or "企业数" in line or "审计事件中没有" in line)) for line in named)
            if "digest" in said and said["digest"] != actual["digest"] and not told:
                out.append(f"白名单版本 #{number}：名单条目与审计事件记载的摘要不符：条目（单位名称、代码、所在地、"
                           "行业、是否列入、移出理由）在记录后被改动、增加或删除")
        return out


def _entry(name: str, entry: Any, said: Said) -> list[str]:
    """An entry an event changed: whether included, the reason; else its digest (its name, code, place, industry)."""
    out = [differs(name, label, getattr(entry, key), said[key], shown)
           for key, label, shown in (("included", "是否列入", lambda v: "列入" if v else "移出"),
                                     ("reason", "移出理由", text))
           if key in said and getattr(entry, key) != said[key]]
    if not out and "digest" in said and entry_digest(entry) != said["digest"]:
        out.append(f"{name}：条目（单位名称、统一社会信用代码、所在地、行业）与审计事件记载的摘要不符：在记录后被改动")
    return out


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value

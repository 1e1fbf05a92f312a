"""The replay of the records beside the money: users, policy versions, 公示 batches and applicants' profiles.

Each part folds the events of its records, in chain order, into what their rows should hold, then reads its table
once and names every difference (``compare.compared``). What the events say:
- ``user.create``, ``user.role``, ``user.enable``/``user.disable``: the user's login, role, binding and whether
  active, after the change;
- ``policy.draft``/``policy.edit``: the version's policy and its text's digest (the first 12 characters until
  2026-12-14, the whole since); ``policy.publish``: published (by whom, and since 2026-12-15 on which business day),
  and the version in force before it superseded;
  ``policy.withdraw``: withdrawn. The versions shipped with the software were written by the migration, not drafted:
  they stand as published by the system until an event says otherwise;
- ``announcement.open``: the 公示's dates, working days, how many applications it opened with, who opened it (and,
  since 2026-12-14, its title);
- ``applicant.profile``: every field of the new version. A version no event made is the one a recognition list's
  import writes for an enterprise it names for the first time (its name alone).
"""

import hashlib
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.audit.compare import Field, Table, compared, text, yes_no, yuan
from huiqi.models import Announcement, Applicant, ApplicantProfile, AuditEvent, PolicyVersion, User
from huiqi.users.roles import ROLE_LABELS

Said = dict[str, Any]
USER_FIELDS = ("username", "role", "uscc", "region", "department_id", "active")
USER_EVENTS = ("user.create", "user.role", "user.enable", "user.disable")


def _role(value: Any) -> str:
    return ROLE_LABELS.get(value, text(value)) if isinstance(value, str) else text(value)


def _day(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _number(entity_id: str) -> int | None:
    return int(entity_id) if entity_id.isascii() and entity_id.isdigit() else None


class Users:
    """Each user's login, role, binding and whether active, by id."""

    def __init__(self) -> None:
        self.said: dict[int, Said] = {}

    def fold(self, event: AuditEvent, before: Said, after: Said) -> None:
        key = _number(event.entity_id)
        stated = {k: after[k] for k in USER_FIELDS if k in after}
        if event.entity == "user" and event.action in USER_EVENTS and key is not None and stated:
            self.said.setdefault(key, {}).update(stated)  # an event stating none of them says nothing of the row

    def compare(self, session: Session) -> list[str]:
        query = select(User.id, *(getattr(User, k) for k in USER_FIELDS)).order_by(User.id)
        rows = ((row.id, row._asdict()) for row in session.execute(query))
        fields = [Field("username", "登录名"), Field("role", "角色", _role), Field("uscc", "绑定的统一社会信用代码"),
                  Field("region", "绑定的市"), Field("department_id", "绑定的责任单位（编号）"),
                  Field("active", "账号状态", lambda v: "启用" if v else "停用")]
        table = Table(name=lambda key, row: f"用户 {row.get('username') or ''}（#{key}）",
                      unmade="审计事件中没有这个用户（不是经系统创建的，而是直接写入数据库的）",
                      gone=lambda key, said: f"用户 #{key}（{said.get('username')}）：审计事件记载有这个用户，"
                                             "而用户表中没有：记录被删除")
        return compared(rows, self.said, fields, table)


class Catalogue:
    """Each policy version's state, policy, text digest and publisher, by id."""

    def __init__(self) -> None:
        self.said: dict[int, Said] = {}

    def fold(self, event: AuditEvent, before: Said, after: Said) -> None:
        key = _number(event.entity_id)
        if event.entity != "policy_version" or key is None:
            return
        said = self.said.setdefault(key, {"made": False})
        if event.action == "policy.draft":
            said.update(made=True, state="draft")
        if event.action in ("policy.draft", "policy.edit"):
            said.update({"policy_id": after["policy"]} if "policy" in after else {})
        if event.action in ("policy.draft", "policy.edit", "policy.publish"):
            _digest(said, after)
        if event.action == "policy.publish":
            said.update(state="published", published_by=event.actor)
            said.update({"published_on": after["published_on"]} if "published_on" in after else {})  # 2026-12-15 on
            replaced = _number(str(before.get("in_force", "")))
            if replaced is not None:
                self.said.setdefault(replaced, {"made": False})["state"] = "superseded"
        elif event.action == "policy.withdraw":
            said["state"] = "withdrawn"

    def compare(self, session: Session) -> list[str]:
        from huiqi.catalogue.service import STATE_LABELS  # the catalogue records its own events

        drafted = [key for key, said in self.said.items() if said.get("made")]
        first = min(drafted, default=None)
        query = select(PolicyVersion.id, PolicyVersion.number, PolicyVersion.policy_id, PolicyVersion.state,
                       PolicyVersion.digest, PolicyVersion.text, PolicyVersion.drafted_by,
                       PolicyVersion.published_by, PolicyVersion.published_on).order_by(PolicyVersion.id)
        out, rows = [], []
        for row in session.execute(query):
            actual = row._asdict() | {"version": row.digest[:12], "published_on": _day(row.published_on)}
            if hashlib.sha256(row.text.encode("utf-8")).hexdigest() != row.digest:
                out.append(f"政策版本 {row.id}（{row.number}）：文本与其摘要不符：文本在写入后被改动")
            rows.append((row.id, actual))

        def shipped(actual: Said) -> Said | None:
            """A version the migration wrote from the shipped files: by the system, before any drafted one."""
            if actual["drafted_by"] == "system" and (first is None or actual["id"] < first):
                return {"state": "published", "published_by": "system"}
            return None

        fields = [Field("state", "状态", lambda v: STATE_LABELS.get(v, text(v))), Field("policy_id", "政策"),
                  Field("digest", "文本摘要"), Field("version", "文本摘要（前 12 位）"),
                  Field("published_by", "发布人"), Field("published_on", "发布日期")]
        table = Table(name=lambda key, row: f"政策版本 {key}（{row.get('number')}）",
                      unmade="审计事件中没有这个版本（未经起草，直接写入数据库）",
                      gone=lambda key, said: f"政策版本 {key}：审计事件记载有这个版本"
                                             f"（{STATE_LABELS.get(said.get('state'), text(said.get('state')))}），"
                                             "而政策目录中没有：记录被删除")
        return out + compared(rows, self.said, fields, table, unaudited=shipped)


def _digest(said: Said, after: Said) -> None:
    """The text's digest as the event gives it: whole since 2026-12-14, its first 12 characters before."""
    if isinstance(after.get("digest"), str):
        said.pop("version", None)
        said["digest"] = after["digest"]
    elif isinstance(after.get("version"), str):
        said.pop("digest", None)
        said["version"] = after["version"]


class Announcements:
    """Each 公示's title, dates, working days, size when opened and who opened it, by id."""

    def __init__(self) -> None:
        self.said: dict[int, Said] = {}

    def fold(self, event: AuditEvent, before: Said, after: Said) -> None:
        key = _number(event.entity_id)
        if event.entity != "announcement" or event.action != "announcement.open" or key is None:
            return
        said = {k: after[k] for k in ("starts_on", "working_days", "ends_on", "title") if k in after}
        if isinstance(after.get("applications"), list):
            said["opened_with"] = len(after["applications"])
        self.said[key] = said | {"created_by": event.actor}

    def compare(self, session: Session) -> list[str]:
        query = select(Announcement.id, Announcement.title, Announcement.starts_on, Announcement.working_days,
                       Announcement.ends_on, Announcement.opened_with, Announcement.created_by)
        query = query.order_by(Announcement.id)
        rows = ((row.id, {k: _day(v) for k, v in row._asdict().items()}) for row in session.execute(query))
        fields = [Field("title", "标题"), Field("starts_on", "公示开始日期"), Field("ends_on", "公示截止日期"),
                  Field("working_days", "公示工作日数"), Field("opened_with", "列入公示的申报数"),
                  Field("created_by", "发布人")]
        table = Table(name=lambda key, row: f"公示 #{key}（{row.get('title')}）",
                      unmade="审计事件中没有这次公示（未经列入公示的步骤，直接写入数据库）",
                      gone=lambda key, said: f"公示 #{key}：审计事件记载有这次公示（{said.get('starts_on')} 至 "
                                             f"{said.get('ends_on')}），而公示表中没有：记录被删除")
        return compared(rows, self.said, fields, table)


PROFILE_LABELS = {"name": "单位名称", "kind": "单位类型", "region": "注册地", "industry": "所属行业",
                  "digital_core_confirmed": "确认属于数字经济核心产业", "size": "企业规模",
                  "above_scale": "规模以上企业",
                  "established": "成立日期", "revenue": "本年营业收入", "revenue_prior": "上年营业收入",
                  "independent_legal_entity": "独立法人", "sound_accounts": "财务管理制度健全",
                  "bad_credit": "有不良信用记录", "major_accident": "近三年发生重大安全、环保、质量事故"}
YUAN = ("revenue", "revenue_prior")
FLAGS = ("digital_core_confirmed", "above_scale", "independent_legal_entity", "sound_accounts", "bad_credit",
         "major_accident")


class Profiles:
    """Each version of each applicant's profile, by (credit code, version)."""

    def __init__(self) -> None:
        self.said: dict[tuple[str, int], Said] = {}

    def fold(self, event: AuditEvent, before: Said, after: Said) -> None:
        version = after.get("version")
        if event.entity == "applicant" and event.action == "applicant.profile" and isinstance(version, int):
            self.said[(event.entity_id, version)] = {k: after[k] for k in PROFILE_LABELS if k in after}

    def compare(self, session: Session) -> list[str]:
        columns = [getattr(ApplicantProfile, k) for k in PROFILE_LABELS]
        query = (select(Applicant.uscc, ApplicantProfile.version, *columns)
                 .join(Applicant, Applicant.id == ApplicantProfile.applicant_id)
                 .order_by(ApplicantProfile.applicant_id, ApplicantProfile.version))
        rows = (((row.uscc, row.version), {k: _day(v) for k, v in row._asdict().items()})
                for row in session.execute(query))
        fields = [Field(k, label, yuan if k in YUAN else yes_no if k in FLAGS else text)
                  for k, label in PROFILE_LABELS.items()]
        table = Table(name=lambda key, row: f"单位 {key[0]} 的单位信息第 {key[1]} 版",
                      unmade="审计事件中没有这一版（未经登记，直接写入数据库）",
                      gone=lambda key, said: f"单位 {key[0]} 的单位信息第 {key[1]} 版：审计事件记载有这一版，"
                                             "而单位信息表中没有：记录被删除")
        return compared(rows, self.said, fields, table, unaudited=_listed)


def _listed(actual: Said) -> Said | None:
    """The first version a recognition list's import writes (no event of its own: the list's import is): a name, no
    other fact."""
    if actual["version"] == 1 and all(actual[k] is None for k in PROFILE_LABELS if k != "name"):
        return {}
    return None

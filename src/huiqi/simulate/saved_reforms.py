"""Saved reforms: kept by name with the job that ran them (one name once per analyst), listed, read, renamed, deleted,
each change by its author or an admin and audited."""

import json
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi.audit import service as audit
from huiqi.errors import Conflict, InputError, NotFound, PolicyFileError
from huiqi.labels import Problem
from huiqi.models import AuditEvent, SavedReform, SimulationJob, User
from huiqi.rules.loader import read_yaml
from huiqi.simulate import jobs
from huiqi.simulate.reform import NAME_LENGTH, Reform
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import control_reason


def save(session: Session, *, actor: User, reform: Reform, text: str, job: SimulationJob | None = None) -> SavedReform:
    """Keep a reform under its name (with the job that runs it, set here or once started); a name the analyst already
    used is a Conflict, also when two saves of it meet at the same moment, unless that reform's simulation failed:
    then the reform saved under the name is replaced (a failed run leaves nothing to keep)."""
    require_role(actor, *jobs.ANALYSTS, doing="保存改革方案")
    clash = session.scalar(select(SavedReform).where(SavedReform.user_id == actor.id, SavedReform.name == reform.name)
                           .with_for_update().execution_options(populate_existing=True))  # two re-runs: one
    if clash is not None and job_state(session, clash) == "failed":
        before = {"description": clash.description, "changes": clash.changes}
        clash.description, clash.text = reform.description, text
        clash.changes = [c.model_dump(mode="json") for c in reform.changes]
        clash.job_id = job.id if job is not None else None
        _saved(session, actor, clash, before)
        return clash
    if clash is not None:
        raise Conflict(f"已有名为“{reform.name}”的改革方案，请换一个名称")
    saved = SavedReform(user_id=actor.id, name=reform.name, description=reform.description, text=text,
                        changes=[c.model_dump(mode="json") for c in reform.changes],
                        job_id=job.id if job is not None else None)
    try:
        with session.begin_nested():
            session.add(saved)
    except IntegrityError:  # saved under the same name by another request at this moment
        raise Conflict(f"已有名为“{reform.name}”的改革方案，请换一个名称") from None
    _saved(session, actor, saved, None)
    return saved


def _saved(session: Session, actor: User, saved: SavedReform, before: dict[str, Any] | None) -> None:
    """The saving (or the replacing, after its simulation failed) of a reform, in the audit trail."""
    audit.record(session, actor=actor.username, action="reform.save", entity="saved_reform", entity_id=saved.id,
                 before=before, after={"name": saved.name, "description": saved.description, "changes": saved.changes})


def job_state(session: Session, saved: SavedReform) -> str | None:
    """The state of the simulation a saved reform ran in (queued, running, done, failed), None without one."""
    return session.scalar(select(SimulationJob.state).where(SimulationJob.id == saved.job_id)) if saved.job_id \
        else None


def job_states(session: Session, saved: list[SavedReform]) -> dict[int, str]:
    """Each saved reform's simulation state, by the reform's id (one query for a list)."""
    ids = {r.job_id for r in saved if r.job_id}
    found: dict[int, str] = {job_id: state for job_id, state in session.execute(
        select(SimulationJob.id, SimulationJob.state).where(SimulationJob.id.in_(ids)))}
    return {r.id: found[r.job_id] for r in saved if r.job_id in found}


def may_change(actor: User, saved: SavedReform) -> bool:
    """Whether ``actor`` may rename or delete ``saved``: its author, or an admin (the auditor only reads)."""
    return actor.role in jobs.ANALYSTS and (saved.user_id == actor.id or actor.role == Role.ADMIN)


def _locked(session: Session, actor: User, reform_id: int) -> SavedReform:
    """The saved reform ``actor`` may change, locked (two changes at once: one, then the other sees it); one deleted
    meanwhile (by another page) is a Conflict saying so, another's is not said to exist."""
    saved = session.scalar(select(SavedReform).where(SavedReform.id == reform_id).with_for_update()
                           .execution_options(populate_existing=True))
    if saved is None:
        gone = _deleted(session, reform_id)
        if gone is not None and (gone.get("user_id") == actor.id or actor.role == Role.ADMIN):
            raise Conflict(f"改革方案“{gone.get('name')}”已被删除（可能在其他页面）")
        raise NotFound(f"没有改革方案 {reform_id}")
    if not may_change(actor, saved):
        raise NotFound(f"没有改革方案 {reform_id}")  # another's reform is not said to exist
    return saved


def delete(session: Session, *, actor: User, reform_id: int) -> str:
    """Delete a saved reform (its author or an admin), so that trial reforms do not stay forever; its simulation is
    kept. Refused (409) while that simulation is queued or running, and when another page deleted it meanwhile;
    the deletion is in the audit trail. The name deleted is returned, for the message."""
    require_role(actor, *jobs.ANALYSTS, doing="删除改革方案")
    saved = _locked(session, actor, reform_id)
    state = job_state(session, saved)
    if state in ("queued", "running"):
        raise Conflict(f"改革方案“{saved.name}”的测算 #{saved.job_id} 尚未完成，不能删除：请在测算完成后再删除")
    before = {"name": saved.name, "description": saved.description, "changes": saved.changes,
              "job_id": saved.job_id, "user_id": saved.user_id}
    session.delete(saved)
    session.flush()
    audit.record(session, actor=actor.username, action="reform.delete", entity="saved_reform", entity_id=reform_id,
                 before=before, after=None)
    return before["name"]


def rename(session: Session, *, actor: User, reform_id: int, name: str, seen: str | None = None) -> tuple[str, str]:
    """Rename a saved reform (its author or an admin): the name bounded as when it is saved, once among its author's
    reforms (a Conflict, also when two renames to one name meet), and ``seen`` the name the page showed (None: not
    checked): renamed (or deleted) meanwhile by another page, a Conflict. Its YAML says the new name; its simulation
    is untouched (it ran under the old one, and may go on running). Audited; the old and new names are returned."""
    require_role(actor, *jobs.ANALYSTS, doing="修改改革方案名称")
    new = name.strip()
    why = ("请填写名称" if not new else f"最多 {NAME_LENGTH} 个字（现为 {len(new)} 个字）" if len(new) > NAME_LENGTH
           else "不能换行" if "\n" in new or "\r" in new else control_reason(new))
    if why:
        raise InputError([Problem("改革方案名称", why, "reform_name")])
    saved = _locked(session, actor, reform_id)
    old = saved.name
    if seen is not None and seen != old:  # as shown: a name saved with spaces around it is that name
        raise Conflict(f"改革方案“{seen.strip()}”已在其他页面改名为“{old}”：请核对后再改")
    if new == old:
        return old, new
    taken = f"已有名为“{new}”的改革方案，请换一个名称"
    if session.scalar(select(SavedReform.id).where(SavedReform.user_id == saved.user_id, SavedReform.name == new,
                                                   SavedReform.id != saved.id)) is not None:
        raise Conflict(taken)
    saved.name, saved.text = new, renamed(saved.text, new)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # the name taken by another request at this moment
        raise Conflict(taken) from None
    audit.record(session, actor=actor.username, action="reform.rename", entity="saved_reform", entity_id=saved.id,
                 before={"name": old}, after={"name": new})
    return old, new


def renamed(text: str, name: str) -> str:
    r"""The reform's YAML with ``name`` where its name is written (plain, or quoted when YAML would read it otherwise),
    the rest (comments too) as it was; written anew when its name cannot be found alone in it (given by a merge).

    >>> renamed("# 试算\nname: 甲 # 旧\nchanges: []\n", "丙"), renamed("name: 甲\nchanges: []\n", "乙: 新 #2")
    ('# 试算\nname: 丙 # 旧\nchanges: []\n', 'name: "乙: 新 #2"\nchanges: []\n')
    """
    data, _ = read_yaml(text, "改革方案")
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    found = [v for k, v in getattr(node, "value", []) if isinstance(k, yaml.ScalarNode) and k.value == "name"]
    if len(found) == 1 and isinstance(found[0], yaml.ScalarNode):
        start, end = found[0].start_mark.index, found[0].end_mark.index
        for written in (name, json.dumps(name, ensure_ascii=False)):  # JSON's quoted string is YAML's too
            candidate = text[:start] + written + text[end:]
            try:
                if read_yaml(candidate, "改革方案")[0] == {**data, "name": name}:
                    return candidate
            except PolicyFileError:
                continue
    return yaml.safe_dump({**data, "name": name}, allow_unicode=True, sort_keys=False)


def _deleted(session: Session, reform_id: int) -> dict[str, Any] | None:
    """What a deleted reform was (its audited ``before``), or None if none of that number was deleted."""
    return session.scalar(select(AuditEvent.before).where(
        AuditEvent.action == "reform.delete", AuditEvent.entity == "saved_reform",
        AuditEvent.entity_id == str(reform_id)).order_by(AuditEvent.seq.desc()).limit(1))


def listed(session: Session, *, actor: User) -> list[SavedReform]:
    """The actor's saved reforms, newest first (an admin sees everyone's), as ``jobs.listed`` shows jobs."""
    require_role(actor, *jobs.READERS, doing="查看改革方案")
    query = select(SavedReform).order_by(SavedReform.id.desc())
    if actor.role not in jobs.SEES_ALL:
        query = query.where(SavedReform.user_id == actor.id)
    return list(session.scalars(query))


def of_job(session: Session, job_id: int) -> SavedReform | None:
    """The reform saved with a simulation job (whoever may see the job may see which reform it ran)."""
    return session.scalar(select(SavedReform).where(SavedReform.job_id == job_id))


def get(session: Session, *, actor: User, reform_id: int) -> SavedReform:
    """A saved reform its author (or an admin) may see."""
    require_role(actor, *jobs.READERS, doing="查看改革方案")
    saved = session.get(SavedReform, reform_id)
    if saved is None or (saved.user_id != actor.id and actor.role not in jobs.SEES_ALL):
        raise NotFound(f"没有改革方案 {reform_id}")
    return saved

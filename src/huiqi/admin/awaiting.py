"""What waits on an admin's check (待您核对发布): a policy draft or a whitelist draft is published only by someone
other than who drafted it, so each admin's home lists those drafted by others, with a link to where it is checked."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from huiqi.catalogue import repository as catalogue_rows
from huiqi.models import User
from huiqi.users.names import namer
from huiqi.users.roles import Role
from huiqi.validation import beijing
from huiqi.whitelist import repository as whitelist_rows


@dataclass(frozen=True)
class Awaiting:
    """One draft another admin may publish: what it is, who drafted it and when, where it is checked."""

    what: str
    by: str
    on: date
    link: str
    verb: str = "起草"  # a whitelist is 拟定


def awaiting(session: Session, *, actor: User) -> list[Awaiting]:
    """The policy and whitelist drafts ``actor`` (an admin) may check and publish: those drafted by others, oldest
    first; nothing for anyone else."""
    if actor.role != Role.ADMIN:
        return []
    name = namer(session)
    found = [Awaiting(f"政策草稿 {v.number}《{v.title}》（版本 {v.id}）", name(v.drafted_by),
                      beijing(v.created_at).date(), f"/admin/policies#version-{v.id}")
             for v in catalogue_rows.drafts(session) if v.drafted_by != actor.username]
    draft = whitelist_rows.draft(session)
    if draft is not None and draft.proposed_by != actor.username:
        found.append(Awaiting(f"白名单拟定稿 #{draft.number}（截至 {draft.as_of}）", name(draft.proposed_by),
                              beijing(draft.created_at).date(), f"/admin/whitelist/{draft.id}", "拟定"))
    return found

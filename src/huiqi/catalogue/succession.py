"""A successor policy (接续): the policy a file names as the one it replaces (its ``succeeds``), cited as people cite
it, and the admin's confirmation of it on the upload form. The file is the record: the form confirms what the file
says, and never adds to it."""

from sqlalchemy.orm import Session

from huiqi.catalogue import repository
from huiqi.errors import InputError
from huiqi.rules.policy import Policy

FIELD = "接续的政策"  # the form's box, as the file's key is named (rules.keys)


def predecessors(session: Session) -> dict[str, str]:
    """The policies a successor may name: each that the catalogue has had in force (a predecessor superseded or
    withdrawn since is still the one replaced), by its id, cited by its latest such version: 文号《标题》."""
    return {policy_id: f"{number}《{title}》" for policy_id, number, title in repository.once_published(session)}


def check(policy: Policy, said: str, known: dict[str, str]) -> None:
    """Refuse, beside the form's 接续的政策, a confirmation that does not hold: ``said`` (a policy id, '' for none)
    must be a policy the catalogue has had in force (``known``), not the file's own, and the one the file names.

    >>> from types import SimpleNamespace as File
    >>> known = {"old": "甲〔2020〕1号《旧政策》"}
    >>> check(File(id="new", succeeds="old"), "old", known)
    >>> check(File(id="new", succeeds=None), "", known)
    >>> def said(file, chosen):
    ...     try:
    ...         check(file, chosen, known)
    ...     except InputError as error:
    ...         return error.problems[0][1]
    >>> said(File(id="old", succeeds=None), "old")[:9]
    '不能选择本政策自己'
    >>> said(File(id="new", succeeds="old"), "")
    '文件写明本政策接续甲〔2020〕1号《旧政策》：请在此选择该政策以确认；如不接续，请删去文件中的“succeeds: old”'
    """
    named = policy.succeeds or ""
    if said and said == policy.id:
        why = (f"不能选择本政策自己（本文件的政策编号即为 {said}）：同一政策的新版本取代旧版本，无需选择；"
               "这里只选它所接续的另一项政策")
    elif said and said not in known:
        why = "政策目录中没有这一政策（或它从未发布）：请从列表中选择"
    elif said == named:
        return
    elif not said and named in known:
        why = f"文件写明本政策接续{known[named]}：请在此选择该政策以确认；如不接续，请删去文件中的“succeeds: {named}”"
    elif not said:
        why = f"文件写明接续政策“{named}”，但政策目录中没有发布过这一政策编号：请核对文件中的“succeeds”"
    elif not named:
        why = (f"文件中没有写明接续的政策：如本政策接续{known[said]}，请在文件中写明“succeeds: {said}”后再保存；"
               "否则请选“不接续其他政策”")
    else:
        why = f"与文件中写明的接续政策（{known.get(named, named)}）不一致：请核对后改选，或改正文件中的“succeeds”"
    raise InputError([(FIELD, why)])

"""Where objections to a 公示 go: each department's phone, address and mail.

They are records (``objection_contacts``): an admin sets them on /admin/objection-contacts (bounded, checked,
audited), and the public 公示 pages read them. The shipped file ``departments/data/objection_contacts.csv`` is their
seed (migration 0031): its rows name the departments only, their phone, address and mail filled in at deployment
(before the upgrade) or on the page since; a 公示 shows what is filled in, never a placeholder.
"""

import csv
import re
from dataclasses import dataclass
from importlib import resources

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi.audit import service as audit
from huiqi.db import utcnow
from huiqi.departments import repository
from huiqi.errors import Conflict, InputError, NotFound
from huiqi.labels import Problem
from huiqi.models import Department, ObjectionContact, User
from huiqi.money import FULL_WIDTH_DIGITS
from huiqi.users.names import person
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import control_reason

LABELS = {"phone": "异议受理电话", "address": "通信地址", "mail": "电子邮箱"}
MOST = {"phone": 50, "address": 200, "mail": 254}  # their columns
# A phone as a unit publishes it: digits, a hyphen or brackets around the area code, 转 before an extension, several
# numbers joined by 、 or a comma (024-12345678、024-87654321转801).
PHONE = re.compile(r"[0-9 +\-()（）、，,；;/转]+")
PHONE_DIGITS = 7  # the shortest local number
MAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}")


@dataclass(frozen=True)
class Contact:
    department: str
    phone: str
    address: str
    mail: str


def seed() -> list[Contact]:
    """The shipped file's rows: every department that ever leads a measure, with what a deployment filled in."""
    text = resources.files("huiqi.departments").joinpath("data", "objection_contacts.csv").read_text("utf-8")
    return [Contact(**{k: (v or "").strip() for k, v in row.items()}) for row in csv.DictReader(text.splitlines())]


def _contact(row: ObjectionContact) -> Contact:
    return Contact(row.department, row.phone or "", row.address or "", row.mail or "")


def objection_contacts(session: Session) -> dict[str, Contact]:
    """Each department's objection contact as recorded, by the department's name."""
    return {row.department: _contact(row) for row in repository.contacts(session)}


@dataclass(frozen=True)
class Shown:
    """A department's row on the admin's page: its contact, and who set it last (a stamp for the form)."""

    department: Department
    contact: Contact
    set_by: str  # 系统管理员（2026-12-16）, or '' as seeded
    stamp: str  # when it was last set, as the form carries it ('' as seeded, or with no row yet)


def listed(session: Session, *, actor: User) -> list[Shown]:
    """Every department, with its objection contact (blank where none is recorded)."""
    require_role(actor, Role.ADMIN, Role.AUDITOR, doing="查看异议受理联系方式")
    rows = {row.department: row for row in repository.contacts(session)}
    found = []
    for unit in repository.all_departments(session):
        row = rows.get(unit.name)
        contact = _contact(row) if row is not None else Contact(unit.name, "", "", "")
        by = f"{person(session, row.updated_by)}（{row.updated_at:%Y-%m-%d}）" \
            if row is not None and row.updated_by and row.updated_at else ""
        found.append(Shown(unit, contact, by, stamp(row)))
    return found


def stamp(row: ObjectionContact | None) -> str:
    """When a contact was last set, as its form carries it: a change since refuses the form's (409)."""
    return row.updated_at.isoformat(timespec="microseconds") if row is not None and row.updated_at else ""


def checked(phone: str, address: str, mail: str) -> dict[str, str | None]:
    """The three fields as kept (blank: None), or every mistake at once, each by its Chinese label.

    >>> checked(" ０２４-１２３４５６７８ 转801", "沈阳市和平区某路1号", "")
    {'phone': '024-12345678 转801', 'address': '沈阳市和平区某路1号', 'mail': None}
    >>> [p.field for p in _problems("12345", "", "信箱")]
    ['phone', 'mail']
    """
    problems = _problems(phone, address, mail)
    if problems:
        raise InputError(problems)
    values = {"phone": phone.translate(FULL_WIDTH_DIGITS), "address": address, "mail": mail}
    return {k: v.strip() or None for k, v in values.items()}


def _problems(phone: str, address: str, mail: str) -> list[tuple[str, str]]:
    values = {"phone": phone.translate(FULL_WIDTH_DIGITS).strip(), "address": address.strip(), "mail": mail.strip()}
    found: list[tuple[str, str]] = []
    for name, value in values.items():
        why = control_reason(value) or ("请写在一行内" if any(c in value for c in "\t\r\n") else None)
        if why is None and len(value) > MOST[name]:
            why = f"不能超过 {MOST[name]} 个字（现为 {len(value)} 个字）"
        if why is None and value and name == "phone" and (not PHONE.fullmatch(value) or sum(
                c.isdigit() for c in value) < PHONE_DIGITS):
            why = "请填写电话号码（如 024-12345678，分机写“转801”，多个号码用“、”分隔）"
        if why is None and value and name == "mail" and not MAIL.fullmatch(value):
            why = "请填写有效的电子邮箱地址（如 yiyi@example.gov.cn）"
        if why is not None:
            found.append(Problem(LABELS[name], why, name))
    return found


def set_contact(session: Session, *, actor: User, department_id: int, phone: str, address: str, mail: str,
                seen: str | None = None) -> bool:
    """An admin sets a department's objection contact (audited); whether it changed. ``seen`` is the stamp the form
    was shown with: a contact set since (by another admin, or in another tab) refuses this one (409) rather than
    silently replacing it; None does not check."""
    require_role(actor, Role.ADMIN, doing="设定异议受理联系方式")
    unit = session.get(Department, department_id)
    if unit is None:
        raise NotFound(f"没有编号为 {department_id} 的责任单位")
    values = checked(phone, address, mail)
    row = repository.lock_contact(session, unit.name)
    if seen is not None and seen != stamp(row):
        by = person(session, row.updated_by) if row is not None and row.updated_by else "他人"
        raise Conflict(f"{unit.name}的异议受理联系方式刚刚已由{by}修改，请刷新后核对再改（本次修改未保存）")
    before = {k: getattr(row, k) for k in values} if row is not None else None
    if before == values or (row is None and not any(values.values())):
        return False
    if row is None:
        row = ObjectionContact(department=unit.name)
        try:
            with session.begin_nested():
                repository.add_contact(session, row)
        except IntegrityError:  # another admin's at this moment (PostgreSQL; SQLite waits and then sees it)
            raise Conflict(f"{unit.name}的异议受理联系方式刚刚已由他人设定，请刷新后核对再改（本次修改未保存）"
                           ) from None
    row.phone, row.address, row.mail = values["phone"], values["address"], values["mail"]
    row.updated_by, row.updated_at = actor.username, utcnow()
    session.flush()
    audit.record(session, actor=actor.username, action="department.objection_contact", entity="department",
                 entity_id=unit.name, before=before, after=values)
    return True

"""The admin's page of objection contacts: each department's phone, address and mail as the public 公示 pages show
them, set here (audited) rather than in a shipped file. Auditors read it."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from huiqi.departments import contacts
from huiqi.users.roles import Role
from huiqi.validation import kept
from huiqi.web.deps import Actor, CallerDep, Db, RecordId
from huiqi.web.door import said_beside
from huiqi.web.render import page
from huiqi.web.steps import Refusal, form_step

router = APIRouter(include_in_schema=False)
FIELDS = tuple(contacts.LABELS)


def _page(request: Request, who: CallerDep, session: Db, actor, status_code: int = 200, **context) -> Response:
    return page(request, "admin/objection_contacts.html", who, status_code=status_code,
                rows=contacts.listed(session, actor=actor), labels=contacts.LABELS, most=contacts.MOST,
                manage=actor.role == Role.ADMIN, problems=context.pop("problems", []), **context)


@router.get("/admin/objection-contacts", response_class=HTMLResponse)
def contacts_page(request: Request, who: CallerDep, actor: Actor, session: Db) -> Response:
    return _page(request, who, session, actor)


@router.post("/admin/objection-contacts/{department_id}", response_model=None)
@said_beside(*FIELDS)
def set_contact(request: Request, who: CallerDep, actor: Actor, session: Db, department_id: RecordId,
                phone: Annotated[str, Form()] = "", address: Annotated[str, Form()] = "",
                mail: Annotated[str, Form()] = "", seen: Annotated[str, Form(max_length=64)] = "") -> Response:
    """One form per department: its phone, address and mail, with the stamp it was shown with (``seen``)."""
    typed = {"phone": phone, "address": address, "mail": mail}

    def again(refusal: Refusal) -> Response:
        return _page(request, who, session, actor, status_code=refusal.status_code, problems=refusal.shown,
                     failed=department_id, typed={k: kept(v, contacts.MOST[k]) for k, v in typed.items()})

    def said(changed: bool) -> str:
        return "异议受理联系方式已保存，公示页面即按此显示" if changed else "异议受理联系方式未作修改"

    return form_step(session, lambda: contacts.set_contact(session, actor=actor, department_id=department_id,
                                                           seen=seen, **typed),
                     done=f"/admin/objection-contacts#department-{department_id}", again=again, said=said)

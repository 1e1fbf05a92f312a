"""The applicants' directory (企业库) for the people who review and oversee: the applicants in one's scope, found by
part of the name or credit code, a page at a time and as Excel; one applicant's record, its profile and how it
changed, its matters and its applications. An enterprise has its own page (/me); a policy analyst reads no
applicant. (Its addresses are registered with the applicants' pages.)"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from huiqi.applicants import repository, service
from huiqi.applications import service as applications
from huiqi.applications import views
from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError, NotFound
from huiqi.labels import field_label, matter_label
from huiqi.models import Applicant, ApplicantProfile, Matter, User
from huiqi.reference import industries
from huiqi.reference.divisions import place_name
from huiqi.rules.facts import CHOICES
from huiqi.users.names import namer
from huiqi.users.roles import Role
from huiqi.users.scope import sums_only
from huiqi.web.deps import Actor, CallerDep, Db
from huiqi.web.excel import Table, download
from huiqi.web.pagination import PAGE_SIZE, PageNumber, Paging
from huiqi.web.render import page
from huiqi.workflow.states import State

Word = Annotated[str | None, Query(max_length=50, description="单位名称或统一社会信用代码的一部分")]
COMPARED = ("name", "kind", "region", "industry", "size", "above_scale", "established", "revenue", "revenue_prior",
            "digital_core_confirmed", "independent_legal_entity", "sound_accounts", "bad_credit", "major_accident")


def _found(session: Session, actor: User, word: str | None) -> list[tuple[Applicant, ApplicantProfile]]:
    sums_only(actor)
    rows = service.listed(session, actor=actor, word=word)
    return sorted(rows, key=lambda row: (row[1].name or "", row[0].uscc))


def directory(request: Request, who: CallerDep, actor: Actor, session: Db, q: Word = None,
              number: PageNumber = 1) -> Response:
    if actor.role == Role.ENTERPRISE:
        return RedirectResponse("/me", status_code=303)
    found = _found(session, actor, q)
    pager = Paging(page=number, size=PAGE_SIZE)
    shown = pager.slice(found)
    counts = {a.id: len(repository.matters(session, a.id)) for a, _ in shown}

    def link(n: int) -> str:
        return "/applicants?" + urlencode({**({"q": q} if q else {}), "page": n})

    return page(request, "applicants/directory.html", who, rows=shown, counts=counts, total=len(found), pager=pager,
                link=link, q=q or "", place=place_name, choices=CHOICES)


def directory_xlsx(actor: Actor, session: Db, q: Word = None) -> Response:
    rows = [[a.uscc, p.name or "", place_name(p.region) or "", p.industry or "", CHOICES["size"].get(p.size, ""),
             p.revenue, p.version, "是" if a.demo else ""] for a, p in _found(session, actor, q)]
    header = ["统一社会信用代码", "单位名称", "注册地", "行业代码", "规模", "本年营业收入", "信息版本", "演示数据"]
    return download(Table("申报单位", header, rows, money={"本年营业收入"}), "申报单位.xlsx")


def _changes(history: list[ApplicantProfile]) -> list[tuple[ApplicantProfile, list[str]]]:
    """Each version, newest first, with the facts it changed from the one before (by their Chinese labels)."""
    found, before = [], None
    for version in history:
        changed = [field_label(f) for f in COMPARED if before is not None and getattr(version, f) != getattr(before, f)]
        found.append((version, changed))
        before = version
    return list(reversed(found))


def record(request: Request, who: CallerDep, actor: Actor, session: Db, uscc: str) -> Response:
    if actor.role == Role.ENTERPRISE and actor.uscc == uscc:
        return RedirectResponse("/me", status_code=303)
    sums_only(actor)
    if len(uscc) != 18:
        raise InputError([("统一社会信用代码", "应为 18 位")])
    applicant, history = service.get_applicant(session, actor=actor, uscc=uscc)
    matters = repository.matters(session, applicant.id)
    codes = catalogue.codes(session)
    applied = [views.summary(session, a) for a in applications.of_applicant(session, actor=actor,
                                                                           applicant_id=applicant.id)
               if a.state != State.DRAFT]  # a draft is the enterprise's own
    return page(request, "applicants/record.html", who, applicant=applicant, profile=history[-1] if history else None,
                versions=_changes(history), matters=matters, codes=codes, applied=applied, person=namer(session),
                choices=CHOICES, matter_label=matter_label, cultivated=cultivated(session, matters),
                classes={c: r["name"] for c, r in industries.industries().items() if r["level"] == "class"})


def cultivated(session: Session, matters: list[Matter]) -> bool:
    """Whether an applicant is under cultivation (a growth file is kept for it, where a policy in force says so)."""
    from huiqi.growth import service as growth  # growth reads applicants: imported when a page is shown

    try:
        return growth.is_cultivated(session, matters)
    except NotFound:  # no policy in force keeps growth files
        return False

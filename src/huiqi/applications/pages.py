"""The applications pages: the list, a new draft, and one application with its materials and timeline.

Every step is a form that posts and comes back (303) to the application's page; when a service
refuses, the page is shown again with its message, and nothing typed is lost.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import claims
from huiqi.applicants import repository as applicants
from huiqi.applicants import service as applicant_service
from huiqi.applications import blockers, payee, repository, service, views
from huiqi.applications.endpoints import read_material
from huiqi.applications.schemas import ApplicationDetail
from huiqi.catalogue import repository as catalogue_rows
from huiqi.catalogue import service as catalogue
from huiqi.config import get_settings
from huiqi.departments.service import lead_unit
from huiqi.errors import HuiqiError, InputError, MaterialError, NotFound
from huiqi.labels import Problem, field_label, labelled, measure_label
from huiqi.materials.storage import file_size
from huiqi.models import Application, Matter, Round, User
from huiqi.money import parse_wan, wan
from huiqi.offers import service as offers
from huiqi.ratings import service as ratings
from huiqi.review.forms import number_seen
from huiqi.rounds import opening, submission
from huiqi.rounds import service as rounds
from huiqi.rules.answer import Grant
from huiqi.rules.policy import CodeInfo
from huiqi.users.names import namer
from huiqi.users.roles import Role
from huiqi.users.scope import require_role, sums_only
from huiqi.validation import collect, control_reason, digits, kept
from huiqi.web.deps import Actor, ApplicationFilters, CallerDep, Db, RecordId, SentForm, refused_first, role_first
from huiqi.web.door import said_beside
from huiqi.web.limits import TOO_LARGE
from huiqi.web.pagination import PAGE_SIZE, PageNumber, Paging
from huiqi.web.render import page
from huiqi.web.steps import Refusal, flash, form_step
from huiqi.workflow.judgement import judge
from huiqi.workflow.runner import run
from huiqi.workflow.states import EDITABLE, STATES, SUPPORTED, Action, State

router = APIRouter(include_in_schema=False)


# a policy analyst reads sums: refused (saying where they are) before the filters are read, not shown an empty list
@router.get("/applications", response_class=HTMLResponse, dependencies=refused_first(sums_only))
def listing(request: Request, who: CallerDep, session: Db, actor: Actor, filters: ApplicationFilters,
            state: Annotated[str | None, Query(max_length=20)] = None, number: PageNumber = 1) -> HTMLResponse:
    if state and state not in STATES:
        raise InputError([("状态", "请从列表中选择")])  # as a wrong 申报批次 or 所在市 is said, not passed over
    chosen = state or None
    found = service.listed(session, actor=actor, state=chosen, filters=filters)
    pager = Paging(page=number, size=PAGE_SIZE)
    return page(request, "applications/list.html", who, rows=[views.summary(session, a) for a in pager.slice(found)],
                state=chosen, states=STATES, filters=filters, total=len(found), pager=pager,
                link=lambda n: "/applications" + filters.query_string(state=chosen, page=str(n)),
                **views.filter_choices(session))


LABELS = {"measure": "批次与措施", "amount": "申请金额（万元）"}  # the fields as the form calls them
AMOUNT_SHOWN = 100  # what a refused form shows again of an amount typed


def _open_measures(session: Session, matters: list[Matter]) -> list[tuple[str, str, list[str]]]:
    """Each measure of the rounds open today that takes applications, as (form value ``round/number``, label: the
    measure first, which a narrow select still shows, then its round and deadline, the keys of the matters whose
    types it supports: what the service accepts); a 免申即享 measure is delivered from the published lists, without
    an application."""
    policies = {p.id: p for p in catalogue.published(session)}
    found = []
    for r in rounds.open_now(session):
        shown = rounds.read(session, r)
        for m in shown.measures:
            supported = policies[r.policy_id].measure(m.measure) if r.policy_id in policies else None
            if m.mode == "direct" or supported is None:
                continue
            reaches = {code for rule in supported.rules for code in rule.reaches}
            found.append((f"{r.id}/{m.measure}", f"{measure_label(m.measure, m.title)} · {shown.title}"
                                                 f"（{shown.policy_number}，{r.closes_on} 截止）",
                          [x.key for x in matters if reaches & set(x.codes)]))
    return found


def _new(request: Request, who: CallerDep, session: Db, actor: User, status_code: int = 200,
         **form: Any) -> HTMLResponse:
    require_role(actor, Role.ENTERPRISE, doing="申报")
    applicant = applicants.by_uscc(session, actor.uscc or "")
    matters = applicants.matters(session, applicant.id) if applicant else []
    codes, grants, open_to = _known(session, actor, matters)
    live = repository.live_by_matter(session, [m.id for m in matters])

    def other_policy(m: Matter) -> bool:  # a round of another policy than the grant's takes the matter now
        held = live.get(m.id)
        return open_to is None or held is None or bool(open_to.get(m.key, set()) - {held.policy_id})

    measures = _open_measures(session, matters)
    fitting = {key for _, _, keys in measures for key in keys}

    def closing(m: Matter) -> tuple[str, bool]:  # what closes the matter, said beside it; no open measure that
        said, closed = _taken(session, live.get(m.id), other_policy(m))  # supports its types closes it as well
        if closed or m.key in fitting:
            return said, closed
        claim = grants.get(m.key, (None, None))[1]
        if claim is not None and claim.unlisted:
            return f"不可申报：{claim.unlisted}", True
        if claim is not None and claim.direct:
            return "不可申报：免申即享，依据公布名单由责任单位确认", True
        return "不可申报：受理中的批次没有支持该类别的措施", True

    listed = [(m.key, _matter_label(m, codes, grants), *closing(m)) for m in matters]
    picked = next((x for x in measures if x[0] == form.get("measure")), None)
    fits = set(picked[2]) if picked else {m.key for m in matters}
    # Nothing to choose, though matters fit: the way forward is a new matter, or the application already under way.
    stuck = bool(measures) and bool(fits) and not any(key in fits and not closed for key, _, _, closed in listed)
    held = [(m.key, live[m.id].id) for m in matters if stuck and m.key in fits and m.id in live]
    return page(request, "applications/new.html", who, status_code=status_code, matters=listed,
                measures=measures, form=form, problems=form.pop("problems", []), stuck=stuck, held=held)


def _taken(session: Session, live: Application | None, top_up: bool = True) -> tuple[str, bool]:
    """What the matter's live application says of it, and whether it closes the matter to a new application: one
    in progress does; a grant leaves other policies a top-up (差额补足) when one of them takes it now (``top_up``)."""
    if live is None:
        return "", False
    if live.state in SUPPORTED and top_up:
        return f"{service.taken(session, live)}，其他政策可补足差额", False
    if live.state in SUPPORTED:
        return f"{service.taken(session, live)}，目前没有可补足差额的其他政策批次", True
    return service.taken(session, live), True


Reach = dict[str, tuple[Grant | None, claims.Claim | None]]


def _known(session: Session, actor: User,
           matters: list[Matter]) -> tuple[dict[str, CodeInfo], Reach, dict[str, set[str]] | None]:
    """The codes in force; each matter's grant (the measure its stored facts reach today) with its claim as 本单位
    says it: the ceiling left after other policies' grants (差额补足), and whether it comes 免申即享; and, by matter,
    the policies whose open round takes an application for one of its results now (None when unread)."""
    if not matters:
        return {}, {}, None
    found = claims.of(session, actor=actor, uscc=actor.uscc or "")
    if found.answer is None:  # a stored fact the rules no longer read (本单位 says which): the matters without reach
        return catalogue.codes(session), {}, None
    rows = {(c.result.matter, c.result.policy, c.result.measure): c for c in found.rows}
    open_to: dict[str, set[str]] = {}
    for c in found.rows:
        if c.applicable:
            open_to.setdefault(c.result.matter, set()).add(c.result.policy)
    reach: Reach = {g.matter: (g, rows.get((g.matter, g.policy, g.measure))) for g in found.answer.grants}
    for c in sorted(found.rows, key=lambda c: c.ceiling or 0):  # 待定 yet open to an application: the highest
        if c.applicable and c.result.status == "undetermined" and reach.get(c.result.matter, (None,))[0] is None:
            reach[c.result.matter] = (None, c)
    return catalogue.codes(session), reach, open_to


def _matter_label(matter: Matter, codes: dict[str, CodeInfo], grants: Reach) -> str:
    """A matter as the enterprise knows it: key, type, date and what it may get (h1 · 专精特新“小巨人”企业（新认定）
    · 2023-07-15 · 最高 100 万元（措施3））."""
    kinds = "、".join(codes[c].label if c in codes else c for c in matter.codes)
    grant, claim = grants.get(matter.key, (None, None))
    left = claim.ceiling if claim is not None else grant.ceiling if grant is not None else None
    how = "，免申即享，无需申报" if claim is not None and claim.direct else ""
    if grant is None and claim is not None:  # 待定: the facts to supply decide it
        most = f"最高 {wan(left)} 万元" if left is not None else "金额未定"
        need = f"，需补充：{'、'.join(claim.missing)}" if claim.missing else ""
        reach = f"待定，{most}（措施{claim.result.measure}）{need}"
    elif grant is None:
        reach = "暂无可获支持的措施"
    elif left is None:
        reach = f"金额未定（措施{grant.measure}{how}）"
    elif claim is not None and claim.top_up is not None and claim.top_up.nothing_left:
        reach = f"其他政策已批金额不低于措施{grant.measure}的上限，不再重复支持"
    elif claim is not None and claim.top_up is not None:
        reach = f"最高 {wan(left)} 万元（措施{grant.measure}，扣除其他政策已批金额后{how}）"
    else:
        reach = f"最高 {wan(left)} 万元（措施{grant.measure}{how}）"
    return f"{matter.key} · {kinds} · {matter.date or '日期未填'} · {reach}"


@router.get("/applications/new", response_class=HTMLResponse)
def new(request: Request, who: CallerDep, session: Db, actor: Actor,
        matter: Annotated[str, Query(max_length=64)] = "", measure: Annotated[str, Query(max_length=4)] = "",
        amount: Annotated[str, Query(max_length=30)] = "",
        round: Annotated[str, Query(max_length=10)] = "") -> HTMLResponse:
    chosen = f"{round}/{measure}" if round else measure
    return _new(request, who, session, actor, matter=matter, measure=chosen, amount=amount)


def _problems(error: HuiqiError) -> list[tuple[str, str]]:
    """The form's mistakes (its own and the service's) by the names its boxes carry."""
    refusal = Refusal.of(error)
    return labelled(refusal.problems, own=LABELS) or refusal.shown


@router.post("/applications/new", response_class=HTMLResponse, response_model=None)
@said_beside("amount")
def create(request: Request, who: CallerDep, session: Db, actor: Actor, sent: SentForm) -> Response:
    form = {k: str(sent.get(k) or "").strip() for k in ("matter", "measure", "amount")}
    unkept = control_reason(form["amount"])  # the door leaves the amount to the form: a NUL said beside it
    try:
        round_id, _, number = form["measure"].partition("/")
        problems: list[tuple[str, str]] = []  # every mistake of the form at once, in its order
        if not form["matter"]:
            problems.append(("matter", "请选择事项"))
        if not digits(number) or len(number) > 3 or not 1 <= int(number) <= 999 or not digits(round_id) \
                or len(round_id) > 9:
            problems.append(("measure", "请选择一个开放中的批次和措施"))
        amount = collect(problems, parse_wan, form["amount"], "amount", above_zero=True) \
            if form["amount"] and not unkept else None
        if unkept or not form["amount"]:
            problems.append(("amount", unkept or "请填写申请金额"))
        if problems:
            raise InputError(problems)
        assert amount is not None
        with session.begin_nested():
            draft = service.create_draft(session, actor=actor, uscc=actor.uscc or "", matter_key=form["matter"],
                                         round_id=int(round_id), measure=int(number),
                                         amount_requested=amount)
    except HuiqiError as error:
        return _new(request, who, session, actor, status_code=error.status_code, problems=_problems(error),
                    **form | {"amount": kept(form["amount"], AMOUNT_SHOWN)})
    session.commit()
    made = RedirectResponse(f"/applications/{draft.id}", status_code=303)
    flash(made, f"草稿已保存（申报 #{draft.id}），尚未提交：上传材料、作出承诺、确认收款账户后再提交申报")
    return made


def _detail(request: Request, who: CallerDep, session: Db, actor: User, application_id: int,
            status_code: int = 200, too_large: bool = False, **context: Any) -> HTMLResponse:
    """The application's page; ``too_large``: a file was refused for its size before it was read (said beside the
    file, while the page offers the upload)."""
    application = service.get(session, actor=actor, application_id=application_id)
    detail = views.detail(session, application, actor)
    rated = ratings.for_application(session, application.id)
    may_rate = actor.role == Role.ENTERPRISE and application.state in ratings.FINISHED and rated is None
    basis = offers.basis(session, application.id)  # a 免申即享 application: confirmed from a list, not applied for
    direct = basis is not None
    # 免申即享: the enterprise files nothing, so has nothing to change (one returned before that was so included)
    editable = actor.role == Role.ENTERPRISE and application.state in EDITABLE and not direct
    if editable:
        context |= _editing(session, application, detail)
        if too_large and not context["overdue"]:
            context["problems"] = [Problem(field_label("file"), f"文件超过上限 {_most_upload()}，请缩小后再上传",
                                           "file")]
    elif actor.role == Role.ENTERPRISE and application.state == State.WITHDRAWN and not direct:
        context |= _after_withdrawal(session, application)
    return page(request, "applications/detail.html", who, status_code=status_code, a=detail, editable=editable,
                progress=views.progress_of(session, application, direct=direct), basis=basis,
                rating=rated, due_note=ratings.due_note(session, rated) if rated else None, may_rate=may_rate,
                levels=ratings.LEVELS, direct=direct, application=application, closed=payee.CLOSED,
                person=namer(session), version=catalogue_rows.by_version(session, application.policy_version),
                **context)


def _editing(session: Session, application: Application, detail: ApplicationDetail) -> dict[str, Any]:
    """What the page of a draft (or of one returned for correction) says besides: the rules' preview and what would
    refuse a submission now, the round's materials, where else to apply, the correction days, the upload's limit."""
    context: dict[str, Any] = {}
    today = clock.today()
    try:
        preview = judge(session, application, on=today)
    except InputError as error:  # a stored fact the rules no longer read: submission would say the same
        context["unreadable"] = applicant_service.unreadable(session, application.applicant_id, error)
        context["blockers"] = blockers.of(session, application, today, None, context["unreadable"])
    else:
        context |= {"preview": preview, "higher": preview.higher(application),
                    "blockers": blockers.of(session, application, today, preview)}
        opened = session.get(Round, application.round_id) if application.round_id else None
        context["contact"] = opened.contact if opened is not None else None
        context["lead"] = detail.department or _lead(session, application)
    context["wanted"] = _wanted(session, application, detail.materials)
    context["taking"] = service.taking_now(session, application)  # where to apply, when this cannot be
    context["overdue"] = _overdue(session, application)
    context["due"] = submission.correction_due(session, application)
    context["most_upload"] = _most_upload()
    return context


def _most_upload() -> str:
    """The size limit of a material, as people read it (20 MB)."""
    return file_size(get_settings().max_material_bytes, exact=True)


def _after_withdrawal(session: Session, application: Application) -> dict[str, Any]:
    """Where the withdrawn application's matter may be applied for again: the application that holds it now (the
    enterprise has applied again), else the round taking the measure now (``taking``), else a new round."""
    held = service.holding(session, application.matter_id, application.policy_id)
    return {"withdrawn": True, "held": held, "held_said": service.taken(session, held) if held else None,
            "taking": None if held else service.taking_now(session, application)}


def _lead(session: Session, application: Application) -> str | None:
    """The lead unit of the application's measure today (to ask about it), when its policy is still published."""
    try:
        _, measure = catalogue.measure(session, application.policy_id, application.measure)
    except NotFound:
        return None
    return lead_unit(measure, clock.today())


def _wanted(session: Session, application: Application, attached: list[Any]) -> list[dict[str, Any]]:
    """The round's materials for the application's measure, each with the files attached as it (the upload form
    asks which one a file is, and the page shows what is still missing)."""
    opened = rounds.opened_measure(session, application)
    return [{**m, "accepted": "、".join(opening.FORMATS[f] for f in m["formats"]),
             "files": [x.filename for x in attached if x.kind == m["name"]]}
            for m in (opened.materials if opened is not None else [])]


def _overdue(session: Session, application: Application) -> str | None:
    """Why a returned application can no longer be resubmitted (its correction days have passed), when so: no change
    of amount or material could mend that, so the page offers none."""
    return submission.correction_overdue(session, application, clock.today())


@router.get("/applications/{application_id}", response_class=HTMLResponse)
def detail(request: Request, who: CallerDep, session: Db, actor: Actor, application_id: RecordId,
           upload: Annotated[str, Query(max_length=20)] = "",
           kind: Annotated[str, Query(max_length=50)] = "") -> HTMLResponse:
    """The application's page; ``upload=too-large`` after a file refused for its size before it was read (the
    refusal said beside the file, the 材料类别 chosen, ``kind``, kept)."""
    if upload != TOO_LARGE:
        return _detail(request, who, session, actor, application_id)
    return _detail(request, who, session, actor, application_id, chosen_kind=kind, too_large=True)


DETAIL_LABELS = {"amount": "申请金额（万元）"}  # the application page's fields as its forms call them
DONE = {"amount": "申请金额已修改", "material": "材料已上传", "declaration": "已作出承诺", "submit": "已提交申报",
        "withdraw": "申报已撤回", "remove": "材料已撤下（记录保留，不再计入本申报的材料）", "payee": "收款账户已确认"}


def _step(request: Request, who: CallerDep, session: Db, actor: User, application_id: int,
          act: Callable[[], Any], done: str, **context: Any) -> Response:
    """Take one step; on a refusal show the page again with the reason (out of scope stays a 404)."""

    def again(refusal: Refusal) -> Response:
        return _detail(request, who, session, actor, application_id, status_code=refusal.status_code,
                       problems=labelled(refusal.shown, own=DETAIL_LABELS), **context)

    return form_step(session, act, done=f"/applications/{application_id}{'#payee' if done == 'payee' else ''}",
                     again=again, said=DONE[done])


@router.post("/applications/{application_id}/amount", response_class=HTMLResponse, response_model=None,
             dependencies=role_first(Role.ENTERPRISE, doing="修改申请金额"))
@said_beside("amount")
def change_amount(request: Request, who: CallerDep, session: Db, actor: Actor, application_id: RecordId,
                  form: SentForm) -> Response:
    text = str(form.get("amount") or "").strip()

    def act() -> None:
        if (why := control_reason(text)) is not None:  # the door leaves the amount to the form: said beside it
            raise InputError([("amount", why)])
        amount = parse_wan(text, "amount", above_zero=True) if text else None
        if amount is None:
            raise InputError([("amount", "请填写申请金额（万元）")])
        seen_state, seen_amount = _amount_seen(form)
        service.change_amount(session, actor=actor, application_id=application_id, amount_requested=amount,
                              seen_state=seen_state, seen_amount=seen_amount)

    return _step(request, who, session, actor, application_id, act, "amount", amount=kept(text, AMOUNT_SHOWN))


def _amount_seen(form: Any) -> tuple[str | None, int | None]:
    """What the amount form's page showed (its hidden ``seen_state`` and ``seen_amount`` in yuan): a form sent
    without them (by hand) is taken as before."""
    state = form.get("seen_state")
    if state is not None and state not in STATES:
        raise InputError([("seen", "无法核对")])
    return state, number_seen(form.get("seen_amount"))


@router.post("/applications/{application_id}/materials", response_class=HTMLResponse, response_model=None)
def upload(request: Request, who: CallerDep, session: Db, actor: Actor, application_id: RecordId,
           file: Annotated[UploadFile | None, File()] = None,
           kind: Annotated[str, Form(max_length=50)] = "") -> Response:
    """One file, as the one of the round's materials the enterprise says it is (``kind``, asked whenever the round
    lists materials), so that a licence never counts as the 申报书."""
    content, problem = b"", None
    if file is not None and file.filename:
        try:
            content = read_material(file)
        except InputError as error:
            problem = error

    def act() -> None:
        application = service.get(session, actor=actor, application_id=application_id)  # out of scope: not found
        require_role(actor, Role.ENTERPRISE, doing="上传材料")  # refused before any word on the form or the file
        if problem is not None:
            problems = list(problem.problems)
        else:
            problems = [] if file is not None and file.filename else [("file", "请选择要上传的文件")]
        opened = rounds.opened_measure(session, application)
        if not kind.strip() and opened is not None and opened.materials:
            problems.append(("kind", "请选择这份文件是哪一项材料"))
        if problems:
            raise InputError(problems)
        assert file is not None and file.filename
        try:
            service.add_material(session, actor=actor, application_id=application_id, filename=file.filename,
                                 content=content, kind=kind.strip() or None)
        except MaterialError as error:
            raise InputError([("file", error.message)]) from None

    return _step(request, who, session, actor, application_id, act, "material", chosen_kind=kind)


@router.post("/applications/{application_id}/materials/{material_id}/remove", response_class=HTMLResponse,
             response_model=None)
def remove_material(request: Request, who: CallerDep, session: Db, actor: Actor, application_id: RecordId,
                    material_id: RecordId) -> Response:
    return _step(request, who, session, actor, application_id,
                 lambda: service.remove_material(session, actor=actor, application_id=application_id,
                                                 material_id=material_id), "remove")


@router.post("/applications/{application_id}/declaration", response_class=HTMLResponse, response_model=None,
             dependencies=role_first(Role.ENTERPRISE, doing="作出申报承诺"))
def declare(request: Request, who: CallerDep, session: Db, actor: Actor, application_id: RecordId,
            form: SentForm) -> Response:
    agreed = form.get("agree") == "yes"

    def act() -> None:
        if not agreed:
            raise InputError([("agree", "请勾选“我已阅读并作出以上承诺”")])
        service.declare(session, actor=actor, application_id=application_id)

    return _step(request, who, session, actor, application_id, act, "declaration")


@router.post("/applications/{application_id}/submit", response_class=HTMLResponse, response_model=None)
def submit(request: Request, who: CallerDep, session: Db, actor: Actor, application_id: RecordId) -> Response:
    return _step(request, who, session, actor, application_id,
                 lambda: run(session, Action.SUBMIT, actor=actor, application_id=application_id), "submit")


@router.post("/applications/{application_id}/withdraw", response_class=HTMLResponse, response_model=None)
def withdraw(request: Request, who: CallerDep, session: Db, actor: Actor, application_id: RecordId) -> Response:
    return _step(request, who, session, actor, application_id,
                 lambda: run(session, Action.WITHDRAW, actor=actor, application_id=application_id), "withdraw")


@router.post("/applications/{application_id}/payee", response_model=None)
@said_beside("bank", "account")
def confirm_payee(request: Request, who: CallerDep, actor: Actor, session: Db, application_id: RecordId,
                  bank: Annotated[str, Form()] = "", account: Annotated[str, Form()] = "",
                  seen: Annotated[str | None, Form(max_length=4, pattern=r"^(-|[0-9]{1,4})$")] = None) -> Response:
    """The enterprise confirms (or changes) its application's account; ``seen`` is the account the page showed
    confirmed (its last four digits, - for none): one confirmed since in another tab is refused (409). The boxes have
    no bound here, nor at the door: one past its bound or with a NUL is said beside it (``payee.checked``), the page
    shown again with what was typed, cut to the bound and without the character."""
    return _step(request, who, session, actor, application_id,
                 lambda: payee.confirm(session, actor=actor, application_id=application_id, bank=bank,
                                       account=account, seen=None if seen is None else seen.strip("-")),
                 "payee", payee_typed={"bank": kept(bank, payee.BANK_MOST),
                                       "account": kept(account, payee.ACCOUNT_MOST)})

"""The enterprise's own page (/me): its profile, its matters, and what it may claim for them."""

import re
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from huiqi import clock
from huiqi.applicants import claims, directory, forms, repository, service, standing
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict, Forbidden, InputError, NotFound
from huiqi.labels import Problem, Refused, field_label, matter_label
from huiqi.models import User
from huiqi.offers import replies
from huiqi.offers import service as offers
from huiqi.public import calculator
from huiqi.public.service import measure_titles
from huiqi.reference import divisions, industries
from huiqi.rounds import service as rounds
from huiqi.rules.facts import CHOICES, FACTS
from huiqi.users import repository as user_rows
from huiqi.users.names import namer
from huiqi.users.roles import ROLE_LABELS, WAY_IN, Role
from huiqi.validation import control_reason, kept
from huiqi.web.deps import Actor, CallerDep, Db, SentForm
from huiqi.web.door import EVERY, said_beside
from huiqi.web.excel import download
from huiqi.web.render import page
from huiqi.web.steps import Refusal, flash, form_step

router = APIRouter(include_in_schema=False)
SHOWN = 200  # what the profile form shows again of a box typed (a name, a code, a sum)
MatterKey = Annotated[str | None, Query(max_length=64, description="要修改的事项编号")]


def _uscc(actor: User) -> str:
    if actor.role == Role.ENTERPRISE and not actor.uscc:
        raise Forbidden("您的企业账号尚未绑定单位（统一社会信用代码），请联系管理员绑定后再使用“本单位”页面")
    if actor.role != Role.ENTERPRISE:
        raise Forbidden(f"“本单位”页面只供企业用户使用；{ROLE_LABELS.get(actor.role, actor.role)}"
                        f"{WAY_IN.get(actor.role, '请从上方导航进入')}")
    return actor.uscc


def _me(request: Request, who: CallerDep, session: Db, actor: User, status_code: int = 200,
        **context: Any) -> HTMLResponse:
    """The page, with whatever the forms hold (kept when a save is refused)."""
    uscc = _uscc(actor)
    applicant = repository.by_uscc(session, uscc)
    profile = repository.current_profile(session, applicant.id) if applicant else None
    matters = repository.matters(session, applicant.id) if applicant else []
    found = claims.of(session, actor=actor, uscc=uscc)
    editing = context.pop("editing", None)
    mine, codes = offers.mine(session, actor=actor), catalogue.codes(session)
    titles = measure_titles(session)
    fieldset = calculator.matter_context(codes, catalogue.published(session))
    order = forms.matter_form_order(f for f in fieldset["needs"] if f in FACTS)  # as _matter.html shows them
    return page(request, "applicants/me.html", who, status_code=status_code, uscc=uscc, profile=profile, offers=mine,
                offer_states=offers.STATE_LABELS,
                offer_modes={o.id: offers.mode_of(session, o) for o in mine},
                offer_matters={m.id: matter_label(m.codes, (m.facts or {}).get("level"), m.date) for m in matters},
                offer_rounds={r.id: r.title for r in rounds.listed(session)},
                offer_titles={o.id: titles.get((o.policy_id, o.measure), "") for o in mine}, person=namer(session),
                offer_notes=replies.shown(session, mine, found.answer),
                offer_received={m.id: (m.facts or {}).get("other_support") for m in matters},
                offer_problems=context.pop("offer_problems", []), offer_failed=context.pop("offer_failed", None),
                offer_typed=context.pop("offer_typed", {}),
                versions=len(repository.profiles(session, applicant.id)) if applicant else 0, matters=matters,
                answer=found.answer, claims=found.rows, unreadable=found.unreadable,
                outlook=claims.outlook(found), deductions=claims.deductions,
                applied_text=partial(claims.applied_text, numbers=catalogue.numbers(session)),
                barred=standing.refusal(profile, "提交申报"), corrections=_corrections(session, applicant, uscc),
                profile_form=context.pop("profile_form", forms.profile_values(profile)),
                values=context.pop("values", forms.matter_values(editing)),
                key=context.pop("key", editing.key if editing else forms.fresh_key(matters)),
                editing=editing, seen=context.pop("seen", service.stamp(editing)), i=0, add_next=None, codes=codes,
                choices=CHOICES, facts=FACTS,
                cultivated=directory.cultivated(session, matters),
                deletable={m.id for m in matters
                           if m.source == "declared" and not repository.uses_of_matter(session, m.id)},
                locked={m.id: service.unchangeable(session, m) for m in matters if m.source == "declared"},
                matters_problems=context.pop("matters_problems", []),
                matter_choices=calculator.choices, regions=divisions.divisions(),
                matter_problems=forms.in_page_order(context.pop("matter_problems", []), order), **fieldset,
                classes={c: r["name"] for c, r in industries.industries().items() if r["level"] == "class"},
                **context)


def _corrections(session: Db, applicant: Any, uscc: str) -> list[str]:
    """How each condition recorded against the enterprise is corrected: by itself, when it declared it."""
    if applicant is None:
        return []
    history, names = repository.profiles(session, applicant.id), namer(session)

    def own(login: str) -> bool:
        user = user_rows.by_username(session, login)
        return user is not None and user.role == Role.ENTERPRISE and user.uscc == uscc

    return standing.corrections(history, own=own, person=names)


Carried = Annotated[str, Query(max_length=10, description="政策计算器带来的申报批次、措施（登记事项后据此申报）")]


@router.get("/me", response_class=HTMLResponse)
def me(request: Request, who: CallerDep, session: Db, actor: Actor, matter: MatterKey = None, round: Carried = "",
       measure: Carried = "", apply: Carried = "") -> HTMLResponse:
    editing = None
    if matter:
        applicant = repository.by_uscc(session, _uscc(actor))
        editing = repository.matter(session, applicant.id, matter) if applicant else None
    onward = forms.then(round, measure, apply)
    if editing is None and (onward or any(k.startswith("matters-") for k in request.query_params)):
        return _prefilled(request, who, session, actor, onward)
    # a matter that cannot be changed says why where its form would be, before anything is typed into it
    blocked = service.unchangeable(session, editing) if editing is not None else None
    return _me(request, who, session, actor, editing=editing, blocked=blocked)


def _prefilled(request: Request, who: CallerDep, session: Db, actor: User, then: str) -> HTMLResponse:
    """登记新事项 filled with the matter the calculator computed (the link carries it): checked as the form's save
    checks it, each mistake said beside its field before anything is saved; saved, it leads on to 新建申报."""
    values, left_out = forms.prefill(request.query_params.multi_items())
    applicant = repository.by_uscc(session, _uscc(actor))
    key = forms.fresh_key(repository.matters(session, applicant.id) if applicant else [])
    said: list[tuple[str, str]] = []
    try:
        sent = FormData([("key", key), *((k, v) for k, found in values.items() for v in found)])
        if values:
            service.check_matter(session, _matter_sent(session, sent))
    except InputError as error:
        said = _problems(error, matter=True)
    if left_out:
        said.append(Problem("事项", "链接中有本表没有的项目、过长或含有控制字符的内容，未填入；请核对后填写"))
    return _me(request, who, session, actor, values=values, key=key, matter_problems=said,
               prefilled=bool(values) or left_out, then=then)


@router.get("/me/claims.xlsx")
def claims_export(session: Db, actor: Actor) -> Response:
    """可以申请什么 as a workbook: one row per matter and measure, with what is said of it and what can be done."""
    found = claims.of(session, actor=actor, uscc=_uscc(actor))
    if found.unreadable:
        raise Conflict(f"本单位登记的信息无法按现行规则判断：{found.unreadable}。请修改单位信息或相应的事项后再导出")
    today = clock.today()
    return download(claims.table(session, found, found.answer.as_of if found.answer else today),
                    f"可以申请什么-{today.isoformat()}.xlsx")


def _label(field: str) -> str:
    """A field as 本单位's forms name it: the calculator's label without the calculator's 申报单位· or 事项1· (the
    form is the unit's own, or one matter's)."""
    if field.endswith(".codes"):
        return "事项类别"
    named = calculator.field_label(field.replace("matter.", "matters[0].", 1))
    if named == field or named.startswith("matters["):  # not a fact of the rules: the standing flags, the key
        return field_label(field.rsplit(".", 1)[-1])
    return named.removeprefix("事项1·").removeprefix("申报单位·")


def _problems(error: InputError, matter: bool = False) -> list[tuple[str, str]]:
    """Each problem by its Chinese label, linked to its control (``#f-<name>``): a profile field by its name, a
    matter's by its row-0 field (``matters-0-level``), the matter's key as ``key``."""
    return [Problem(_label(f), r, _field(f, matter)) for f, r in error.problems]


def _field(path: str, matter: bool) -> str:
    if path == "key" or not path:
        return path
    fact = re.split(r"[.\]]", path)[-1] if "." in path else path
    if not matter:
        return fact if path.startswith("applicant.") else ""
    return "matters-0-" + (fact if fact in FACTS or fact == "codes" else "codes")


def _kept_only(form: FormData, matter: bool = False) -> None:
    """Refuse a box holding a character no record keeps (a NUL), beside the box: of the profile form (its 所在市 and
    区县 beside the region's), or of the matter form (``matter``: its row's boxes and its key; the door checks the
    rest)."""
    found = []
    for name, value in form.multi_items():
        if not isinstance(value, str) or name == "csrf_token" or (why := control_reason(value)) is None:
            continue
        if not matter:
            found.append((f"applicant.{'region' if name in ('city', 'district') else name}", why))
        elif name == "key" or name.startswith("matters-0-"):
            found.append(("key" if name == "key" else f"matters[0].{name.removeprefix('matters-0-')}", why))
    if found:
        raise InputError(found)


@router.post("/me/profile", response_class=HTMLResponse, response_model=None)
@said_beside(EVERY)
def save_profile(request: Request, who: CallerDep, session: Db, actor: Actor, form: SentForm) -> Response:
    applicant = repository.by_uscc(session, _uscc(actor))
    before = repository.current_profile(session, applicant.id) if applicant else None
    told: list[str] = []  # what became of the unit's offers
    try:
        _kept_only(form)  # the door leaves every box of this form to it (``said_beside(EVERY)``)
        problems: list[tuple[str, str]] = []  # every mistake of the form at once, not the first alone
        fields = forms.profile_from_form(form, problems)
        if problems:
            try:
                service.check_profile(_uscc(actor), fields)
            except InputError as error:
                problems += error.problems
            raise InputError(problems)
        saved = service.record_profile(session, actor=actor, uscc=_uscc(actor), seen=forms.seen_version(form),
                                       told=told, **fields)
    except (InputError, Conflict) as error:  # what was typed is kept, with the version it was typed on
        said = _problems(error) if isinstance(error, InputError) else [Refused("", error.message)]
        return _me(request, who, session, actor, status_code=error.status_code, profile_problems=said,
                   profile_form={k: kept(str(form.get(k) or ""), SHOWN) for k in form})
    session.commit()
    response = RedirectResponse("/me#profile", status_code=303)
    unchanged = before is not None and saved.version == before.version
    flash(response, "单位信息没有变化，未记新版本" if unchanged
          else "；".join([f"单位信息已保存（第 {saved.version} 版）", *told]))
    return response


@router.post("/me/matters", response_class=HTMLResponse, response_model=None)
@said_beside("matters-0-*", "key")
def save_matter(request: Request, who: CallerDep, session: Db, actor: Actor, form: SentForm) -> Response:
    # the matter's boxes and its key are this form's to refuse beside themselves (a NUL too), kept without it
    values = {k: [kept(str(v), SHOWN) for v in form.getlist(k)] for k in form if k.startswith("matters-0-")}
    editing, edited = _editing(session, actor, form), str(form.get("editing") or "")
    told: list[str] = []  # what became of the matter's offers
    try:
        _kept_only(form, matter=True)
        matter = _matter_sent(session, form)
        if edited and matter["id"] != edited:  # an edit is of that matter: a new key would copy it
            raise InputError([("key", f"修改事项时不能改编号（{edited}）；如要另登记一个事项，请点“改为登记新事项”")])
        saved = service.save_matter(session, actor=actor, uscc=_uscc(actor), matter=matter, new=not edited,
                                    seen=(str(form.get("seen") or "") or None) if edited else None, told=told)
    except InputError as error:
        return _me(request, who, session, actor, status_code=422, matter_problems=_problems(error, matter=True),
                   values=values, key=kept(str(form.get("key") or ""), SHOWN), editing=editing,
                   seen=form.get("seen"), then=forms.then_kept(form))
    except Conflict as error:  # a new matter's key is taken; an edit is refused, with nothing to correct
        taken = error.message.removeprefix("事项编号")  # said under 事项编号: not twice
        said = Refused("", error.message) if edited else Problem(_label("key"), taken, "key")
        return _me(request, who, session, actor, status_code=409, values=values, key=str(form.get("key") or ""),
                   matter_problems=[said], editing=editing, seen=form.get("seen"), then=forms.then_kept(form))
    except NotFound:
        return _me(request, who, session, actor, status_code=409, values=values, key=str(form.get("key") or ""),
                   matter_problems=[("事项", "请先登记单位信息（上方表格），再登记事项")])
    session.commit()
    onward = forms.then_address(str(form.get("then") or ""), saved.key) if not edited else None
    response = RedirectResponse(onward or "/me#matters", status_code=303)
    flash(response, "；".join([f"事项 {saved.key} 已保存", *told,
                              *([forms.then_said(str(form.get("then")))] if onward else [])]))
    return response


def _matter_sent(session: Db, form: FormData) -> dict[str, Any]:
    """The matter a form describes, checked as its save checks it: every mistake at once, the form's own (a sum that
    is not one, the key) and the rules' (a negative sum, a date after today), each said beside its field."""
    problems: list[tuple[str, str]] = []
    matter = forms.matter_from(form, catalogue.codes(session), problems)
    if problems:
        if not any(path == "matter.codes" for path, _ in problems):  # the rules read nothing without its type
            stand_in = {**matter, "id": "m"} if any(path == "key" for path, _ in problems) else matter
            try:
                service.check_matter(session, stand_in)
            except InputError as error:
                problems += [p for p in error.problems if p not in problems]
        raise InputError(problems)
    return matter


def _editing(session: Db, actor: User, form: Any) -> Any:
    """The matter the form was opened to edit (its hidden ``editing``), None for 登记新事项."""
    key = str(form.get("editing") or "")
    applicant = repository.by_uscc(session, _uscc(actor)) if key else None
    return repository.matter(session, applicant.id, key) if applicant else None


@router.post("/me/matters/delete", response_class=HTMLResponse, response_model=None)
def delete_matter(request: Request, who: CallerDep, session: Db, actor: Actor,
                  key: Annotated[str, Form(max_length=64)] = "") -> Response:
    uscc = _uscc(actor)

    def again(refusal: Refusal) -> Response:
        return _me(request, who, session, actor, status_code=refusal.status_code,
                   matters_problems=refusal.shown)

    return form_step(session, lambda: service.delete_matter(session, actor=actor, uscc=uscc, key=key),
                     done="/me#matters", again=again, said=f"事项 {key} 已删除")


# The applicants' directory, for the people who review and oversee (directory.py).
router.add_api_route("/applicants", directory.directory, methods=["GET"], response_class=HTMLResponse,
                     response_model=None)
router.add_api_route("/applicants.xlsx", directory.directory_xlsx, methods=["GET"])
router.add_api_route("/applicants/{uscc}", directory.record, methods=["GET"], response_class=HTMLResponse,
                     response_model=None)

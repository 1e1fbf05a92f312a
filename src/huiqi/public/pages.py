"""The public pages: home, the policy, the calculator, 公示 and the whitelist with download."""

import re
import shutil
import tempfile
from pathlib import Path as TempPath
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.datastructures import FormData

from huiqi import clock
from huiqi.announcements import service as announcements
from huiqi.catalogue import service as catalogue
from huiqi.catalogue import succession
from huiqi.config import get_settings, public_link
from huiqi.departments.contacts import Contact, objection_contacts
from huiqi.errors import InputError, NotFound
from huiqi.labels import Problem, field_label, measure_label
from huiqi.public import calculator, filters, service, shared
from huiqi.public.schemas import PolicyRead
from huiqi.reference import divisions, industries
from huiqi.rounds import service as rounds
from huiqi.rules.case import read_case
from huiqi.rules.facts import CHOICES, FACTS
from huiqi.rules.questions import AdvisedAnswer
from huiqi.validation import FIRST_YEAR, LAST_YEAR, SERIAL_MOST, control_reason, whole_in
from huiqi.web.deps import CallerDep, Db, SentForm
from huiqi.web.door import said_beside
from huiqi.web.excel import Table, download
from huiqi.web.offload import offload
from huiqi.web.pagination import PAGE_SIZE, PageTyped, SizeTyped, lenient
from huiqi.web.render import is_htmx, page
from huiqi.whitelist import basis as whitelist_basis
from huiqi.whitelist import service as whitelist

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, who: CallerDep, session: Db) -> HTMLResponse:
    today = clock.today()
    batches = announcements.public_listing(session)
    return page(request, "public/home.html", who, policies=_current_first([service.read(p, today)
                                                                           for p in service.policies(session)]),
                rounds=[rounds.read(session, r, today) for r in rounds.open_now(session, today)],
                batches=[b for b in batches if b.entries][:3],  # 最新公示: a batch withdrawn has none to show
                batch_count=len(batches), versions=whitelist.published_versions(session),
                today=today)


@router.get("/policy", response_class=HTMLResponse)
def policy(request: Request, who: CallerDep, session: Db) -> HTMLResponse:
    today = clock.today()
    return page(request, "public/policy.html", who,
                policies=_current_first([service.detail(p, today) for p in service.policies(session)]),
                cited=succession.predecessors(session))


Shown = TypeVar("Shown", bound=PolicyRead)


def _current_first(policies: list[Shown]) -> list[Shown]:
    """The policies as the public reads them: those in force first, the newest issued first; the expired after."""
    return sorted(policies, key=lambda p: (p.expired, -p.issued.toordinal()))


def _calculator(request: Request, who: CallerDep, session: Db, status_code: int = 200, **context) -> HTMLResponse:
    codes = catalogue.codes(session)
    form_context = {
        "codes": codes, "choices": CHOICES, "facts": FACTS, "classes": {c: r["name"] for c, r in
                                                                         industries.industries().items()
                                                                         if r["level"] == "class"},
        "matter_choices": calculator.choices, **calculator.matter_context(codes, service.policies(session)),
    }
    fragment = is_htmx(request) and request.method == "POST"
    name = "public/_calculator_result.html" if fragment else "public/calculator.html"
    return page(request, name, who, status_code=status_code, oob=fragment, **form_context, **context)


def _values(form: FormData) -> dict[str, list[str]]:
    """The form's values to show again: a field answered twice (in the form, and in the answer's question box)
    keeps what was given."""
    return {k: [calculator.shown(v) for v in form.getlist(k) if v.strip()] or [""] for k in form if k != "csrf_token"}


@router.get("/calculator", response_class=HTMLResponse)
def calculator_form(request: Request, who: CallerDep, session: Db) -> HTMLResponse:
    return _calculator(request, who, session, values={}, rows=[0])


def _answer(request: Request, form: FormData, session: Db) -> tuple[dict, AdvisedAnswer]:
    """The case a calculator form describes and its answer (a large case in a match process); InputError if bad."""
    unkept = calculator.unkept(form)  # a control character pasted in, said beside its field (``said_beside``)
    problems: list[tuple[str, str]] = []  # every mistake of the form at once, not the first alone
    data = calculator.case_from_form(form, catalogue.codes(session), problems)
    try:
        case = read_case(data, catalogue.codes(session))
    except InputError as error:
        said = calculator.beside_unkept(unkept, problems + error.problems)
        raise InputError(calculator.in_form_order(said, form)) from None
    day = case.as_of or clock.today()
    problems += calculator.impossible_days(case, day, service.policies(session))
    if problems or unkept:
        raise InputError(calculator.in_form_order(calculator.beside_unkept(unkept, problems), form))
    if len(case.matters) > get_settings().match_inline_matters:
        texts = catalogue.published_texts(session)
        return data, offload(request).run(service.answer_sent, case.model_dump_json(), day, texts)
    return data, service.answer(case, day, service.policies(session))


def _refused(request: Request, who: CallerDep, form: FormData, error: InputError, session: Db) -> HTMLResponse:
    values = _values(form)
    problems = [Problem(calculator.field_label(f, form), r, calculator.form_field(f, form)) for f, r in error.problems]
    return _calculator(request, who, session, values=values, rows=calculator.matter_rows(form), problems=problems,
                       status_code=422)


CALCULATOR_FIELDS = ("applicant-*", "matters-*", "as_of")  # said beside themselves, the form kept (``_answer``)


@router.post("/calculator", response_class=HTMLResponse)
@said_beside(*CALCULATOR_FIELDS)
def calculator_run(request: Request, who: CallerDep, form: SentForm, session: Db) -> HTMLResponse:
    rows = calculator.matter_rows(form)
    if form.get("add_row") and len(rows) < calculator.MAX_MATTERS:  # without script: the form again, a row more
        return _calculator(request, who, session, values=_values(form), rows=[*rows, max(rows) + 1])
    try:
        data, answer = _answer(request, form, session)
    except InputError as error:
        return _refused(request, who, form, error, session)
    values = _values(form)
    return _calculator(request, who, session, values=values, rows=calculator.matter_rows(form), answer=answer,
                       case=data, fields=calculator.field_names(form), open_rounds=rounds.open_by_measure(session),
                       register={m["id"]: calculator.register_query(form, m["id"]) for m in data["matters"]},
                       direct=rounds.direct_measures(session),
                       changes={(c.matter, c.measure, c.policy): c for c in answer.changes})


@router.post("/calculator/share", response_class=HTMLResponse)
@said_beside(*CALCULATOR_FIELDS)
def calculator_share(request: Request, who: CallerDep, form: SentForm, session: Db) -> Response:
    """Share the answer of the form: computed here again and stored; a link that carries no fact."""
    try:
        _, answer = _answer(request, form, session)
    except InputError as error:
        return _refused(request, who, form, error, session)
    share_id = shared.save(answer)
    link = f"/calculator/shared/{share_id}"
    if is_htmx(request):
        return page(request, "public/_share_link.html", who, link=public_link(link),
                    days=get_settings().share_days)
    return RedirectResponse(link, status_code=303)


@router.get("/calculator/shared/{share_id}", response_class=HTMLResponse)
def calculator_shared(request: Request, who: CallerDep,
                      share_id: Annotated[str, Path(min_length=1, max_length=64)]) -> HTMLResponse:
    answer, created, until = shared.load(share_id)
    return page(request, "public/shared.html", who, answer=answer, created=created, until=until)


ROW_LABEL = "事项序号"  # the calculator's matter row (``i``), as a refusal names it


@router.get("/calculator/matter", response_class=HTMLResponse)
@said_beside("i", "add")
def calculator_matter(request: Request, who: CallerDep, session: Db,
                      i: Annotated[str | None, Query(description="事项序号，0 至 29；无效时说明，不添加")] = None,
                      add: Annotated[str | None, Query(description="true：同时给出下一个“再添一个事项”按钮")] = None,
                      ) -> HTMLResponse:
    """One matter's fieldset: a new row (HTMX adds it below the others), every field marked with the types that
    need it; its values as a link carries them, without what no case keeps. A row number that is none (a word, a NUL,
    past the last row) adds no row: a short note says so where the row would go (422)."""
    row = whole_in(i, 0, calculator.MAX_MATTERS - 1) if i and i.strip() else 0
    if row is None:
        said = control_reason(i or "") or f"应为 0 至 {calculator.MAX_MATTERS - 1} 之间的整数"
        return page(request, "_refused.html", who, status_code=422, id="matter-refused",
                    said=f"未能添加事项：{ROW_LABEL}{said}，请刷新页面后再添加。")
    values = {k: [calculator.shown(v) for v in request.query_params.getlist(k)]
              for k in request.query_params if k.startswith(f"matters-{row}-")}
    i, add_next = row, row + 1 if (add or "").strip().lower() in ("true", "1", "on", "yes") else None
    codes = catalogue.codes(session)
    return page(request, "public/_matter.html", who, i=i, values=values, add_next=add_next,
                codes=codes, choices=CHOICES, facts=FACTS, matter_choices=calculator.choices,
                **calculator.matter_context(codes, service.policies(session)))


FieldName = Annotated[str | None, Query(description="表单中选择框的名称：小写字母、下划线或连字符，不超过 40 个字符")]
FIELD_NAME = re.compile(r"[a-z_-]{1,40}")


@router.get("/districts", response_class=HTMLResponse)
@said_beside("district_field", "city_field")
def districts(request: Request, who: CallerDep, district_field: FieldName = None,
              city_field: FieldName = None) -> HTMLResponse:
    """A form's district select for the city chosen in it (``?district_field=region&city_field=city&city=210100``:
    the city select sends its own value under its name), for HTMX to put in place of the old one. A select's name no
    form of ours has (missing, a NUL, another character) is not written into the page: a note says so instead (422)."""
    named = {"district_field": district_field or "", "city_field": city_field or ""}
    if wrong := next((name for name, given in named.items() if not FIELD_NAME.fullmatch(given)), None):
        return page(request, "_refused.html", who, status_code=422, id="districts-refused",
                    said=f"未能列出区县：{field_label(wrong)}选择框的名称有误，请刷新页面后再选择。")
    chosen = request.query_params.get(named["city_field"], "")
    return page(request, "_district.html", who, field=named["district_field"], city=divisions.region_city(chosen))


WORD_MOST = 50  # a search box's bound (its maxlength)
BATCHES_PER_PAGE = 20
ANNOUNCEMENT_FILTERS = ("q", "year")  # said beside their boxes, on the page and by its download (``filters``)


def _announcement_filters(q: str | None, year: str | None) -> tuple[str, int | None, list[Problem]]:
    """公示's search box and 年度 as kept (``filters.kept_filter``, ``filters.kept_whole``), and why any cannot be."""
    problems: list[Problem] = []
    word = filters.kept_filter(problems, "q", "查找单位", q, WORD_MOST)
    return word, filters.kept_whole(problems, "year", "年度", year, FIRST_YEAR, LAST_YEAR), problems


@router.get("/announcements", response_class=HTMLResponse)
@said_beside(*ANNOUNCEMENT_FILTERS, "page")
def announcements_page(request: Request, who: CallerDep, session: Db, q: filters.Typed = None,
                       year: filters.Typed = None, number: PageTyped = None) -> HTMLResponse:
    """Every 公示, newest first, found by a unit's name or credit code and by year; a filter that cannot be kept
    as typed is said beside its box, the text kept, and nothing listed (a list unnarrowed would read as found); a page
    number that is none shows the first page, said in a note."""
    q, chosen, problems = _announcement_filters(q, year)
    every = announcements.public_listing(session)
    found = [] if problems else announcements.narrowed(every, q, chosen)
    pager, paged = lenient(number, None)
    pager.size = BATCHES_PER_PAGE
    given = {k: v for k, v in (("q", q), ("year", chosen)) if v}

    def link(n: int) -> str:
        return "/announcements?" + urlencode({**given, "page": n})

    return page(request, "public/announcements.html", who, batches=pager.slice(found), total=len(found), pager=pager,
                link=link, q=q or "", year=chosen, paged=paged,
                years=sorted({b.starts_on.year for b in every} | ({chosen} if chosen else set()), reverse=True),
                query=f"?{urlencode(given)}" if given else "", narrowed=bool(given),
                titles=service.measure_titles(session), today=clock.today(), contacts=objection_contacts(session),
                call=objections_call, problems=problems, status_code=422 if problems else 200)


def _objections_to(batch: announcements.PublicBatch, contacts: dict[str, Contact]) -> str:
    """Where objections to a batch go, as the page says it: the department, with its phone, address and mail as far
    as they are filled in (none: 请向该单位提出); without its phone, whom to call (``objections_call``)."""
    if not batch.department:
        return ""
    contact = contacts.get(batch.department)
    said = [f"{label} {value}" for label, value in (("电话", contact and contact.phone),
                                                    ("地址", contact and contact.address),
                                                    ("邮箱", contact and contact.mail)) if value]
    where = " · ".join([batch.department, *said]) if said else f"请向{batch.department}提出"
    call = "" if contact and contact.phone else objections_call(batch)
    return f"{where}；{call}" if call else where


def objections_call(batch: announcements.PublicBatch) -> str:
    """Whom to call about an objection when the department's own phone is not recorded: the 咨询电话 of the batch's
    rounds, else the platform's own contact (HUIQI_CONTACT), else no one."""
    if batch.phones:
        return f"咨询电话：{'、'.join(batch.phones)}"
    contact = get_settings().contact.strip()
    return f"本平台联系方式：{contact}" if contact else ""


def _returned(batch: announcements.PublicBatch) -> str:
    """What the page says of a batch's applications sent back to review on an objection."""
    if not batch.returned:
        return ""
    if batch.entries:
        return f"另有 {batch.returned} 项因收到异议已退回复核"
    return f"{batch.returned} 项因收到异议已全部退回复核，本批公示已撤回"


@router.get("/announcements.xlsx")
@said_beside(*ANNOUNCEMENT_FILTERS)
def announcements_download(request: Request, who: CallerDep, session: Db, q: filters.Typed = None,
                           year: filters.Typed = None) -> Response:
    """Every 公示 on the page (as narrowed there), one row per item, for whoever wants to check or keep it (public,
    no sign-in): each batch's standing (公示中, 已结束, 已撤回) and where objections go, as the page shows them; a
    batch withdrawn (every item sent back to review on an objection) is one row saying so. A filter that cannot be
    kept: no workbook, the page saying why and leading back (``filters.refused_download``)."""
    q, year_, problems = _announcement_filters(q, year)
    if problems:
        kept = {k: v for k, v in (("q", q), ("year", year_)) if v}
        return filters.refused_download(request, who, problems, "/announcements" + (f"?{urlencode(kept)}" if kept
                                                                                    else ""), "公示")
    titles, numbers, today = service.measure_titles(session), catalogue.numbers(session), clock.today()
    rows, contacts = [], objection_contacts(session)
    for b in announcements.narrowed(announcements.public_listing(session), q, year_):
        batch = [b.id, b.title, b.department or "", b.starts_on, b.ends_on, b.working_days,
                 b.period(today) if b.entries else "已撤回", _returned(b),
                 _objections_to(b, contacts) if b.entries else ""]
        rows += [[*batch, e.applicant, e.uscc, numbers.get(e.policy_id, e.policy_id),
                  measure_label(e.measure, titles.get((e.policy_id, e.measure))), e.matter, e.amount_proposed,
                  b.status_of(e, today)] for e in b.entries] or [[*batch, "", "", "", "", "", None, ""]]
    said = "；".join(f"{k}：{v}" for k, v in (("年度", year_), ("单位名称或信用代码含", q)) if v)
    header = ["公示编号", "公示标题", "发布单位", "开始日期", "截止日期", "工作日数", "公示状态", "异议退回复核",
              "异议受理", "申报单位", "统一社会信用代码", "政策", "措施", "支持事项", "拟支持金额", "状态"]
    table = Table(f"公示（{said}）" if said else "公示（全部）", header, rows, money={"拟支持金额"},
                  wide={"公示标题", "异议退回复核", "异议受理", "支持事项"})
    return download(table, f"公示-{today.isoformat()}.xlsx")


CITY_MOST = 10  # a city's code, as the 所在市 select sends it


@router.get("/whitelist", response_class=HTMLResponse)
@said_beside("version", "q", "city", "page", "size")
def whitelist_page(request: Request, who: CallerDep, session: Db, version: filters.Typed = None,
                   q: filters.Typed = None, city: filters.Typed = None, number: PageTyped = None,
                   size: SizeTyped = None) -> HTMLResponse:
    """A published version a page at a time (the newest unless ``version`` names another), found by name or credit
    code and by city; the download is the whole version. A filter that cannot be kept as typed, a city the select does
    not offer or a version not published is said beside its control, nothing listed; a page number or size that is
    none shows the first page, 50 a page, said in a note."""
    problems: list[Problem] = []
    edition = filters.kept_whole(problems, "version", "白名单版本", version, 1, SERIAL_MOST)
    q = filters.kept_filter(problems, "q", "查找企业", q, WORD_MOST)
    city = filters.kept_filter(problems, "city", "所在市", city, CITY_MOST)
    if city and city not in divisions.cities() and not any(p.field == "city" for p in problems):
        problems.append(Problem("所在市", "请从列表中选择", "city"))  # a value the select does not offer
    versions = whitelist.published_versions(session)
    if edition is not None and versions and edition not in {v.edition for v in versions}:
        problems.append(Problem("白名单版本", f"没有已发布的第 {edition} 版", "version"))
        edition = None
    chosen = whitelist.published_edition(session, edition=edition or versions[-1].edition or 0) if versions else None
    pager, paged = lenient(number, size)
    problems = problems if chosen else []  # no version yet: no list, and no filter form to say it beside
    entries, total = whitelist.listed(session, version_id=chosen.id, word=q, city=city, offset=pager.offset,
                                      limit=pager.size) if chosen and not problems else ([], 0)
    given = {k: v for k, v in (("version", edition), ("q", q), ("city", city)) if v}
    sized = {"size": pager.size} if pager.size != PAGE_SIZE else {}

    def link(n: int) -> str:
        return "/whitelist?" + urlencode({**given, **sized, "page": n})

    # the basis the version shown was compiled under, as recorded then, and whether it is still in force; with no
    # version yet, the measure serving today
    today = clock.today()
    basis = None if chosen else whitelist.criteria(session, today)
    grounds = whitelist_basis.said(session, chosen, today) if chosen else ""
    return page(request, "public/whitelist.html", who, versions=versions, chosen=chosen, entries=entries,
                total=total, listed=whitelist.listed_count(session, version_id=chosen.id) if chosen else 0,
                pager=pager, link=link, q=q or "", city=city or "", version=edition, cities=divisions.cities(),
                narrowed=bool(q or city), classes=industries.industries(), basis=basis, grounds=grounds,
                size=sized.get("size"), paged=paged, problems=problems, status_code=422 if problems else 200)


@router.get("/whitelist/{number}.xlsx", response_model=None)
@said_beside("number")
def whitelist_download(request: Request, who: CallerDep, session: Db,
                       number: Annotated[str, Path(description="版本号（第 N 版）")]) -> Response:
    """A published version whole, as a workbook; one that is not a version number, or not published, answers a short
    page saying which (``filters.refused_download``), with the way back to the list, and no workbook."""
    edition = whole_in(number, 1, SERIAL_MOST)
    if edition is None:
        said = control_reason(number) or f"应为 1 至 {SERIAL_MOST} 之间的整数"
        return filters.refused_download(request, who, [Problem("白名单版本", said, "version")], "/whitelist", "白名单")
    try:
        version = whitelist.published_edition(session, edition=edition)
    except NotFound:
        missing = Problem("白名单版本", f"没有已发布的第 {edition} 版", "version")
        return filters.refused_download(request, who, [missing], "/whitelist", "白名单", status_code=404)
    folder = TempPath(tempfile.mkdtemp(prefix="huiqi-whitelist-"))
    path = whitelist.export_xlsx(session, version_id=version.id, path=folder / f"whitelist-v{edition}.xlsx")
    return FileResponse(path, filename=f"{whitelist.named(session, version)}-第{edition}版.xlsx",
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))

"""Growth files: which enterprises are under cultivation (they hold a recognition measure 3 supports:
专精特新中小企业, 专精特新"小巨人", 制造业单项冠军), their yearly figures and their recognitions over time."""


from dataclasses import dataclass

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import repository as applicants
from huiqi.applicants.service import get_applicant, listed
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.departments.service import lead_unit
from huiqi.errors import Forbidden, InputError, NotFound
from huiqi.growth import repository
from huiqi.growth.schemas import MAX_EMPLOYEES, Figures, GrowthFile, Recognition
from huiqi.models import Department, GrowthFigure, Matter, User
from huiqi.money import MAX_YUAN
from huiqi.rules.policy import Measure
from huiqi.users.roles import ROLE_LABELS, Role
from huiqi.users.scope import require_uscc
from huiqi.validation import collect


def _measure(session: Session) -> Measure:
    """The measure the growth files are for, as the policy in force says (``serves: [growth_files]``)."""
    found = catalogue.serving(session, "growth_files")
    if found is None:
        raise catalogue.unserved(session, "growth_files", "成长档案")
    return found[1]


def cultivation_codes(session: Session) -> set[str]:
    """The recognitions the growth files' measure supports, read from the policy's rules."""
    return {code for rule in _measure(session).rules for code in rule.reaches}


def is_cultivated(session: Session, matters: list[Matter], codes: set[str] | None = None) -> bool:
    codes = cultivation_codes(session) if codes is None else codes
    return any(set(m.codes) & codes for m in matters)


def require_keeper(session: Session, actor: User, uscc: str) -> None:
    """The enterprise itself, an admin, or a reviewer of measure 3's lead unit keeps the file; anyone else is refused,
    told who keeps it."""
    require_uscc(actor, uscc, doing="维护成长档案")
    if actor.role in (Role.ENTERPRISE, Role.ADMIN, Role.SYSTEM):
        return
    if not _is_keeper(session, actor):
        measure = _measure(session)
        lead = lead_unit(measure, clock.today())
        raise Forbidden(f"{ROLE_LABELS.get(actor.role, actor.role)}无权维护成长档案（由企业本身、措施{measure.number}的"
                        f"牵头单位{lead}或管理员维护）")


def _is_keeper(session: Session, actor: User) -> bool:
    """A reviewer of measure 3's lead unit: it keeps the files of every cultivated enterprise."""
    unit = session.get(Department, actor.department_id) if actor.role == Role.DEPARTMENT else None
    return unit is not None and unit.name == lead_unit(_measure(session), clock.today())


def _money(name: str, value: int | None, allow_negative: bool = False) -> int | None:
    low = -MAX_YUAN if allow_negative else 0
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_YUAN):
        raise InputError([(name, "应为整数（元）" + ("" if allow_negative else "，且不小于 0"))])
    return value


FIRST_YEAR = 2000


def last_year() -> int:
    """The latest year whose figures may be recorded: the last one ended (by the clock)."""
    return clock.today().year - 1


def year_problem(year: int) -> str | None:
    """What is wrong with a year of figures, if anything: a year's figures are its whole year's, so the year must
    have ended (the current one's are recorded from next January: a part year against a whole one is no growth)."""
    if not FIRST_YEAR <= year <= last_year():
        return (f"应在 {FIRST_YEAR} 至 {last_year()} 之间：一年的数据在该年结束后填报"
                f"（{last_year() + 1} 年度的数据 {last_year() + 2} 年 1 月 1 日起可填）")
    return None


EMPLOYEES_SAID = f"应为 0 至 {MAX_EMPLOYEES:,} 之间的整数"


def employees_problem(employees: int | None) -> str | None:
    """What is wrong with a head count, if anything (the API's schema holds the same bound)."""
    if employees is not None and (isinstance(employees, bool) or not isinstance(employees, int)
                                  or not 0 <= employees <= MAX_EMPLOYEES):
        return EMPLOYEES_SAID
    return None


def record_figures(session: Session, *, actor: User, uscc: str, year: int, revenue: int | None = None,
                   rnd_spending: int | None = None, profit: int | None = None,
                   employees: int | None = None) -> GrowthFigure:
    """Record (or correct) one year's figures of a cultivated enterprise; the change is audited."""
    require_keeper(session, actor, uscc)
    applicant = applicants.by_uscc(session, uscc)
    cultivated = applicant is not None and is_cultivated(session, applicants.matters(session, applicant.id))
    if applicant is None or (not cultivated and actor.role != Role.ENTERPRISE):
        raise NotFound("没有这家培育企业的成长档案（或无权查看）")  # a keeper's scope: the cultivated firms
    if not cultivated:
        raise InputError([("uscc", "该单位没有专精特新、小巨人或单项冠军认定，不在培育之列")])
    problems: list[tuple[str, str]] = []  # every mistake at once
    if wrong := year_problem(year):
        problems.append(("year", wrong))
    values = {"revenue": collect(problems, _money, "revenue", revenue),
              "rnd_spending": collect(problems, _money, "rnd_spending", rnd_spending),
              "profit": collect(problems, _money, "profit", profit, allow_negative=True), "employees": employees}
    if wrong := employees_problem(employees):
        problems.append(("employees", wrong))
    if not problems and all(value is None for value in values.values()):
        problems.append(("revenue", "请至少填写一项：营业收入、研发投入、利润总额或从业人数"))
    if problems:
        raise InputError(problems)
    row = repository.figure(session, applicant.id, year, lock=True)
    before = Figures.model_validate(row).model_dump() if row else None
    if row is None:
        row = GrowthFigure(applicant_id=applicant.id, year=year, recorded_by=actor.username, **values)
        repository.add(session, row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
        row.recorded_by = actor.username
        session.flush()
    audit.record(session, actor=actor.username, action="growth.figures", entity="applicant", entity_id=uscc,
                 before=before, after={"year": year, **values})
    return row


def growth_file(session: Session, *, actor: User, uscc: str) -> GrowthFile:
    """The growth file of one enterprise: figures by year, recognitions by date, grants received. Measure 3's lead
    unit keeps every cultivated enterprise's file, so it reads them all, as it lists them."""
    if _is_keeper(session, actor):
        applicant = applicants.by_uscc(session, uscc)
        if applicant is None or not is_cultivated(session, applicants.matters(session, applicant.id)):
            raise NotFound("没有这家培育企业的成长档案")
        history = applicants.profiles(session, applicant.id)
    else:
        applicant, history = get_applicant(session, actor=actor, uscc=uscc)
    labels = catalogue.codes(session)
    matters = applicants.matters(session, applicant.id)
    recognitions = [Recognition(matter=m.key, code=code, label=labels[code].label if code in labels else code,
                                level=m.facts.get("level"), date=m.date)
                    for m in matters if m.type == "honour" for code in m.codes]
    recognitions.sort(key=lambda r: (r.date is None, r.date, r.code))
    return GrowthFile(
        uscc=uscc, name=history[-1].name if history else None,
        figures=[Figures.model_validate(f) for f in repository.figures(session, applicant.id)],
        recognitions=recognitions,
        grants=[{"policy": g.policy_id, "measure": g.measure, "amount": g.amount, "approved_on": g.approved_on}
                for g in repository.grants(session, applicant.id)],
    )


def cultivated(session: Session, *, actor: User) -> list[str]:
    """The USCCs of enterprises under cultivation that the actor may see."""
    found = []
    rows = applicants.current_profiles(session) if _is_keeper(session, actor) else listed(session, actor=actor)
    codes = cultivation_codes(session)  # once per listing, not once per applicant
    for applicant, _ in rows:
        if is_cultivated(session, applicants.matters(session, applicant.id), codes):
            found.append(applicant.uscc)
    return found


def keeper(session: Session) -> str:
    """Who keeps every growth file, as people say it: 省工业和信息化厅（措施3的牵头单位）."""
    measure = _measure(session)
    return f"{lead_unit(measure, clock.today())}（措施{measure.number}的牵头单位）"


def may_write(session: Session, actor: User, uscc: str) -> bool:
    """Whether ``actor`` may record this enterprise's figures (the page shows the form to those who may)."""
    try:
        require_keeper(session, actor, uscc)
    except (Forbidden, NotFound):
        return False
    applicant = applicants.by_uscc(session, uscc)
    return applicant is not None and is_cultivated(session, applicants.matters(session, applicant.id))


@dataclass(frozen=True)
class Overview:
    """One line of the list of cultivated enterprises."""

    uscc: str
    name: str | None
    region: str | None
    recognitions: list[Recognition]  # the cultivation ones (专精特新, 小巨人, 单项冠军), by date
    latest: Figures | None  # the latest year's figures
    growth: float | None  # the latest year's revenue against the year before's, as a share (0.12 = 12%)
    granted: int  # the grants received, in yuan


def overview(session: Session, *, actor: User) -> list[Overview]:
    """The cultivated enterprises the actor may see, each with its recognitions, latest figures and grants."""
    codes = cultivation_codes(session)
    found = []
    for uscc in cultivated(session, actor=actor):
        file = growth_file(session, actor=actor, uscc=uscc)
        profile = applicants.current_profile(session, applicants.by_uscc(session, uscc).id)
        found.append(Overview(uscc, file.name, profile.region if profile else None,
                              [r for r in file.recognitions if r.code in codes],
                              file.figures[-1] if file.figures else None, revenue_growth(file.figures),
                              sum(g["amount"] for g in file.grants)))
    return found


def revenue_growth(figures: list[Figures]) -> float | None:
    """The latest year's revenue against the year before's (None without both years, or a zero base).

    >>> revenue_growth([Figures(year=2023, revenue=100, rnd_spending=None, profit=None, employees=None),
    ...                 Figures(year=2024, revenue=112, rnd_spending=None, profit=None, employees=None)])
    0.12
    """
    if len(figures) < 2:
        return None
    last, before = figures[-1], figures[-2]
    if last.year != before.year + 1 or not before.revenue or last.revenue is None:
        return None
    return round((last.revenue - before.revenue) / before.revenue, 4)

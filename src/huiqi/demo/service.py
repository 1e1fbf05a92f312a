"""Fill a fresh database with the demo: departments from the policy, users for every role,
twelve synthetic enterprises, applications in every state, budgets, a whitelist, growth files.

Every step goes through the services, so the demo's audit trail is as real as any other.
("submitted" is passed through on the way to a review: the system routes a submission at once.)
Each step is recorded on the day the story gives it, and so is each moment (``clock.stamped``): a submission of
2025-09-01 reads as made that day, and nothing reads as made after the demo's "today".
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import service as applicants
from huiqi.applications import payee
from huiqi.applications import service as applications
from huiqi.catalogue import service as catalogue
from huiqi.demo import data
from huiqi.demo.data import DemoEnterprise
from huiqi.departments import service as departments
from huiqi.errors import Conflict
from huiqi.funding import service as funding
from huiqi.growth import service as growth
from huiqi.models import Applicant, Application, PolicyVersion, Round, User
from huiqi.ratings import service as ratings
from huiqi.recognition import service as lists
from huiqi.reference import divisions
from huiqi.rounds import editing, opening
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from huiqi.whitelist import service as whitelist
from huiqi.workflow.runner import run
from huiqi.workflow.states import Action, State

PDF = (b"%PDF-1.4\n% huiqi demo material: synthetic, not a real document\n1 0 obj <</Type/Catalog>> endobj\n"
       b"trailer <</Root 1 0 R>>\nstartxref\n0\n%%EOF\n")


def _policy(session: Session) -> str:
    """The policy the demo's enterprises apply under: the oldest in the catalogue (the shipped 辽政办〔2022〕35号)."""
    return catalogue.published(session)[0].id


@dataclass
class Cast:
    """The demo's users, by what they are bound to."""

    password: str
    admin: User
    finance: User
    auditor: User
    analyst: User
    cities: dict[str, User] = field(default_factory=dict)
    departments: dict[int, User] = field(default_factory=dict)
    enterprises: dict[str, User] = field(default_factory=dict)


def _user(session: Session, username: str, name: str, role: str, password: str, **binding) -> User:
    return users.create_user(session, actor=SYSTEM, username=username, display_name=name, role=role,
                             password=password, **binding)


def _cast(session: Session, password: str) -> Cast:
    """The demo's people, given their accounts when the system was set up (``data.SET_UP``)."""
    with clock.pinned(data.SET_UP):
        cast = Cast(password=password, admin=_user(session, "admin", "系统管理员（演示）", "admin", password),
                    finance=_user(session, "finance", "省财政厅经办人（演示）", "finance", password),
                    auditor=_user(session, "auditor", "审计人员（演示）", "auditor", password),
                    analyst=_user(session, "analyst", "政策分析人员（演示）", "analyst", password))
        for code, name in divisions.cities().items():
            cast.cities[code] = _user(session, f"city-{code}", f"{name}初审人员（演示）", "city", password,
                                      region=code)
    for i, unit in enumerate(departments.sync(session, policies=catalogue.published(session)), start=1):
        # a unit since replaced in a reorganisation had its reviewer while it existed (the demo's history is theirs)
        existed = min(data.SET_UP, unit.until - timedelta(days=1)) if unit.until else data.SET_UP
        with clock.pinned(existed):
            cast.departments[unit.id] = _user(session, f"dept-{i:02d}", f"{unit.name}审核人员（演示）", "department",
                                              password, department=unit.name)
    with clock.pinned(data.SET_UP):
        for i, firm in enumerate(data.ENTERPRISES, start=1):
            cast.enterprises[firm.body] = _user(session, f"ent-{i:02d}", f"{firm.name}经办人", "enterprise",
                                                password, uscc=firm.uscc)
    return cast


def _enterprise(session: Session, cast: Cast, firm: DemoEnterprise) -> None:
    """The enterprise's registration when the system was set up: its profile, its matter, its growth figures."""
    with clock.pinned(data.SET_UP):
        _registration(session, cast, firm)


def _registration(session: Session, cast: Cast, firm: DemoEnterprise) -> None:
    who = cast.enterprises[firm.body]
    applicants.record_profile(session, actor=who, uscc=firm.uscc, demo=True, name=firm.name, kind="enterprise",
                              region=firm.region, industry=firm.industry, size="small", **_registered(firm))
    applicants.save_matter(session, actor=who, uscc=firm.uscc, matter=firm.matter)
    for year, (revenue, rnd, profit, employees) in data.GROWTH.get(firm.body, {}).items():
        growth.record_figures(session, actor=who, uscc=firm.uscc, year=year, revenue=revenue, rnd_spending=rnd,
                              profit=profit, employees=employees)


def _registered(firm: DemoEnterprise) -> dict:
    """The standing the enterprise registered with: a bad credit record is found by the review, after submission."""
    return data.GOOD_STANDING if firm.standing.get("bad_credit") else firm.standing


def _draft(session: Session, cast: Cast, firm: DemoEnterprise, round_id: int) -> Application:
    who = cast.enterprises[firm.body]
    with clock.pinned(data.SUBMITTED):
        draft = applications.create_draft(session, actor=who, uscc=firm.uscc, matter_key=firm.matter["id"],
                                          round_id=round_id, measure=firm.measure, amount_requested=firm.amount)
        applications.add_material(session, actor=who, application_id=draft.id, filename="申报书（演示）.pdf",
                                  content=PDF)
        applications.declare(session, actor=who, application_id=draft.id)
        if firm.goal != "draft":  # every application past draft can be paid: its enterprise confirmed the account
            bank, account = firm.payee
            payee.confirm(session, actor=who, application_id=draft.id, bank=bank, account=account)
    return draft


def _step(session: Session, day: date, action: Action, actor: User, app: Application, **params) -> None:
    """Take a workflow step as it happened on ``day`` (the demo's history is dated in 2025)."""
    with clock.pinned(day):
        run(session, action, actor=actor, application_id=app.id, application_ids=[app.id], **params)


def _reviewers(cast: Cast, app: Application) -> tuple[User | None, User]:
    return cast.cities.get(app.city), cast.departments[app.department_id]


def _to_department(session: Session, cast: Cast, app: Application) -> User:
    city, unit = _reviewers(cast, app)
    if app.state == State.CITY_REVIEW:
        _step(session, data.CITY_PASSED, Action.PASS_CITY, city, app)
    return unit


def _advance(session: Session, cast: Cast, firm: DemoEnterprise, app: Application) -> bool:
    """Take the application as far as the enterprise's goal; True when it waits for a 公示 batch."""
    goal, city = firm.goal, _reviewers(cast, app)[0]
    if goal == "city_review":
        return False
    if goal in ("returned", "rejected"):
        actor = city if app.state == State.CITY_REVIEW else _reviewers(cast, app)[1]
        step = Action.RETURN if goal == "returned" else Action.REJECT
        reasons = "（演示）申报书缺少项目验收报告，请补充后重新提交" if goal == "returned" \
            else "（演示）经核查，申报单位存在不良信用记录，不符合申报条件"
        # Returned the day before the demo's business day: still within its correction days, so the walk-through
        # can correct and resubmit it.
        day = clock.today() - timedelta(days=1) if goal == "returned" else data.CITY_PASSED
        _step(session, day, step, actor, app, reasons=reasons)
        return False
    unit = _to_department(session, cast, app)
    if goal in ("department_review", "scored"):
        if goal == "scored":
            _step(session, data.PROPOSED, Action.SCORE, unit, app, score=88)
        return False
    _step(session, data.PROPOSED, Action.PROPOSE, unit, app, amount=firm.amount * 4 // 5)
    return goal != "proposed"


def _top_up(session: Session, cast: Cast, round_id: int) -> Application:
    """The second project of ``data.TOP_UP``'s enterprise, proposed under 35号 (approved with the first batch)."""
    body, matter, measure, amount = data.TOP_UP
    firm = next(f for f in data.ENTERPRISES if f.body == body)
    project = replace(firm, matter=matter, measure=measure, amount=amount, goal="approved")
    with clock.pinned(data.SET_UP):
        applicants.save_matter(session, actor=cast.enterprises[body], uscc=firm.uscc, matter=matter)
    app = _draft(session, cast, project, round_id)
    _step(session, data.SUBMITTED, Action.SUBMIT, cast.enterprises[body], app)
    _advance(session, cast, project, app)
    return app


def _announce_and_pay(session: Session, cast: Cast, waiting: dict[str, Application]) -> None:
    first = [waiting[key] for key in ("DEMA0001", "DEMA0002", "top-up")]
    for app in first:
        _step(session, data.PROPOSED, Action.ANNOUNCE, cast.departments[app.department_id], app,
              starts_on=data.FIRST_BATCH)
        _step(session, data.APPROVED, Action.APPROVE, cast.finance, app)
    for number, body in enumerate(("DEMA0001", data.PAID_TOO), start=1):
        _step(session, data.PAID, Action.DISBURSE, cast.finance, waiting[body], paid_on=data.PAID,
              reference=f"演示-2025-{number:04d}")
    for body in ("DEMA0003", "DEMA0012"):
        app = waiting[body]
        _step(session, data.SECOND_BATCH, Action.ANNOUNCE, cast.departments[app.department_id], app,
              starts_on=data.SECOND_BATCH)  # listed the day its 公示 opens, as the timeline then says
    objected = waiting["DEMA0012"]
    _step(session, data.OBJECTED, Action.OBJECT, cast.departments[objected.department_id], objected,
          reasons="（演示）公示期间收到异议：认证证书有效期存疑，退回复核")


def _rounds(session: Session, cast: Cast) -> tuple[Round, Round]:
    """The 2025 round of the shipped policy (closed), the current year's (open, for matters dated inside the
    expired window), and the demonstration successor policy, published by a second admin, with a round of its own."""
    policy = catalogue.published(session)[0]
    successor_id = _successor(session, cast)
    measures = [opening.MeasureIn(m.number, data.BUDGETS_2025.get(m.number))
                for m in policy.measures if m.monetary]
    guide = ("1. 企业在本平台登记事项、填写申报书并上传材料，作出承诺后提交；"
             "2. 需市级初审的措施由所在市初审（5个工作日）；3. 牵头责任单位审核、组织专家评审并拟定金额；"
             "4. 公示5个工作日；5. 省财政厅批准并拨付。")
    first_deadline, extended_on, why = data.EXTENDED_2025
    with clock.pinned(data.ROUND_2025[0]):
        past = opening.open_round(session, actor=cast.admin, policy_id=policy.id, title="2025年度申报（演示）",
                                  opens_on=data.ROUND_2025[0], closes_on=first_deadline, measures=measures,
                                  guide=guide, contact="省数据局 024-00000000（演示号码）")
    with clock.pinned(extended_on):
        editing.extend(session, actor=cast.admin, round_id=past.id, closes_on=data.ROUND_2025[1], seen=first_deadline,
                       reason=why)
    today = clock.today()
    direct = [opening.MeasureIn(m.measure, m.budget, m.expert_score, m.materials,
                                "direct" if m.measure in data.DIRECT_MEASURES else "apply") for m in measures]
    current = opening.open_round(session, actor=cast.admin, policy_id=policy.id,
                                 title=f"{today.year}年度申报（有效期内事项，演示）",
                                 opens_on=today - timedelta(days=30), closes_on=today + timedelta(days=60),
                                 measures=direct, guide=guide, contact="省数据局 024-00000000（演示号码）")
    successor = catalogue.policy(session, successor_id)
    opening.open_round(session, actor=cast.admin, policy_id=successor.id, title=f"{today.year}年度申报（演示政策）",
                       opens_on=today - timedelta(days=10), closes_on=today + timedelta(days=80),
                       measures=[opening.MeasureIn(m.number, 20_000_000) for m in successor.measures if m.monetary],
                       guide=guide, contact="演示机关 024-00000001（演示号码）")
    for year in budget_years():
        with clock.pinned(data.SET_UP if year == data.SET_UP.year else today):  # each year's, in its year
            for m in successor.measures:
                if m.monetary:
                    funding.set_budget(session, actor=cast.finance, year=year, policy_id=successor.id,
                                       measure=m.number, amount=20_000_000)
    return past, current


def _successor(session: Session, cast: Cast) -> str:
    """The demonstration successor policy, drafted by the admin and published by a second one when the system was
    set up (``data.SET_UP``), before the demo's first round: it reads as online in the story's past, not on the
    seed's day. Its id."""
    with clock.pinned(data.SET_UP):  # with the others: the second admin also publishes the 2025 whitelist
        second = _user(session, "admin2", "系统管理员二（演示）", "admin", cast.password)
        text = resources.files("huiqi.demo").joinpath("successor-demo.yaml").read_text("utf-8")
        draft = catalogue.add(session, actor=cast.admin, text=text, file_name="successor-demo.yaml")
        catalogue.publish(session, actor=second, version_id=draft.id)
    return draft.policy_id


def budget_years(today: date | None = None) -> list[int]:
    """2025, when the demo's approvals happen, and the current year: approval draws on the budget of its
    day's year, so a walk-through today needs this year's budgets too."""
    return sorted({2025, (today or clock.today()).year})


def _has_demo(session: Session) -> bool:
    return session.scalar(select(Applicant.id).where(Applicant.demo.is_(True)).limit(1)) is not None


def seed(session: Session, *, password: str) -> Cast:
    """Seed the demo into an empty database (refused when demo data is already there), each record stamped on the
    story's day (``clock.stamped``)."""
    if _has_demo(session):
        raise Conflict("数据库中已有演示数据；如需重来，请换一个新的数据库")
    with clock.stamped():
        return _seed(session, password)


def _shipped_online(session: Session) -> None:
    """The shipped policy files went online when the demo's system was set up: the migration that put them in the
    catalogue stamped them with the machine's moment, which the story (submissions judged under them in 2025) would
    otherwise read as later than every step taken under them."""
    with clock.pinned(data.SET_UP):
        online = clock.now()
    for version in session.scalars(select(PolicyVersion).where(PolicyVersion.published_by == "system",
                                                               PolicyVersion.drafted_by == "system")):
        if version.published_at is not None and version.published_at > online:
            version.created_at = version.published_at = online
            version.published_on = data.SET_UP
    session.flush()


def _seed(session: Session, password: str) -> Cast:
    _shipped_online(session)
    cast = _cast(session, password)
    for firm in data.ENTERPRISES:
        _enterprise(session, cast, firm)
    for year in budget_years():
        with clock.pinned(data.SET_UP if year == data.SET_UP.year else clock.today()):  # each year's, in its year
            for measure, amount in data.BUDGETS_2025.items():
                funding.set_budget(session, actor=cast.finance, year=year, policy_id=_policy(session),
                                   measure=measure, amount=amount)
    past, _ = _rounds(session, cast)
    waiting, made = {}, {}
    for firm in data.ENTERPRISES:
        app = made[firm.body] = _draft(session, cast, firm, past.id)
        if firm.goal == "draft":
            continue
        who = cast.enterprises[firm.body]
        if firm.goal == "withdrawn":
            _step(session, data.SUBMITTED, Action.WITHDRAW, who, app)
            continue
        _step(session, data.SUBMITTED, Action.SUBMIT, who, app)
        if firm.standing != _registered(firm):  # what the review then found (the credit check) is recorded
            with clock.pinned(data.SUBMITTED):
                applicants.record_profile(session, actor=cast.admin, uscc=firm.uscc, demo=True, name=firm.name,
                                          kind="enterprise", region=firm.region, industry=firm.industry,
                                          size="small", **firm.standing)
        if _advance(session, cast, firm, app):
            waiting[firm.body] = app
    waiting["top-up"] = _top_up(session, cast, past.id)
    _announce_and_pay(session, cast, waiting)
    _ratings(session, cast, made)
    with clock.pinned(data.WHITELISTED):
        version = whitelist.propose(session, actor=cast.admin, on=data.WHITELISTED, note="演示数据生成的白名单")
        reviewer = session.scalars(select(User).where(User.username == "admin2")).one()  # not its proposer
        whitelist.publish(session, actor=reviewer, version_id=version.id, on=data.WHITELISTED)
    _recognition_lists(session, cast)
    return cast


def _ratings(session: Session, cast: Cast, made: dict[str, Application]) -> None:
    """The finished applications' 好差评 (``data.RATINGS``): a bad one's rectification answered by the unit that took
    the decision rated (the city or finance for its own rejection, else the department)."""
    for body, day, level, comment, answered in data.RATINGS:
        app = made[body]
        with clock.pinned(day):
            rating = ratings.rate(session, actor=cast.enterprises[body], application_id=app.id, level=level,
                                  comment=comment)
        if answered:
            with clock.pinned(answered[0]):
                unit = cast.cities[rating.city] if rating.city else cast.finance if rating.finance \
                    else cast.departments[app.department_id]
                ratings.answer(session, actor=unit, rating_id=rating.id, text=answered[1])


def _recognition_lists(session: Session, cast: Cast) -> None:
    """The imported lists (``data.LISTS``, invented provincial lists): their enterprises get offers (政策直达) on the
    measures the current round takes, 免申即享 ones waiting for the lead unit's confirmation, 申请即享 ones for the
    enterprise to accept."""
    for code, document, bodies in data.LISTS:
        firms = [f for f in data.ENTERPRISES if f.body in bodies]
        rows = [["uscc", "name"]] + [[f.uscc, f.name] for f in firms]
        checked = lists.check(session, rows, code=code, level="provincial", published_on=data.LIST_DAY)
        lists.import_list(session, actor=cast.admin, rows=checked, code=code, level="provincial", document=document,
                          published_on=data.LIST_DAY)

"""Messages.

Every message lands in its user's message centre; when SMTP is set (``HUIQI_SMTP_HOST``) and the user has an
e-mail address, it is also queued for mail. Mail is sent outside the request, by ``huiqi messages send`` (or the
server's worker), each message at most once; a failed send is kept, retried later with growing waits, and never
lost. What is said: an enterprise, each step of its applications, each new offer and each draft left unsubmitted
in a round about to close; a reviewer, each application entering its queue (a city's 市级初审, a department's
review), and finance, each 公示 opened, with the day its applications await approval; the lead department, an offer
its enterprise declined; the other admins, a policy draft or a whitelist draft awaiting a second person's check, and
its drafter, what became of it."""

import smtplib
from datetime import date, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi.config import get_settings, public_link
from huiqi.db import utcnow
from huiqi.errors import NotFound
from huiqi.labels import measure_cited
from huiqi.models import Application, Message, User
from huiqi.money import wan
from huiqi.users.roles import Role
from huiqi.validation import site_path

MAX_ATTEMPTS = 8
BACKOFF = timedelta(minutes=5)  # then 10, 20, 40 … minutes


def notify(session: Session, users: list[User], *, kind: str, subject: str, body: str, link: str | None = None,
           dedupe: str | None = None) -> int:
    """One message to each user (once per ``dedupe`` key, when given); the number made."""
    settings, made = get_settings(), 0
    for user in users:
        email = user.email if settings.smtp_host and user.email else None
        message = Message(user_id=user.id, kind=kind, subject=subject[:200], body=body, link=link, dedupe=dedupe,
                          email=email, attempts=0)
        try:
            with session.begin_nested():
                session.add(message)
                session.flush()
        except IntegrityError:  # already told today (a digest): once is enough
            continue
        made += 1
    return made


def enterprise_users(session: Session, uscc: str) -> list[User]:
    return list(session.scalars(select(User).where(User.uscc == uscc, User.role == Role.ENTERPRISE,
                                                   User.active.is_(True))))


def department_users(session: Session, department_id: int) -> list[User]:
    """A department's active reviewers (an offer its unit leads was declined, say)."""
    return list(session.scalars(select(User).where(User.department_id == department_id,
                                                   User.role == Role.DEPARTMENT, User.active.is_(True))))


def admins(session: Session, *, besides: User | None = None) -> list[User]:
    """The active admins, but ``besides`` (who acted)."""
    query = select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
    return [u for u in session.scalars(query) if besides is None or u.id != besides.id]


def awaiting_check(session: Session, actor: User, *, kind: str, what: str, body: str, link: str) -> int:
    """Tell the other active admins that ``what`` (a policy draft, a whitelist draft) awaits the check of someone
    other than who drafted it before it can be published; the admin's home lists it too (待您核对发布)."""
    from huiqi.users.names import person

    return notify(session, admins(session, besides=actor), kind=kind, subject=f"待您核对发布：{what}",
                  body=f"{person(session, actor.username)}{body}", link=link)


def tell_drafter(session: Session, drafter: str | None, actor: User, *, kind: str, subject: str, body: str,
                 link: str) -> int:
    """Tell who drafted something (by login name) what ``actor`` made of it (published, discarded), unless the
    drafter did it themselves or is no longer an active user."""
    from huiqi.users.names import person

    if not drafter or drafter == actor.username:
        return 0
    found = session.scalars(select(User).where(User.username == drafter, User.active.is_(True))).first()
    return notify(session, [found], kind=kind, subject=subject, body=f"{person(session, actor.username)}{body}",
                  link=link) if found is not None else 0


STEP_WORDS = {
    "submit": ("已提交", "申报 #{id} 已提交，正在审核。"),
    "confirm": ("免申即享已确认", "申报 #{id}（免申即享）已由责任单位确认，转入审核；无需再提交材料，"
                                "请在申报页面确认收款账户。"),
    "return": ("被退回补正", "申报 #{id} 被退回补正：{reasons}。请在申报页面修改后重新提交。"),
    "reject": ("不予支持", "申报 #{id} 不予支持：{reasons}。对这次办理有意见的，可在申报页面“评价这次服务”一栏评价，"
                         "责任单位将整改并答复。"),
    "object": ("公示期间收到异议", "申报 #{id} 在公示期间收到异议，已转回责任单位复核；复核结果将另行通知。"),
    "announce": ("已列入公示", "申报 #{id} 已列入公示，拟支持 {amount} 万元。"),
    "approve": ("已批准", "申报 #{id} 已批准，金额 {amount} 万元。"),
    "disburse": ("已拨付", "申报 #{id} 的资金 {amount} 万元已拨付。欢迎评价这次服务（好差评）："
                         "打开申报页面，在“评价这次服务”一栏选择满意程度；不满意的请写明原因，责任单位将整改并答复。"),
}
# Where in the application's page a step's message leads: a paid or refused application to its rating (好差评) form.
STEP_ANCHORS = {"disburse": "#rating", "reject": "#rating"}
# What an approval says when the enterprise has not confirmed its account (a 免申即享 grant, or one submitted before
# submission asked for it): finance cannot pay until it does.
AWAITED = "本单位尚未确认收款账户，财政无法拨付：请在申报页面的“收款账户”一栏填写开户银行和银行账号并确认。"


def after_step(session: Session, action: str, applications: list[Application], reasons: str | None = None,
               due: dict[int, tuple[str, str] | None] | None = None) -> None:
    """Tell the enterprise of each step of its applications that it would want to know; a return says by when to
    resubmit (``due``, by application, as ``submission.correction_due`` says it) when it is known."""
    words = STEP_WORDS.get(str(action))
    if words is None:
        return
    title, text = words
    for app in applications:
        amount = app.amount_proposed
        body = text.format(id=app.id, reasons=sentence(reasons), amount=wan(amount) if amount is not None else "—")
        if when := (due or {}).get(app.id):
            body = body.replace("请在申报页面修改后重新提交",
                                f"请于 {when[0]}（含当日）前在申报页面修改后重新提交（{when[1]}）")
        anchor = STEP_ANCHORS.get(str(action), "")
        if action == "approve" and app.payee_confirmed_at is None:  # money is paid only into a confirmed account
            body, anchor = body + AWAITED, "#payee"
        notify(session, enterprise_users(session, app.uscc), kind=f"application.{action}",
               subject=f"申报 #{app.id} {title}", body=body, link=f"/applications/{app.id}{anchor}")


def arrived(session: Session, actor: User, applications: list[Application], batch: object | None = None) -> None:
    """Tell reviewers of the work a step put in their queue, once per arrival: the city's reviewers of an application
    entering its 市级初审, the lead department's of one entering its review (not when the department itself moved it
    there), finance of a 公示 opened (one message for the batch, saying when it ends)."""
    from huiqi.catalogue import service as catalogue

    numbers = catalogue.numbers(session) if applications else {}
    for app in applications:
        if app.state == "city_review" and app.city:
            notify(session, reviewers(session, Role.CITY, region=app.city), kind="review.arrived",
                   subject=f"新的待审核申报 #{app.id}（市级初审）",
                   body=f"申报 #{app.id}（{measure_cited(app.measure, app.policy_id, numbers)}）已进入市级初审，"
                        "请在“待审核”中办理。",
                   link=f"/review/{app.id}")
        elif app.state == "department_review" and app.department_id and actor.role != Role.DEPARTMENT:
            notify(session, department_users(session, app.department_id), kind="review.arrived",
                   subject=f"新的待审核申报 #{app.id}（责任单位审核）",
                   body=f"申报 #{app.id}（{measure_cited(app.measure, app.policy_id, numbers)}）已进入责任单位审核，"
                        "请在“待审核”中办理。", link=f"/review/{app.id}")
    ends_on, title = getattr(batch, "ends_on", None), getattr(batch, "title", None)
    if ends_on is not None and applications and all(a.state == "announced" for a in applications):
        notify(session, reviewers(session, Role.FINANCE), kind="review.arrived",
               subject=f"公示 {len(applications)} 件申报，{ends_on} 期满后待审批",
               body=f"「{title}」列入申报 {'、'.join(f'#{a.id}' for a in applications)}，公示至 {ends_on}；"
                    "期满无异议的，请在“待审批”中批准。", link="/review")


def reviewers(session: Session, role: str, *, region: str | None = None) -> list[User]:
    """The active users of ``role`` (a city's, when ``region`` is given)."""
    query = select(User).where(User.role == role, User.active.is_(True))
    if region is not None:
        query = query.where(User.region == region)
    return list(session.scalars(query.order_by(User.id)))


def sentence(reasons: str | None) -> str:
    """A reviewer's reasons (an enterprise's comment) inside a message's sentence, which ends them: without their own
    full stop (。。).

    >>> sentence("请补充证书原件扫描件。"), sentence("不符合条件；  "), sentence(None)
    ('请补充证书原件扫描件', '不符合条件', '')
    """
    return (reasons or "").strip().rstrip("。.；;，, ").strip()


def inbox(session: Session, *, actor: User, unread_only: bool = False) -> list[Message]:
    query = select(Message).where(Message.user_id == actor.id)
    if unread_only:
        query = query.where(Message.read_at.is_(None))
    return list(session.scalars(query.order_by(Message.id.desc()).limit(500)))


def unread(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(Message).where(
        Message.user_id == user.id, Message.read_at.is_(None))) or 0


def mark_read(session: Session, *, actor: User, message_id: int | None = None) -> int:
    """Mark one message (or all, without an id) read; the number marked."""
    query = update(Message).where(Message.user_id == actor.id, Message.read_at.is_(None))
    if message_id is not None:
        if session.scalar(select(Message.id).where(Message.id == message_id, Message.user_id == actor.id)) is None:
            raise NotFound(f"没有编号为 {message_id} 的消息")
        query = query.where(Message.id == message_id)
    done = session.execute(query.values(read_at=utcnow()))
    return done.rowcount or 0  # type: ignore[attr-defined]


def open_message(session: Session, *, actor: User, message_id: int) -> str:
    """Mark one's message read and give its link (a path of this site; the message centre when it has none)."""
    mark_read(session, actor=actor, message_id=message_id)  # refuses another's message, as not found
    return site_path(session.scalar(select(Message.link).where(Message.id == message_id))) or "/messages"


def send_pending(session: Session, now: datetime | None = None, limit: int = 200) -> tuple[int, int]:
    """Mail what is due (each message at most once; a failure waits longer each time); (sent, failed)."""
    settings = get_settings()
    if not settings.smtp_host:
        return 0, 0
    now = now or utcnow()
    due = list(session.scalars(
        select(Message).where(Message.email.is_not(None), Message.sent_at.is_(None), Message.attempts < MAX_ATTEMPTS,
                              (Message.next_try_at.is_(None)) | (Message.next_try_at <= now))
        .order_by(Message.id).limit(limit).with_for_update(skip_locked=True)))
    sent = failed = 0
    if not due:
        return 0, 0
    try:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
    except OSError as exc:
        for message in due:
            _failed(message, now, f"无法连接 SMTP 服务器：{exc}")
        session.flush()
        return 0, len(due)
    with smtp:
        if settings.smtp_tls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        for message in due:
            mail = EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = settings.smtp_sender, message.email, message.subject
            mail.set_content(message.body + (f"\n\n{public_link(message.link)}" if message.link else ""))
            try:
                smtp.send_message(mail)
            except smtplib.SMTPException as exc:
                _failed(message, now, str(exc))
                failed += 1
                continue
            message.sent_at, message.last_error = now, None
            sent += 1
    session.flush()
    return sent, failed


def _failed(message: Message, now: datetime, why: str) -> None:
    message.attempts += 1
    message.next_try_at = now + BACKOFF * (2 ** (message.attempts - 1))
    message.last_error = why[:500]


CLOSING_DAYS = 7  # an enterprise is reminded of a round closing within this many days


def digest(session: Session, day: date) -> int:
    """One message a day to each reviewer with work waiting, and to finance with approvals waiting; once per round,
    each enterprise that could claim a measure of a round closing within ``CLOSING_DAYS`` days and has not, and
    each enterprise holding a draft in such a round, which is lost to the round unless submitted by its deadline."""
    from huiqi.review import reading

    made = _closing(session, day) + _unsubmitted(session, day)
    for user in session.scalars(select(User).where(User.active.is_(True), User.role.in_(
            [Role.CITY, Role.DEPARTMENT, Role.FINANCE]))):
        waiting = len(reading.queue(session, actor=user, today=day))
        if waiting:
            what = "待批准或待拨付" if user.role == Role.FINANCE else "待审核"
            made += notify(session, [user], kind="digest", subject=f"{day}：有 {waiting} 项申报{what}",
                           body=f"截至 {day}，您有 {waiting} 项申报{what}。", link="/review", dedupe=f"digest-{day}")
    return made


def _unsubmitted(session: Session, day: date) -> int:
    """Once per draft, its enterprise told that the round it was started in closes within ``CLOSING_DAYS`` days."""
    from huiqi.applications import repository as applications
    from huiqi.rounds import service as rounds

    closing = {r.id: r for r in rounds.open_now(session, day) if (r.closes_on - day).days <= CLOSING_DAYS}
    made = 0
    for app in applications.drafts_in(session, list(closing)):
        found = closing[app.round_id or 0]
        subject = f"您的申报 #{app.id} 尚未提交，{found.closes_on} 截止"
        made += notify(session, enterprise_users(session, app.uscc), kind="round.closing", subject=subject,
                       body=f"您在批次「{found.title}」的申报 #{app.id}（措施{app.measure}）还是草稿，尚未提交；"
                            f"批次将于 {found.closes_on} 截止，截止后不能再提交。请及时补齐材料并提交。",
                       link=f"/applications/{app.id}", dedupe=f"closing-draft-{app.id}")
    return made


def _closing(session: Session, day: date) -> int:
    from huiqi.applicants import repository as applicants
    from huiqi.applicants import service as applicant_service
    from huiqi.applications import service as applications
    from huiqi.applications.views import describe
    from huiqi.catalogue import service as catalogue
    from huiqi.rounds import service as rounds
    from huiqi.rules.match import match
    from huiqi.rules.stacking import stacks_of
    from huiqi.workflow.judgement import left_to_grant

    closing = {key: r for key, r in rounds.open_by_measure(session, day).items()
               if (r.closes_on - day).days <= CLOSING_DAYS}
    if not closing:
        return 0
    policies, made = catalogue.published(session), 0
    stacks, numbers = stacks_of(policies), {p.id: p.number for p in policies}
    for applicant, _ in applicants.current_profiles(session):
        users = enterprise_users(session, applicant.uscc)
        if not users:
            continue
        case = applicant_service.readable_case(session, applicant=applicant, as_of=day)
        if case is None:
            continue
        answer = match(case, policies, day)
        for grant in answer.grants:
            found = closing.get((grant.policy, grant.measure))
            matter = applicants.matter(session, applicant.id, grant.matter)
            if found is None or matter is None or applications.holding(session, matter.id, grant.policy) is not None:
                continue
            ceiling, granted = left_to_grant(session, matter.id, grant.policy, grant.measure, grant.ceiling, stacks)
            if granted and not ceiling:  # other policies granted it as much or more (从高不重复)
                continue
            cited = measure_cited(grant.measure, grant.policy, numbers)
            subject = f"「{found.title}」{found.closes_on} 截止：{describe(matter)} 可申请{cited}"
            made += notify(session, users, kind="round.closing", subject=subject,
                           body=f"事项「{describe(matter)}」符合{cited}的条件"
                                + (f"，最高 {wan(ceiling)} 万元" if ceiling else "")
                                + (f"（已扣除该事项在其他政策获批的 {wan(granted)} 万元）" if granted else "")
                                + f"；批次「{found.title}」将于 {found.closes_on} 截止，请及时申报。",
                           link="/me#claims", dedupe=f"closing-{found.id}-{matter.id}-{grant.measure}")
    return made

"""Subscriptions: who is told of a publication, a new round, a 公示.

An enterprise user subscribes to new policies, rounds and 公示, to a measure, or to its region or industry (for
rounds); anyone may subscribe by e-mail to new policies, rounds and 公示: the subscription counts once confirmed
by the link sent to the address, and each message carries a link that ends it in one click.

One request by e-mail is one confirmation mail with one link, whatever the number of topics ticked: the request's
first subscription takes a new token, the link's, and the others that token and their topic (``<token>.rounds``);
the link confirms them all, and each keeps a token of its own to end it alone. A link of one subscription (as sent
before requests were confirmed together) confirms that one."""

import re
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.applicants import repository as applicants
from huiqi.config import get_settings, public_link
from huiqi.db import one_at_a_time, utcnow
from huiqi.errors import Conflict, InputError, NotFound
from huiqi.labels import industry_label, measure_label, place_label
from huiqi.messages.service import notify
from huiqi.models import Message, Subscription, User
from huiqi.reference import divisions, industries
from huiqi.users.roles import Role
from huiqi.validation import beijing

TOPICS = {"policies": "新政策发布", "rounds": "新的申报批次", "announcements": "新的公示",
          "measure": "某条措施的批次与公示", "region": "本地区适用的新政策和批次",
          "industry": "本行业适用的新政策和批次"}
PUBLIC = ("policies", "rounds", "announcements")
CONFIRMATIONS_A_DAY = 3  # confirmation mails to one address in 24 hours, whatever the topics
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")


def mine(session: Session, *, actor: User) -> list[Subscription]:
    return list(session.scalars(select(Subscription).where(Subscription.user_id == actor.id)
                                .order_by(Subscription.id)))


def subscribe(session: Session, *, actor: User, topic: str, value: str | None = None) -> Subscription:
    """A signed-in user's subscription (confirmed at once: the account is the address)."""
    if topic not in TOPICS:
        raise InputError([("topic", f"应为 {'、'.join(TOPICS.values())} 之一")])
    names = measure_names(session) if topic == "measure" else {}  # read once: the check, and a duplicate's name
    if topic in ("measure", "region", "industry"):
        if actor.role != Role.ENTERPRISE:
            raise InputError([("topic", "按措施、地区或行业订阅仅限企业用户")])
        own = topic in ("region", "industry") and not (value or "").strip()
        if own:  # 本地区, 本行业: the profile's own code (a county, a class partly in the core) as registered
            value = _own(session, actor, topic)
        if topic == "measure" and value not in names:
            raise InputError([("value", "请选择一条措施")])
        if topic == "region" and not (value in divisions.divisions() and divisions.city_of(value)
                                      and (own or value in region_choices())):
            raise InputError([("value", "请从列表中选择辽宁省的市或沈抚示范区")])
        if topic == "industry" and (problem := industries.class_problem(value or "")):
            raise InputError([("value", problem)])
        if topic == "industry" and not own and not any(value == code for listed in industry_choices().values()
                                                       for code, _ in listed):
            raise InputError([("value", "请从列表中选择行业（数字经济核心产业的小类）")])
    else:
        value = None
    one_at_a_time(session, f"subscribe:{actor.id}")  # two tabs at once: the later finds the earlier's
    found = session.scalar(select(Subscription).where(Subscription.user_id == actor.id, Subscription.topic == topic,
                                                      Subscription.value.is_(value) if value is None
                                                      else Subscription.value == value))
    if found is not None:
        shown = names.get(value or "", "") if topic == "measure" else described(found)
        raise Conflict(f"已经订阅过“{TOPICS[topic]}{f'：{shown}' if shown else ''}”")
    row = Subscription(user_id=actor.id, topic=topic, value=value, token=secrets.token_urlsafe(24),
                       confirmed_at=utcnow())
    session.add(row)
    session.flush()
    return row


def _own(session: Session, actor: User, topic: str) -> str:
    """The enterprise's own region or industry (本地区, 本行业), from its current profile."""
    applicant = applicants.by_uscc(session, actor.uscc) if actor.uscc else None
    profile = applicants.current_profile(session, applicant.id) if applicant else None
    found = getattr(profile, topic, None) if profile else None
    if not found:
        what = "注册地" if topic == "region" else "所属行业"
        raise InputError([("value", f"本单位信息中还没有{what}：请在“本单位”页面填写，或在此从列表中选择")])
    return str(found)


def region_choices() -> dict[str, str]:
    """The places one may subscribe to: the 14 cities and 沈抚示范区, code to name."""
    return divisions.cities()


def industry_choices() -> dict[str, list[tuple[str, str]]]:
    """The industries one may choose, by division (“65 软件和信息技术服务业”): the GB/T classes wholly in the
    digital-economy core, the ones a policy or round of these policies is told to (a class the NBS table marks * is
    in only for an enterprise that confirms it, so it hears nothing from a subscription)."""
    chosen: dict[str, list[tuple[str, str]]] = {}
    for code, entry in sorted(industries.core_table().items()):
        if not entry.partial:
            division = f"{code[:2]} {industries.industry_name(code[:2]) or ''}".strip()
            chosen.setdefault(division, []).append((code, f"{code} {industries.industry_name(code) or ''}".strip()))
    return chosen


def measure_names(session: Session) -> dict[str, str]:
    """The measures one may subscribe to (those with money, of the policies published), each ``policy/number`` to
    its name as people cite it (35号 措施3 培育中小企业)."""
    from huiqi.catalogue import service as catalogue  # the catalogue tells subscribers of a policy: imported late

    return {f"{p.id}/{m.number}": f"{p.number} {measure_label(m.number, m.title)}"
            for p in catalogue.published(session) for m in p.measures if m.monetary}


def described(subscription: Subscription) -> str:
    """What a subscription is to, as people read it: the place or the industry by name beside its code."""
    value = subscription.value or ""
    if subscription.topic == "region" and value:
        return place_label(value)
    if subscription.topic == "industry" and value:
        return industry_label(value)
    return value


def email_problems(email: str, topics: list[str]) -> list[tuple[str, str]]:
    """What is wrong with an e-mail subscription's address and topics, all of it at once."""
    problems = []
    if not EMAIL.match(email.strip()) or len(email.strip()) > 254:
        problems.append(("email", "请填写有效的电子邮箱地址"))
    if not any(t in PUBLIC for t in topics):
        problems.append(("topic", "请至少选择 新政策发布、新的申报批次、新的公示 之一"))
    return problems


def subscribe_email(session: Session, *, email: str, topics: list[str]) -> list[Subscription]:
    """Anyone's subscription by e-mail: unconfirmed until the link of the one mail sent to the address is followed."""
    if problems := email_problems(email, topics):
        raise InputError(problems)
    email = email.strip().lower()
    chosen = [t for t in topics if t in PUBLIC]
    if not get_settings().smtp_host:
        raise Conflict("本系统未开通邮件发送，暂不能按邮箱订阅；企业用户可登录后在消息中心订阅")
    one_at_a_time(session, f"subscribe:{email}")  # the same address twice at once: the later finds the earlier's
    since = utcnow() - timedelta(hours=24)
    asked = list(session.scalars(select(Message).where(Message.email == email, Message.kind == "subscription.confirm",
                                                       Message.created_at >= since)))
    made: list[Subscription] = []
    pending: list[Message] = []
    link = secrets.token_urlsafe(24)  # the request's one link: its first subscription's token
    for topic in chosen:
        row = session.scalar(select(Subscription).where(Subscription.email == email, Subscription.topic == topic,
                                                        Subscription.user_id.is_(None)).order_by(Subscription.id))
        if row is not None and row.confirmed_at is not None:
            continue
        if row is not None and (sent := [m for m in asked if m.link == _confirm_link(row)]):
            pending.append(sent[-1])
            continue
        if len(asked) >= CONFIRMATIONS_A_DAY:
            raise Conflict(f"24 小时内向该邮箱发送的确认邮件已达 {CONFIRMATIONS_A_DAY} 封，"
                           "请查收已发出的邮件或明天再试")
        token = f"{link}.{topic}" if made else link  # one asked again a day later: its old link goes
        if row is None:
            row = Subscription(email=email, topic=topic, token=token)
            session.add(row)
        row.token = token
        made.append(row)
    if not made and pending:
        raise AlreadyAsked(_already_asked(pending))
    if not made:
        raise Conflict(f"该邮箱已订阅“{'、'.join(TOPICS[t] for t in chosen)}”，无需重复订阅")
    session.flush()
    named = "".join(f"“{TOPICS[row.topic]}”" for row in made)
    whole = "（一次确认以上各项）" if len(made) > 1 else ""
    session.add(Message(user_id=None, kind="subscription.confirm",
                        subject=f"请确认订阅：{'、'.join(TOPICS[row.topic] for row in made)}",
                        body=f"您（{email}）申请订阅{named}。如确系本人申请，请打开下面的链接确认{whole}；否则不必理会。",
                        link=_confirm_link(made[0]), email=email, attempts=0))
    session.flush()
    return made


class AlreadyAsked(Conflict):
    """The confirmation was asked for already, and is sent or on its way: no mistake, a page says it as information."""


def _already_asked(pending: list[Message]) -> str:
    """The confirmation already asked for, as it stands: sent (when), or only queued (mail goes out by the mail job,
    and waits while the mail server cannot be reached): never "sent" before it was."""
    sent = [m.sent_at for m in pending if m.sent_at is not None]
    if sent:
        return f"确认邮件已于{min(beijing(s) for s in sent):%Y-%m-%d %H:%M}发出，请查收（24 小时内不再重复发送）"
    first = min(beijing(m.created_at) for m in pending)
    state = "暂未发送成功，系统将自动重试" if any(m.attempts for m in pending) else "尚未发出"
    return f"确认邮件已于{first:%Y-%m-%d %H:%M}安排发送，{state}；发出后请查收（24 小时内不再重复发送）"


def _confirm_link(row: Subscription) -> str:
    """The link of the mail that asked for this subscription: its request's (the token before the dot)."""
    return f"/subscriptions/confirm/{row.token.split('.')[0]}"


def end(session: Session, *, actor: User, subscription_id: int) -> bool:
    """End one of the actor's subscriptions; False when there is none such to end (already ended, from a second tab:
    the outcome asked for stands; another's is answered the same, so nothing of it is told)."""
    found = session.get(Subscription, subscription_id)
    if found is None or found.user_id != actor.id:
        return False
    session.delete(found)
    session.flush()
    return True


BROKEN_LINK = "链接无效或已失效"


def by_token(session: Session, token: str) -> Subscription:
    """The subscription a mailed link names; NotFound, said as a broken link, when none does (ended, mistyped)."""
    found = session.scalar(select(Subscription).where(Subscription.token == token)) if len(token) <= 64 else None
    if found is None:
        raise NotFound(BROKEN_LINK)
    return found


def by_link(session: Session, token: str) -> list[Subscription]:
    """The subscriptions a mailed confirmation link names: the one of its token and those asked with it in the same
    request (``<token>.<topic>``) and not ended since; NotFound, said as a broken link, when none."""
    if len(token) > 64:
        raise NotFound(BROKEN_LINK)
    named = Subscription.token == token
    if "." not in token:
        named = named | Subscription.token.startswith(f"{token}.", autoescape=True)
    found = list(session.scalars(select(Subscription).where(named).order_by(Subscription.id)))
    if not found:
        raise NotFound(BROKEN_LINK)
    return found


def confirm(session: Session, token: str) -> list[Subscription]:
    """Confirm what the link names (confirmed twice, it stands)."""
    found = by_link(session, token)
    for row in found:
        if row.confirmed_at is None:
            row.confirmed_at = utcnow()
    session.flush()
    return found


def unsubscribe(session: Session, token: str) -> None:
    found = by_token(session, token)
    session.delete(found)
    session.flush()


def _concerns(row: Subscription, topic: str, values: set[str], also: tuple[str, ...]) -> bool:
    """Whether a publication or a round (``topic``) concerns a subscription: its own topic; a measure it names; a
    region in Liaoning or an industry of the digital-economy core, which every measure of these policies covers."""
    if row.topic == topic or (row.topic in also and row.value in values):
        return True
    if topic in ("policies", "rounds") and row.topic == "region":
        return bool(divisions.in_liaoning(row.value))
    if topic in ("policies", "rounds") and row.topic == "industry":
        return industries.core_status(row.value, None) is True
    return False


UNSUBSCRIBE, LEAVE = "取消此订阅：", "/subscriptions/unsubscribe/"  # a told message's last line, and its address


def unsubscribe_of(body: str) -> tuple[str, str | None]:
    """A message as the message centre shows it: its text without the closing line a mail needs (取消此订阅：and the
    whole address), and that address's path, for a link; the body whole and None when it has no such line.

    >>> unsubscribe_of("新政策发布。\\n\\n取消此订阅：https://hq.example/subscriptions/unsubscribe/abc")
    ('新政策发布。', '/subscriptions/unsubscribe/abc')
    >>> unsubscribe_of("您的申报已受理。")
    ('您的申报已受理。', None)
    """
    text, said, address = body.rpartition(f"\n\n{UNSUBSCRIBE}")
    if not said or LEAVE not in address or "\n" in address:
        return body, None
    return text, address[address.index(LEAVE):]


def tell(session: Session, *, topic: str, subject: str, body: str, link: str, values: set[str] = frozenset(),
         also: tuple[str, ...] = ()) -> int:
    """Tell the confirmed subscribers a publication, a round or a 公示 concerns (``_concerns``); each once, with a
    link to end the subscription. The number told."""
    rows = session.scalars(select(Subscription).where(Subscription.confirmed_at.is_not(None)))
    told, seen_users, seen_emails = 0, set(), set()
    settings = get_settings()
    for row in rows:
        if not _concerns(row, topic, values, also):
            continue
        text = f"{body}\n\n{UNSUBSCRIBE}{public_link(f'{LEAVE}{row.token}')}"
        if row.user_id is not None and row.user_id not in seen_users:
            seen_users.add(row.user_id)
            user = session.get(User, row.user_id)
            if user is not None and user.active:
                told += notify(session, [user], kind=f"subscription.{topic}", subject=subject, body=text, link=link)
        elif row.email and row.email not in seen_emails and settings.smtp_host:
            seen_emails.add(row.email)
            session.add(Message(user_id=None, kind=f"subscription.{topic}", subject=subject, body=text, link=link,
                                email=row.email, attempts=0))
            told += 1
    session.flush()
    return told

"""Subscriptions: a new round or 公示 tells exactly the subscribers it concerns, once each; an e-mail subscription
counts only once confirmed by its link, and one click ends it."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.config import get_settings
from huiqi.errors import Conflict, InputError, NotFound
from huiqi.messages import service as messages
from huiqi.messages import subscriptions
from huiqi.models import Message, Subscription
from huiqi.rounds import opening
from tests.dbtest import at_once


def _open(session, people, measures=(3,)):
    policy = catalogue.published(session)[0]
    with clock.pinned(date(2025, 9, 1)):
        return opening.open_round(session, actor=people.admin, policy_id=policy.id, title="订阅测试批次",
                                  opens_on=date(2025, 9, 1), closes_on=date(2025, 9, 30),
                                  measures=[opening.MeasureIn(m) for m in measures])


def test_a_round_tells_its_subscribers_once(session, people) -> None:
    subscriptions.subscribe(session, actor=people.alice, topic="rounds")
    subscriptions.subscribe(session, actor=people.alice, topic="measure", value="ln-2022-35/3")
    subscriptions.subscribe(session, actor=people.bob, topic="measure", value="ln-2022-35/13")
    subscriptions.subscribe(session, actor=people.miit, topic="announcements")
    with pytest.raises(Conflict):
        subscriptions.subscribe(session, actor=people.alice, topic="rounds")
    with pytest.raises(InputError):
        subscriptions.subscribe(session, actor=people.miit, topic="measure", value="ln-2022-35/3")
    _open(session, people)
    told = [m for m in messages.inbox(session, actor=people.alice) if m.kind == "subscription.rounds"]
    assert len(told) == 1 and "订阅测试批次" in told[0].subject and "取消此订阅" in told[0].body
    assert not [m for m in messages.inbox(session, actor=people.bob) if m.kind.startswith("subscription")]
    assert not [m for m in messages.inbox(session, actor=people.miit) if m.kind.startswith("subscription")]


def test_a_measure_is_one_published_and_named_when_already_subscribed(session, people) -> None:
    for value in ("ln-2022-35/99", "no-such-policy/3", "ln-2022-35/3 ", "ln-2022-35/20"):  # 20 has no money
        with pytest.raises(InputError, match="请选择一条措施"):
            subscriptions.subscribe(session, actor=people.alice, topic="measure", value=value)
    subscriptions.subscribe(session, actor=people.alice, topic="measure", value="ln-2022-35/3")
    with pytest.raises(Conflict, match=r"已经订阅过“某条措施的批次与公示：辽政办〔2022〕35号 措施3 培育中小企业”"):
        subscriptions.subscribe(session, actor=people.alice, topic="measure", value="ln-2022-35/3")


def test_an_email_subscription_needs_smtp_and_its_confirmation(session, people, monkeypatch) -> None:
    with pytest.raises(Conflict, match="未开通邮件发送"):
        subscriptions.subscribe_email(session, email="citizen@example.com", topics=["rounds"])
    monkeypatch.setenv("HUIQI_SMTP_HOST", "127.0.0.1")
    get_settings.cache_clear()
    try:
        with pytest.raises(InputError, match="有效的电子邮箱"):
            subscriptions.subscribe_email(session, email="not-an-address", topics=["rounds"])
        made = subscriptions.subscribe_email(session, email="Citizen@Example.com", topics=["rounds", "bogus"])
        assert [s.topic for s in made] == ["rounds"] and made[0].confirmed_at is None
        ask = session.query(Message).filter_by(email="citizen@example.com", kind="subscription.confirm").one()
        assert ask.link == f"/subscriptions/confirm/{made[0].token}"
        _open(session, people)
        assert session.query(Message).filter_by(email="citizen@example.com", kind="subscription.rounds").count() == 0
        subscriptions.confirm(session, made[0].token)
        _open(session, people, measures=(13,))
        assert session.query(Message).filter_by(email="citizen@example.com", kind="subscription.rounds").count() == 1
        subscriptions.unsubscribe(session, made[0].token)
        _open(session, people, measures=(14,))
        assert session.query(Message).filter_by(email="citizen@example.com", kind="subscription.rounds").count() == 1
    finally:
        get_settings.cache_clear()


def test_repeated_email_subscriptions_send_no_mail_flood(session, smtp, monkeypatch) -> None:
    monkeypatch.setenv("HUIQI_PUBLIC_URL", "https://huiqi.example.gov.cn/")
    get_settings.cache_clear()
    made = subscriptions.subscribe_email(session, email="a@example.com", topics=["policies", "rounds", "announcements"])
    queued = r"确认邮件已于\d{4}-\d\d-\d\d \d\d:\d\d安排发送，尚未发出；发出后请查收（24 小时内不再重复发送）"
    for _ in range(9):  # the same form again and again: told the mail is on its way, nothing more made or sent
        with pytest.raises(Conflict, match=queued):
            subscriptions.subscribe_email(session, email="A@example.com ", topics=["rounds", "policies"])
    asks = session.query(Message).filter_by(email="a@example.com", kind="subscription.confirm")
    assert asks.count() == 1 and session.query(Subscription).filter_by(email="a@example.com").count() == 3
    assert messages.send_pending(session) == (1, 0)
    sent = r"确认邮件已于\d{4}-\d\d-\d\d \d\d:\d\d发出，请查收（24 小时内不再重复发送）"
    with pytest.raises(Conflict, match=sent):  # sent now: said so, and when
        subscriptions.subscribe_email(session, email="a@example.com", topics=["rounds"])
    assert f"https://huiqi.example.gov.cn/subscriptions/confirm/{made[0].token}" in smtp.bodies()[0], "absolute"
    for ask in asks:  # a day later, the unconfirmed may be asked again: the same row, one new mail
        ask.created_at -= timedelta(hours=25)
    again = subscriptions.subscribe_email(session, email="a@example.com", topics=["rounds"])
    assert again == [made[1]] and asks.count() == 2
    with pytest.raises(Conflict, match="24 小时内不再重复发送"):
        subscriptions.subscribe_email(session, email="a@example.com", topics=["rounds"])
    subscriptions.confirm(session, made[0].token)  # confirmed: nothing to ask of it
    with pytest.raises(Conflict, match="24 小时内不再重复发送"):
        subscriptions.subscribe_email(session, email="a@example.com", topics=["policies", "rounds"])
    with pytest.raises(Conflict, match="该邮箱已订阅“新政策发布”，无需重复订阅"):
        subscriptions.subscribe_email(session, email="a@example.com", topics=["policies"])
    assert asks.count() == 2


def test_at_most_three_confirmation_mails_a_day_to_an_address(session, smtp) -> None:
    for topics in (["policies", "rounds"], ["policies"], ["rounds", "announcements"]):  # a mail each
        subscriptions.subscribe_email(session, email="b@example.com", topics=topics)
        for row in session.query(Subscription).filter_by(email="b@example.com"):
            session.delete(row)  # unsubscribed, asked again: still mails to the same address
    with pytest.raises(Conflict, match="24 小时内向该邮箱发送的确认邮件已达 3 封"):
        subscriptions.subscribe_email(session, email="b@example.com", topics=["rounds", "announcements"])
    assert session.query(Message).filter_by(email="b@example.com", kind="subscription.confirm").count() == 3


def test_one_address_subscribing_twice_at_once_gets_one_mail(own_database, smtp) -> None:
    def ask(session) -> None:
        subscriptions.subscribe_email(session, email="c@example.com", topics=["rounds"])

    assert sorted(at_once(own_database, [ask, ask])) == ["conflict", "done"]
    with Session(own_database) as session:
        assert session.query(Message).filter_by(email="c@example.com", kind="subscription.confirm").count() == 1
        assert session.query(Subscription).filter_by(email="c@example.com").count() == 1


@pytest.mark.anyio
async def test_the_pages(browser, session, people) -> None:
    alice = browser(people.alice)
    form = (await alice.get("/messages")).text
    offered = form[form.index('<select id="f-measure" name="measure">'):]
    offered = offered[:offered.index("</select>")]
    assert '<option value="ln-2022-35/3">辽政办〔2022〕35号 措施3 ' in offered, "a Chinese label, the key as value"
    assert "<datalist" not in form
    done = await alice.post("/subscriptions", data={"topic": "measure", "measure": "ln-2022-35/3"})
    assert done.status_code == 303
    page = (await alice.get("/messages")).text
    assert "某条措施的批次与公示" in page and "措施3" in page
    unchosen = await alice.post("/subscriptions", data={"topic": "measure", "measure": "", "value": "6513"})
    assert unchosen.status_code == 422 and '<a href="#f-measure">措施：请选择一条措施' in unchosen.text
    assert '<option value="measure" selected>' in unchosen.text, "the topic chosen stays chosen"
    unknown = await alice.post("/subscriptions", data={"topic": "industry", "industry": "9999"})
    assert unknown.status_code == 422 and '<a href="#f-industry">行业：9999 不是 GB/T 4754-2017 的行业小类代码' in \
        unknown.text
    assert '<option value="industry" selected>' in unknown.text, "the topic chosen stays chosen"
    again = await alice.post("/subscriptions", data={"topic": "measure", "measure": "ln-2022-35/3"})
    assert again.status_code == 409 and '<option value="ln-2022-35/3" selected>' in again.text
    anyone = browser(None)
    refused = await anyone.post("/subscribe", data={"email": "x", "topic": "rounds"})
    assert refused.status_code in (409, 422) and "订阅" in refused.text
    offered = (await anyone.get("/subscribe")).text  # no mail server in the tests: said before anything is typed
    assert 'id="no-mail"' in offered and 'name="email"' not in offered
    assert "留下电子邮箱" not in offered, "no promise of mail where none goes out"
    assert 'href="/login?next=/messages%23subscriptions"' in offered
    signed = (await alice.get("/subscribe")).text
    assert '您可在<a href="/messages#subscriptions">消息</a>中订阅' in signed and "/login?next" not in signed
    assert 'href="/subscribe"' not in (await anyone.get("/")).text, "not offered where mail does not go out"
    assert (await anyone.get("/subscriptions/unsubscribe/no-such-token-here")).status_code == 404


@pytest.mark.anyio
async def test_places_and_industries_are_chosen_from_lists_and_a_code_not_listed_is_refused(browser, session,
                                                                                            people) -> None:
    """本地区 and 本行业 are chosen, not typed: the 14 cities and 沈抚示范区; the core industries' classes under their
    divisions. A code the lists do not hold is refused in Chinese, naming the field, and nothing is subscribed."""
    alice = browser(people.alice)
    form = (await alice.get("/messages")).text
    places = form[form.index('<select id="f-region" name="region">'):]
    places = places[:places.index("</select>")]
    assert places.count("<option") == 16 and '<option value="">（本单位注册地）</option>' in places
    assert '<option value="210100">沈阳市</option>' in places and '<option value="shenfu">' in places
    trades = form[form.index('<select id="f-industry" name="industry">'):]
    trades = trades[:trades.index("</select>")]
    assert '<optgroup label="65 软件和信息技术服务业">' in trades
    assert '<option value="6513">6513 应用软件开发</option>' in trades
    assert 'value="1311"' not in trades, "not a digital-economy core class: a subscription to it would hear nothing"
    assert 'name="value"' not in form, "no code box"
    for field, code, said in (("region", "219999", "地区：请从列表中选择辽宁省的市或沈抚示范区"),
                              ("region", "210000", "地区：请从列表中选择辽宁省的市或沈抚示范区"),
                              ("industry", "65", "行业：应为国民经济行业小类代码（4 位数字，如 6513）")):
        refused = await alice.post("/subscriptions", data={"topic": field, field: code})
        assert refused.status_code == 422 and f'<a href="#f-{field}">{said}' in refused.text, (code, refused.text)
        assert f'<option value="{field}" selected>' in refused.text
    assert subscriptions.mine(session, actor=people.alice) == [], "nothing written"
    chosen = await alice.post("/subscriptions", data={"topic": "region", "region": "210200", "industry": ""})
    assert chosen.status_code == 303
    assert [(s.topic, s.value) for s in subscriptions.mine(session, actor=people.alice)] == [("region", "210200")]
    assert "本地区适用的新政策和批次：大连市（210200）" in (await alice.get("/messages")).text


def test_region_and_industry_subscriptions_hear_of_rounds(session, people) -> None:
    subscriptions.subscribe(session, actor=people.alice, topic="region", value="210100")
    with pytest.raises(InputError) as not_listed:  # not digital-economy core: not among the choices
        subscriptions.subscribe(session, actor=people.bob, topic="industry", value="3411")
    assert not_listed.value.problems == [("value", "请从列表中选择行业（数字经济核心产业的小类）")]
    with pytest.raises(InputError):
        subscriptions.subscribe(session, actor=people.alice, topic="region", value="210202")  # a county, not listed
    from huiqi.applicants import service as applicants
    from tests.dbtest import BOB_USCC

    applicants.record_profile(session, actor=people.bob, uscc=BOB_USCC, name="大连数据有限公司", kind="enterprise",
                              region="210202", industry="3411", size="small")
    subscriptions.subscribe(session, actor=people.bob, topic="industry")  # its own class as registered: kept
    with pytest.raises(InputError):
        subscriptions.subscribe(session, actor=people.alice, topic="region", value="110101")  # Beijing
    with pytest.raises(InputError) as unknown:
        subscriptions.subscribe(session, actor=people.alice, topic="industry", value="9999")
    assert unknown.value.problems == [("value", "9999 不是 GB/T 4754-2017 的行业小类代码")]
    with pytest.raises(InputError) as shapeless:
        subscriptions.subscribe(session, actor=people.alice, topic="industry", value="65")
    assert shapeless.value.problems == [("value", "应为国民经济行业小类代码（4 位数字，如 6513）")]
    _open(session, people)
    assert [m for m in messages.inbox(session, actor=people.alice) if m.kind == "subscription.rounds"]
    assert not [m for m in messages.inbox(session, actor=people.bob) if m.kind == "subscription.rounds"]


def test_region_and_industry_default_to_the_enterprise_s_own(session, people) -> None:
    region = subscriptions.subscribe(session, actor=people.alice, topic="region", value=" ")
    industry = subscriptions.subscribe(session, actor=people.alice, topic="industry")
    assert (region.value, industry.value) == ("210102", "6513")
    assert subscriptions.described(region) == "沈阳市和平区（210102）"
    assert subscriptions.described(industry) == "6513 应用软件开发"
    people.bob.uscc = None  # an enterprise account not yet tied to a unit
    with pytest.raises(InputError) as refused:
        subscriptions.subscribe(session, actor=people.bob, topic="region")
    assert refused.value.problems == [("value", "本单位信息中还没有注册地：请在“本单位”页面填写，或在此从列表中选择")]


@pytest.mark.anyio
async def test_the_page_names_the_place_and_the_industry(browser, people) -> None:
    alice = browser(people.alice)
    for topic in ("region", "industry"):
        done = await alice.post("/subscriptions", data={"topic": topic, "value": ""})
        assert done.status_code == 303, done.text
    page = (await alice.get("/messages")).text
    assert "本地区适用的新政策和批次：沈阳市和平区（210102）" in page
    assert "本行业适用的新政策和批次：6513 应用软件开发" in page
    assert "ln-2022-35/3、210100" not in page, "no internal ids asked of an enterprise"


def test_the_same_subscription_made_twice_at_once_is_made_once(own_database) -> None:
    """Two tabs subscribe to the same thing at the same moment: the later is told it is already subscribed. (On
    PostgreSQL both used to find none and write one each.)"""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from huiqi.models import Subscription, User
    from tests.dbtest import make_people, while_held

    with Session(own_database, expire_on_commit=False) as session, session.begin():
        make_people(session)

    def subscribe(session) -> None:
        alice = session.scalar(select(User).where(User.username == "alice"))
        subscriptions.subscribe(session, actor=alice, topic="rounds")

    said = while_held(own_database, date(2025, 7, 1), subscribe, subscribe)
    assert said == "已经订阅过“新的申报批次”", said
    with Session(own_database) as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 1


@pytest.mark.anyio
async def test_a_stale_tab_a_reload_and_a_mistake_all_stay_by_the_form(browser, session, people) -> None:
    alice = browser(people.alice)
    made = subscriptions.subscribe(session, actor=people.alice, topic="rounds")
    for said in ("已取消订阅", "该订阅已取消"):  # the second tab asks again: the same outcome, not a 404
        ended = await alice.post(f"/subscriptions/{made.id}/end")
        assert ended.status_code == 303 and ended.headers["location"] == "/messages#subscriptions"
        assert f'id="flash">✓ {said}</div>' in (await alice.get("/messages")).text
    reloaded = await alice.get("/subscriptions")  # the refused form's address, reloaded
    assert reloaded.status_code == 303 and reloaded.headers["location"] == "/messages#subscriptions"
    wrong = (await alice.post("/subscriptions", data={"topic": "industry", "industry": "9999"})).text
    assert wrong.index('class="errors error-summary"') > wrong.index('<section id="subscriptions"'), "beside the form"


@pytest.mark.anyio
async def test_the_form_sent_again_says_when_the_mail_went(browser, session, smtp) -> None:
    anyone = browser(None)
    first = await anyone.post("/subscribe", data={"email": "d@example.com", "topic": ["rounds", "policies"]})
    assert first.status_code == 303
    anyone.client.cookies.clear()  # a script that keeps no cookies, as the flood was sent
    again = await anyone.post("/subscribe", data={"email": "d@example.com", "topic": ["rounds"]})
    assert again.status_code == 200 and "请查收（24 小时内不再重复发送）" in again.text
    told = again.text.split('id="told">')[1].split("</p>")[0]
    assert "请查收" in told and "未能订阅" not in again.text, "information, not a mistake to correct"
    assert 'value="d@example.com"' in again.text, "what was typed stays"
    anyone.client.cookies.clear()
    pasted = await anyone.post("/subscribe", data={"email": "f\u0008@example.com", "topic": ["rounds"]})
    assert pasted.status_code == 422 and '<a href="#f-email">电子邮箱：不能含有控制字符（U+0008）' in pasted.text
    assert 'value="f@example.com"' in pasted.text and 'name="topic" value="rounds" checked' in pasted.text
    assert session.query(Message).filter_by(email="d@example.com", kind="subscription.confirm").count() == 1


@pytest.mark.anyio
async def test_a_confirmation_is_said_sent_only_once_it_was(browser, session, monkeypatch) -> None:
    """With the mail server unreachable the mail waits in the queue: the page used to say 确认邮件已发送."""
    import socket

    with socket.socket() as probe:  # a port nobody listens on: the mail server cannot be reached
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HUIQI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HUIQI_SMTP_PORT", str(port))
    get_settings.cache_clear()
    try:
        anyone = browser(None)
        first = await anyone.post("/subscribe", data={"email": "e@example.com", "topic": ["rounds"]})
        assert first.status_code == 303
        shown = (await anyone.get("/subscribe")).text
        assert "确认邮件已安排发送：收到后请打开邮件中的链接完成订阅" in shown and "确认邮件已发送" not in shown
        assert messages.send_pending(session) == (0, 1)
        ask = session.query(Message).filter_by(email="e@example.com", kind="subscription.confirm").one()
        assert ask.sent_at is None and ask.attempts == 1
        anyone.client.cookies.clear()  # as a fresh visit sends the form again
        again = await anyone.post("/subscribe", data={"email": "e@example.com", "topic": ["rounds"]})
        assert again.status_code == 200 and "安排发送，暂未发送成功，系统将自动重试；发出后请查收" in again.text
        assert "发出，请查收" not in again.text
    finally:
        get_settings.cache_clear()


@pytest.mark.anyio
async def test_the_mailed_unsubscribe_link_asks_before_it_ends_anything(browser, session, smtp) -> None:
    """A mail scanner opening the link used to end the subscription: the link shows one button, which POSTs."""
    import re

    anyone = browser(None)
    assert (await anyone.post("/subscribe", data={"email": "g@example.com", "topic": ["rounds"]})).status_code == 303
    row = session.query(Subscription).filter_by(email="g@example.com").one()
    opened = await anyone.get(f"/subscriptions/unsubscribe/{row.token}")
    assert opened.status_code == 200 and "确认取消订阅" in opened.text and "新的申报批次" in opened.text
    assert f'<form method="post" action="/subscriptions/unsubscribe/{row.token}">' in opened.text
    session.expire_all()
    assert session.query(Subscription).filter_by(email="g@example.com").count() == 1, "opening ends nothing"
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', opened.text).group(1)
    ended = await anyone.post(f"/subscriptions/unsubscribe/{row.token}", data={"csrf_token": csrf})
    assert ended.status_code == 200 and "已取消订阅" in ended.text
    session.expire_all()
    assert session.query(Subscription).filter_by(email="g@example.com").count() == 0
    again = await anyone.post(f"/subscriptions/unsubscribe/{row.token}", data={"csrf_token": csrf})
    assert again.status_code == 404 and "链接无效或已失效" in again.text
    for broken in ("abc", "x" * 150):
        said = await anyone.get(f"/subscriptions/unsubscribe/{broken}")
        assert said.status_code == 404 and "链接无效或已失效" in said.text and "个字符" not in said.text


@pytest.mark.anyio
async def test_the_mailed_confirmation_link_asks_before_it_confirms_anything(browser, session, smtp) -> None:
    """A mail scanner or a link preview opening the link used to confirm the subscription: the link shows one button,
    which POSTs with the form's CSRF token; a broken or ended link is a Chinese page, never a 500."""
    import re

    anyone = browser(None)
    assert (await anyone.post("/subscribe", data={"email": "h@example.com", "topic": ["rounds"]})).status_code == 303
    row = session.query(Subscription).filter_by(email="h@example.com").one()
    opened = await anyone.get(f"/subscriptions/confirm/{row.token}")
    assert opened.status_code == 200 and ">确认订阅</button>" in opened.text and "新的申报批次" in opened.text
    assert f'<form method="post" action="/subscriptions/confirm/{row.token}">' in opened.text
    assert "h@example.com" in opened.text
    session.expire_all()
    assert session.get(Subscription, row.id).confirmed_at is None, "opening confirms nothing"
    forged = await anyone.post(f"/subscriptions/confirm/{row.token}")
    assert forged.status_code == 403
    session.expire_all()
    assert session.get(Subscription, row.id).confirmed_at is None, "no confirming without the form's token"
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', opened.text).group(1)
    done = await anyone.post(f"/subscriptions/confirm/{row.token}", data={"csrf_token": csrf})
    assert done.status_code == 200 and "订阅已确认：新的申报批次" in done.text
    session.expire_all()
    assert session.get(Subscription, row.id).confirmed_at is not None
    again = await anyone.get(f"/subscriptions/confirm/{row.token}")
    assert again.status_code == 200 and "订阅已确认" in again.text and "<form" not in again.text.split("<h1")[1]
    twice = await anyone.post(f"/subscriptions/confirm/{row.token}", data={"csrf_token": csrf})
    assert twice.status_code == 200 and "订阅已确认" in twice.text
    session.delete(session.get(Subscription, row.id))  # ended since the mail was sent
    session.flush()
    for broken in (row.token, "abc", "x" * 150):
        said = await anyone.get(f"/subscriptions/confirm/{broken}")
        assert said.status_code == 404 and "链接无效或已失效" in said.text and "个字符" not in said.text
        sent = await anyone.post(f"/subscriptions/confirm/{broken}", data={"csrf_token": csrf})
        assert sent.status_code == 404 and "链接无效或已失效" in sent.text


@pytest.mark.anyio
async def test_one_request_is_one_mail_whose_one_link_confirms_every_topic_ticked(browser, session, smtp) -> None:
    """Ticking two topics sent two mails, each to be followed: one mail now names both, and its link confirms both;
    each subscription is still ended on its own."""
    import re

    anyone = browser(None)
    sent = await anyone.post("/subscribe", data={"email": "k@example.com", "topic": ["policies", "announcements"]})
    assert sent.status_code == 303
    [ask] = session.query(Message).filter_by(email="k@example.com", kind="subscription.confirm").all()
    assert ask.subject == "请确认订阅：新政策发布、新的公示" and "“新政策发布”“新的公示”" in ask.body
    rows = session.query(Subscription).filter_by(email="k@example.com").order_by(Subscription.id).all()
    assert len(rows) == 2 and len({r.token for r in rows}) == 2
    opened = await anyone.get(ask.link)
    assert "将收到“新政策发布”“新的公示”的邮件提醒" in opened.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', opened.text).group(1)
    done = await anyone.post(ask.link, data={"csrf_token": csrf})
    assert done.status_code == 200 and "订阅已确认：新政策发布、新的公示" in done.text
    session.expire_all()
    assert all(r.confirmed_at is not None for r in rows)
    assert f'href="/subscriptions/unsubscribe/{rows[1].token}">取消订阅“新的公示”' in done.text
    subscriptions.unsubscribe(session, rows[1].token)  # one ended: the other stands, and the link says so
    again = await anyone.get(ask.link)
    assert "订阅已确认：新政策发布" in again.text and "新的公示" not in again.text.split("<h1")[1]


def test_a_subscription_confirmed_with_a_link_of_its_own_keeps_working(session, smtp) -> None:
    """Subscriptions asked before a request was one mail hold a token each (no dot): their links confirm and end
    them, one each; nor does a token that begins another's confirm it."""
    old = [Subscription(email="m@example.com", topic=t, token=f"Tok_{t}") for t in ("rounds", "policies")]
    session.add_all(old)
    session.flush()
    assert [r.topic for r in subscriptions.confirm(session, "Tok_rounds")] == ["rounds"]
    assert old[1].confirmed_at is None
    with pytest.raises(NotFound):
        subscriptions.confirm(session, "Tok")  # a prefix, not a request's link
    with pytest.raises(NotFound):
        subscriptions.confirm(session, "Tok%")  # nor a pattern
    subscriptions.unsubscribe(session, "Tok_rounds")
    assert session.query(Subscription).filter_by(email="m@example.com").all() == [old[1]]


@pytest.mark.anyio
async def test_an_empty_form_names_every_mistake_at_once(browser, smtp) -> None:
    anyone = browser(None)
    empty = await anyone.post("/subscribe", data={"email": ""})
    assert empty.status_code == 422
    assert '<a href="#f-email">电子邮箱：请填写有效的电子邮箱地址' in empty.text
    assert '请至少选择 新政策发布、新的申报批次、新的公示 之一' in empty.text
    anyone.client.cookies.clear()  # as a fresh visit sends the form again
    pasted = await anyone.post("/subscribe", data={"email": "f\u0008@example.com"})
    assert "不能含有控制字符（U+0008）" in pasted.text and "请至少选择" in pasted.text


@pytest.mark.anyio
@pytest.mark.parametrize("who", ["admin", "auditor", "finance", "miit", "shenyang", "analyst"])
async def test_the_centre_offers_a_role_only_what_it_may_subscribe_to(browser, people, who) -> None:
    """/messages offered everyone 本地区/本行业适用的新政策和批次, then refused all but enterprises: 仅限企业用户."""
    page = (await browser(getattr(people, who)).get("/messages")).text
    offered = page.split('id="f-topic"')[1].split("</select>")[0]
    labels = re.findall(r'<option value="\w+"[^>]*>([^<]+)</option>', offered)
    assert labels == ["新政策发布", "新的申报批次", "新的公示"], labels
    mine = (await browser(people.alice).get("/messages")).text.split('id="f-topic"')[1].split("</select>")[0]
    assert "本地区适用的新政策和批次" in mine and "本行业适用的新政策和批次" in mine and "某条措施的批次与公示" in mine


@pytest.mark.anyio
async def test_a_told_subscription_links_its_ending_instead_of_showing_its_address(browser, session, people) -> None:
    """In-app messages showed the mail's "取消此订阅：http://…/subscriptions/unsubscribe/…" as text: a link now."""
    subscriptions.subscribe(session, actor=people.alice, topic="rounds")
    _open(session, people)
    row = session.query(Subscription).filter_by(user_id=people.alice.id).one()
    told = next(m for m in messages.inbox(session, actor=people.alice) if m.kind == "subscription.rounds")
    assert f"取消此订阅：{get_settings().public_url.rstrip('/')}/subscriptions/unsubscribe/{row.token}" in told.body
    page = (await browser(people.alice).get("/messages")).text
    assert "取消此订阅：" not in page.split('<ul class="messages">')[1].split("</ul>")[0].replace(
        'aria-label="取消此订阅：', "")
    assert f'<a href="/subscriptions/unsubscribe/{row.token}" aria-label="取消此订阅：{told.subject}">取消此订阅</a>' \
        in page
    assert "/subscriptions/unsubscribe/" not in page.split(f"{told.subject}</b>")[1].split("</p>")[0]

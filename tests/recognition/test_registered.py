"""An enterprise that comes onto the platform after a list named it: its account made (or a credit code bound to an
account), then its profile recorded. Each step matches the list's rows that made no offer again, by the rules of an
import, makes the offers they now qualify for (recorded in the trail as made by whoever took the step), writes each
row's outcome again, and says so."""

from datetime import date

from sqlalchemy import select

from huiqi import clock
from huiqi.applicants import service as applicants
from huiqi.models import Applicant, ApplicantProfile, AuditEvent, MatterListing, Message, Offer, RecognitionList
from huiqi.recognition import service as lists
from huiqi.users import service as users
from tests.dbtest import a_round, uscc_for

ON = date(2025, 6, 30)
NEW = uscc_for("210200", "MA0NEW01")  # 大连, not on the platform when the list names it
PROFILE = {"name": "新认定企业有限公司", "kind": "enterprise", "region": "210202", "industry": "6513", "size": "small"}


def _import(session, people) -> RecognitionList:
    with clock.pinned(ON):
        rows = lists.check(session, [["统一社会信用代码", "企业名称"], [NEW, "新认定企业有限公司"]],
                           code="single_champion", level="national", published_on=date(2025, 6, 1))
        return lists.import_list(session, actor=people.miit, rows=rows, code="single_champion", level="national",
                                 document="工信部企业函〔2025〕测试号", published_on=date(2025, 6, 1)).list


def _row(session, listed: RecognitionList) -> tuple[int | None, str | None]:
    row = session.scalars(select(MatterListing).where(MatterListing.list_id == listed.id)).one()
    session.refresh(row)
    return row.offers, row.outcome


def _offers(session) -> list[tuple[int, int, str]]:
    return [(o.measure, o.ceiling, o.state) for o in session.scalars(select(Offer).where(Offer.uscc == NEW))]


def test_an_enterprise_registering_after_its_list_is_offered_what_the_list_s_row_now_qualifies_for(session,
                                                                                                  people) -> None:
    a_round(session)
    listed = _import(session, people)
    assert _row(session, listed) == (0, "unregistered") and _offers(session) == []
    told: list[str] = []
    with clock.pinned(ON):
        firm = users.create_user(session, actor=people.admin, told=told, username="newfirm", display_name="新认定企业",
                                 role="enterprise", password="long enough", uscc=NEW)
    assert told == [] and _offers(session) == []  # its industry is not known yet: undetermined, no longer unregistered
    assert _row(session, listed) == (0, "undetermined")
    with clock.pinned(ON):
        applicants.record_profile(session, actor=firm, uscc=NEW, told=told, **PROFILE)
    assert told == ["已按公布的认定名单为本单位生成政策直达 1 项，见“本单位”页面的政策直达"]
    assert _offers(session) == [(3, 1_000_000, "open")]
    assert _row(session, listed) == (1, None)
    session.refresh(listed)
    assert listed.offers == 1
    [made] = session.scalars(select(AuditEvent).where(AuditEvent.action == "offer.make")
                             .where(AuditEvent.after["uscc"].as_string() == NEW))
    assert made.actor == "newfirm"
    mail = session.scalars(select(Message).where(Message.user_id == firm.id, Message.kind == "offer.new")).all()
    assert [m.subject for m in mail] == ["政策直达：措施3，最高 100 万元"]
    with clock.pinned(ON):  # again: the row has its offer, nothing more is made
        applicants.record_profile(session, actor=firm, uscc=NEW, told=told, **{**PROFILE, "size": "medium"})
    assert _offers(session) == [(3, 1_000_000, "open")] and len(told) == 1


def test_a_credit_code_bound_to_an_account_brings_the_offer_its_completed_record_qualifies_for(session,
                                                                                             people) -> None:
    """The record completed without a step that matches it (a profile version written by a data fix), then the
    credit code bound to an account: the offer is made then, and the admin told."""
    a_round(session)
    listed = _import(session, people)
    applicant = session.scalars(select(Applicant).where(Applicant.uscc == NEW)).one()
    session.add(ApplicantProfile(applicant_id=applicant.id, version=2, recorded_by="admin", **PROFILE))
    session.flush()
    with clock.pinned(ON):
        users.create_user(session, actor=people.admin, username="other", display_name="另一单位",
                          role="enterprise", password="long enough", uscc=uscc_for("210100", "MA0PTH01"))
        told: list[str] = []
        users.change_role(session, actor=people.admin, username="other", role="enterprise", uscc=NEW, told=told)
    assert told == ["已按公布的认定名单为该单位生成政策直达 1 项，已通知该单位"]
    assert _offers(session) == [(3, 1_000_000, "open")] and _row(session, listed) == (1, None)
    assert session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "offer.make")).all()[-1] == "admin"


def test_an_enterprise_account_enabled_again_puts_right_what_its_rows_said_while_it_was_disabled(session,
                                                                                              people) -> None:
    """The account disabled when the list is imported: its row says 尚未在平台注册. Enabled again, the row says what
    is missing instead; a record completed meanwhile by a data fix brings its offer when the account comes back."""
    a_round(session)
    with clock.pinned(ON):
        users.create_user(session, actor=people.admin, username="newfirm", display_name="新认定企业",
                          role="enterprise", password="long enough", uscc=NEW)
        users.set_active(session, actor=people.admin, username="newfirm", active=False)
    listed = _import(session, people)
    assert _row(session, listed) == (0, "unregistered")
    told: list[str] = []
    with clock.pinned(ON):
        users.set_active(session, actor=people.admin, username="newfirm", active=True, told=told)
    assert told == [] and _row(session, listed) == (0, "undetermined")
    with clock.pinned(ON):
        users.set_active(session, actor=people.admin, username="newfirm", active=False)
    applicant = session.scalars(select(Applicant).where(Applicant.uscc == NEW)).one()
    session.add(ApplicantProfile(applicant_id=applicant.id, version=2, recorded_by="admin", **PROFILE))
    session.flush()
    with clock.pinned(ON):
        users.set_active(session, actor=people.admin, username="newfirm", active=True, told=told)
    assert told == ["已按公布的认定名单为该单位生成政策直达 1 项，已通知该单位"]
    assert _offers(session) == [(3, 1_000_000, "open")] and _row(session, listed) == (1, None)


def test_a_profile_recorded_while_a_long_list_s_batch_matches_its_row_waits_and_makes_the_offer(own_database) -> None:
    """A long list matched in the background: a batch matches the row on the record as it was (no industry, no offer)
    while the enterprise records its profile. The registration waits for the batch, then matches the row again on the
    new record: the offer is made. (On PostgreSQL it used to see the row not yet matched, leave it, and the batch
    wrote that it made none: an offer lost.)"""
    from contextlib import nullcontext

    from sqlalchemy.orm import Session

    from huiqi.models import User
    from tests.dbtest import make_people, while_held

    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        a_round(session)
        with clock.pinned(ON):
            rows = lists.check(session, [["统一社会信用代码", "企业名称"], [NEW, "新认定企业有限公司"]],
                               code="single_champion", level="national", published_on=date(2025, 6, 1))
            listed = lists.import_list(session, actor=people.miit, rows=rows, code="single_champion",
                                       level="national", document="工信部企业函〔2025〕测试号",
                                       published_on=date(2025, 6, 1), inline=False).list
            firm = users.create_user(session, actor=people.admin, username="newfirm", display_name="新认定企业",
                                     role="enterprise", password="long enough", uscc=NEW)
    said = while_held(own_database, ON, lambda s: lists.match_list(lambda: nullcontext(s), listed.id),
                      lambda s: applicants.record_profile(s, actor=s.get(User, firm.id), uscc=NEW, **PROFILE))
    assert said == 201, said
    with Session(own_database) as session:
        assert _offers(session) == [(3, 1_000_000, "open")]
        assert _row(session, session.get(RecognitionList, listed.id)) == (1, None)
        assert session.get(RecognitionList, listed.id).offers == 1



OTHER = uscc_for("210100", "MA0TH2R1")  # 沈阳, never on the platform


def test_a_row_offered_on_registration_while_a_run_failed_keeps_its_offer_when_the_run_goes_on(session, people,
                                                                                               monkeypatch) -> None:
    """A long list matched in the background, a row a batch: the first row says 尚未在平台注册; the enterprise then
    registers and records its profile, which offers the row; the next batch fails. Run again, the matching goes on
    from the row not matched yet: the row offered keeps its offer and its outcome, no second offer is attempted,
    and the list's counts hold. (Run again, it used to match every row anew: the offered row was written back to
    已有政策直达或申报 with no offer, the list's rows no longer saying the offer they made.)"""
    from contextlib import nullcontext

    import pytest

    from huiqi.offers import service as offer_service

    a_round(session)
    monkeypatch.setattr(lists, "BATCH", 1)
    with clock.pinned(ON):
        rows = lists.check(session, [["统一社会信用代码", "企业名称"], [NEW, "新认定企业有限公司"],
                                     [OTHER, "另一企业有限公司"]],
                           code="single_champion", level="national", published_on=date(2025, 6, 1))
        listed = lists.import_list(session, actor=people.miit, rows=rows, code="single_champion", level="national",
                                   document="工信部企业函〔2025〕测试号", published_on=date(2025, 6, 1),
                                   inline=False).list
    made, batches = offer_service.make_for, []

    def failing(*args, **kwargs):
        batches.append(kwargs["explain"])
        if len(batches) == 2:  # between the batches the enterprise registers; then the second batch fails
            firm = users.create_user(session, actor=people.admin, username="newfirm", display_name="新认定企业",
                                     role="enterprise", password="long enough", uscc=NEW)
            applicants.record_profile(session, actor=firm, uscc=NEW, **PROFILE)
            raise RuntimeError("数据库连接中断")
        return made(*args, **kwargs)

    monkeypatch.setattr(offer_service, "make_for", failing)
    with clock.pinned(ON), pytest.raises(RuntimeError):
        lists.match_list(lambda: nullcontext(session), listed.id)
    session.flush()
    session.refresh(listed)
    first, second = session.scalars(select(MatterListing).where(MatterListing.list_id == listed.id)
                                    .order_by(MatterListing.id)).all()
    assert (listed.matching, listed.matched, listed.offers) == ("failed", 1, 1)
    assert (first.offers, first.outcome, second.offers) == (1, None, None)
    with clock.pinned(ON):
        lists.match_again(session, actor=people.miit, list_id=listed.id)
        lists.match_list(lambda: nullcontext(session), listed.id)
    session.flush()
    session.refresh(listed)
    assert batches[2:] == [{second.matter_id}], "the run goes on from the row not matched, the offered one left"
    assert _offers(session) == [(3, 1_000_000, "open")]
    assert [(x.offers, x.outcome) for x in (first, second)] == [(1, None), (0, "unregistered")]
    assert (listed.matching, listed.matched, listed.offers) == ("done", 2, 1)

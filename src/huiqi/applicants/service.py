"""Record applicants' profiles (as new versions) and matters; build the case the rules read."""

import re
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.announcements.service import state_label
from huiqi.applicants import repository
from huiqi.applicants.schemas import MATCH_FIELDS, PROFILE_FIELDS, STANDING_FIELDS, Standing
from huiqi.audit import service as audit
from huiqi.audit.service import plain
from huiqi.catalogue import service as catalogue
from huiqi.db import one_at_a_time
from huiqi.errors import Conflict, Forbidden, InputError, NotFound
from huiqi.labels import field_label, matter_label, measure_cited
from huiqi.models import Applicant, ApplicantProfile, Matter, RecognitionList, User
from huiqi.reference import divisions
from huiqi.rules.answer import Answer
from huiqi.rules.case import Case, read_case
from huiqi.rules.case import Matter as CaseMatter
from huiqi.rules.match import match
from huiqi.users.names import person
from huiqi.users.roles import Role
from huiqi.users.scope import require_role, require_uscc
from huiqi.validation import event_after, field_path, problems, search_word

WRITERS = (Role.ENTERPRISE, Role.ADMIN)
SEE_EVERY_APPLICANT = (Role.FINANCE, Role.ADMIN, Role.AUDITOR, Role.SYSTEM)  # a policy analyst sees none


def check_profile(uscc: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate with the interchange rules (the same reasons as ``huiqi match``) and the standing flags."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise InputError([(f"applicant.{name}", "不认识的字段（请检查拼写）") for name in sorted(unknown)])
    match = {k: v for k, v in fields.items() if k in MATCH_FIELDS and v is not None}
    applicant = read_case({"applicant": {"uscc": uscc, **plain(match)}}).applicant
    if applicant.established is not None and applicant.established > clock.today():
        raise InputError([("applicant.established", f"成立日期 {applicant.established} 晚于今天（{clock.today()}）")])
    try:
        Standing.model_validate({k: v for k, v in fields.items() if k in STANDING_FIELDS})
    except ValidationError as exc:
        raise InputError([(f"applicant.{field_path(loc)}", why) for loc, why in problems(exc)]) from None
    return {**{k: getattr(applicant, k) for k in MATCH_FIELDS[1:]},
            **{k: fields.get(k) for k in STANDING_FIELDS}}


def record_profile(session: Session, *, actor: User, uscc: str, demo: bool = False, seen: int | None = None,
                   told: list[str] | None = None, **fields: Any) -> ApplicantProfile:
    """Record the applicant's profile as a new version when it differs from the current one. ``seen``: the version
    the change was made on (0 before any); a later one recorded meanwhile refuses it (409), as does another save of
    the same version at the same moment, rather than one silently undoing the other. The applicant's open offers are
    computed again by the rules on the new version (their ceiling; or withdrawn), as a change of their matter would
    compute them, and an offer an earlier change withdrew is made again if the rules support it again
    (``offers.again``), as is one a list's row now qualifies for (``recognition.registered``); what became of them
    is added to ``told``."""
    require_role(actor, *WRITERS, doing="登记申报单位信息")
    require_uscc(actor, uscc, doing="登记")
    values = check_profile(uscc, fields)
    applicant = repository.by_uscc(session, uscc)
    if applicant is None:
        applicant = Applicant(uscc=uscc, demo=demo)
        repository.add(session, applicant)
    current = repository.current_profile(session, applicant.id)
    if current is not None and current.name and not values.get("name"):
        raise InputError([("applicant.name", "单位名称不能清空：名称有变更的，请填写新名称")])
    if current is not None and all(getattr(current, k) == v for k, v in values.items()):
        return current
    _not_stale(current, seen)
    before = _claims(session, applicant) if current is not None and not demo else None
    from huiqi.offers import again, replies  # offers read this room: imported here, not at the top
    from huiqi.recognition import registered

    # locked before anything is written, as every step locks: a confirmation at this moment waits, or is waited for
    rows = registered.lock(session, uscc)  # a list's rows that made no offer for want of this record
    waiting = again.lock_for_change(session, applicant.id) if current is not None else []
    profile = ApplicantProfile(applicant_id=applicant.id, version=(current.version + 1 if current else 1),
                               recorded_by=actor.username, **values)
    try:
        with session.begin_nested():
            repository.add(session, profile)
    except IntegrityError:  # another save of the same version committed first (PostgreSQL; SQLite waits)
        raise Conflict(_stale_said(profile.version)) from None
    audit.record(session, actor=actor.username, action="applicant.profile", entity="applicant", entity_id=uscc,
                 before=_values(current), after={"version": profile.version, **values})
    said = replies.profile_changed(session, actor=actor, version=profile.version, offers=waiting)
    if current is not None:
        said += again.make_again(session, actor=actor, applicant=applicant, day=clock.today(), what="单位信息")
    said += registered.said(registered.make(session, actor=actor, rows=rows, day=clock.today()), own=True)
    if told is not None:
        told += said
    if before is not None:
        _tell_new_claims(session, applicant, before)
    return profile


def _not_stale(current: ApplicantProfile | None, seen: int | None) -> None:
    now = current.version if current is not None else 0
    if seen is not None and seen != now:
        raise Conflict(_stale_said(now))


def _stale_said(version: int) -> str:
    return f"本单位信息已在其他页面更新为第 {version} 版，请刷新后再改（本次修改未保存）"


def _claims(session: Session, applicant: Applicant) -> set[tuple[str, str, int]]:
    """(matter, policy, measure) the rules keep for the applicant's record today (after 从高不重复)."""
    day = clock.today()
    case = readable_case(session, applicant=applicant, as_of=day)
    if case is None:
        return set()
    return {(g.matter, g.policy, g.measure) for g in match(case, catalogue.published(session), day).grants}


def _tell_new_claims(session: Session, applicant: Applicant, before: set[tuple[str, str, int]]) -> None:
    """A change of the profile that makes a measure applicable is told to the enterprise."""
    from huiqi.messages import service as messages

    numbers = catalogue.numbers(session)
    for matter, policy, measure in sorted(_claims(session, applicant) - before):
        cited = measure_cited(measure, policy, numbers)
        messages.notify(session, messages.enterprise_users(session, applicant.uscc), kind="claim.new",
                        subject=f"单位信息更新后，事项 {matter} 可申请{cited}",
                        body=f"按更新后的单位信息，事项 {matter} 符合{cited}的条件。请到“本单位”页面查看。",
                        link="/me#claims")


def _values(profile: ApplicantProfile | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {"version": profile.version, **{k: getattr(profile, k) for k in PROFILE_FIELDS}}


def save_matter(session: Session, *, actor: User, uscc: str, matter: dict[str, Any], new: bool = False,
                seen: str | None = None, told: list[str] | None = None) -> Matter:
    """Add a matter, or replace the fields of the one with the same id; checked as ``huiqi match`` checks. ``new``
    (登记新事项) refuses an id already taken rather than replace that matter; ``seen`` (an edit form's ``stamp``)
    refuses an edit of a matter changed since the form was opened. A changed matter's open offers are computed
    again by the rules (their ceiling, 差额补足; or withdrawn), and one an earlier change withdrew is made again if
    the rules support it again (``offers.again``); what became of them is added to ``told``."""
    require_role(actor, *WRITERS, doing="登记事项")
    require_uscc(actor, uscc, doing="登记")
    applicant = _applicant(session, uscc)
    checked = check_matter(session, matter)
    data = checked.model_dump(exclude_none=True, exclude={"id", "type", "codes", "date"})
    if checked.type.value == "honour":  # as an import of the same kind holds it: a list at this moment is then seen
        for code in sorted(set(checked.codes)):
            one_at_a_time(session, f"recognition:{code}")
    found = repository.matter(session, applicant.id, checked.id)
    # locked before it is checked: an application submitted at this moment freezes it, and this edit then sees that
    row = repository.lock_matter(session, found.id) if found is not None else None
    before = _matter_values(row) if row else None
    if row is not None:
        _not_taken(row, new, seen)
    elif seen is not None:  # an edit of a matter that is gone would bring it back
        raise Conflict(f"事项「{checked.id}」已在其他页面删除，本次修改未保存；如仍需要，请登记为新事项")
    if row is None:
        row = Matter(applicant_id=applicant.id, key=checked.id, type=checked.type.value, codes=list(checked.codes),
                     date=checked.date, facts=plain(data))
        _not_listed(session, row)
        try:
            with session.begin_nested():
                repository.add(session, row)
        except IntegrityError:
            raise Conflict(f"事项 {checked.id} 刚刚已由他人登记，请刷新后查看") from None
    else:
        if why := unchangeable(session, row):
            raise Conflict(why)
        _not_listed(session, Matter(id=row.id, applicant_id=row.applicant_id, type=checked.type.value,
                                    codes=list(checked.codes), date=checked.date))
        row.type, row.codes, row.date, row.facts = checked.type.value, list(checked.codes), checked.date, plain(data)
        session.flush()
    after = _matter_values(row)
    if before != after:
        from huiqi.offers import again, replies  # offers read this room: imported here, not at the top
        from huiqi.offers import service as offers

        waiting = offers.open_for_matter(session, row.id)  # locked before the trail's head, as every step locks
        audit.record(session, actor=actor.username, action="matter.save", entity="matter", entity_id=row.id,
                     before=before, after=after)
        said = replies.judged_again(session, actor=actor, matter=row, offers=waiting)
        if before is not None:
            said += again.make_again(session, actor=actor, applicant=applicant, day=clock.today(), what="事项信息",
                                     matter_id=row.id)
        if told is not None:
            told += said
    return row


def check_matter(session: Session, matter: dict[str, Any]) -> CaseMatter:
    """A matter as ``huiqi match`` reads it, dated no later than today; InputError naming the field otherwise. The
    save checks with it, and so does a form prefilled from the calculator before anything is saved."""
    checked = read_case({"matters": [plain(matter)]}, catalogue.codes(session)).matters[0]
    if late := event_after(checked.date, clock.today(), "今天"):
        raise InputError([("matters[0].date", late)])
    return checked


def stamp(row: Matter | None) -> str:
    """When a matter was last changed, as its edit form carries it."""
    return row.updated_at.isoformat(timespec="microseconds") if row is not None and row.updated_at else ""


def _not_taken(row: Matter, new: bool, seen: str | None) -> None:
    if new:
        raise Conflict(f"事项编号「{row.key}」已登记为{matter_label(row.codes, row.facts.get('level'), row.date)}："
                       "登记新事项请换一个编号；如要修改该事项，请在事项表中点“修改”")
    if seen is not None and seen != stamp(row):
        raise Conflict(f"事项「{row.key}」已在其他页面修改，请刷新后再改（本次修改未保存）")


def _not_listed(session: Session, declared: Matter) -> None:
    """A recognition a published list already recorded for the applicant (the same code and date: the same
    recognition, ``same_recognition``) is not declared again: support is given once per recognition (DOMAIN.md,
    从高不重复), and the list's matter is the one offered and judged. The refusal names the list and the matter it
    recorded, and what became of its offer. ``declared`` is the matter as it would be saved (not yet written)."""
    listed = next((m for m in repository.same_recognition(session, declared) if m.source == "imported"), None)
    if listed is None:
        return
    from huiqi.offers.service import STATE_LABELS  # offers read this room: imported here, not at the top

    source = session.get(RecognitionList, listed.list_id) if listed.list_id is not None else None
    which = f"认定名单（{source.document}，{source.published_on} 公布）" if source is not None else "公布的认定名单"
    said = (f"{matter_label(listed.codes, (listed.facts or {}).get('level'), listed.date)}已由{which}记录为本单位的"
            f"事项「{listed.key}」，不能重复登记")
    offer = repository.latest_offer(session, listed.id)
    if offer is not None:
        cited = measure_cited(offer.measure, offer.policy_id, catalogue.numbers(session))
        said += f"；据此产生的政策直达（{cited}）{STATE_LABELS[offer.state]}，请到“本单位”页面的“政策直达”查看"
    else:
        said += "；该事项可申请的措施，请到“本单位”页面的“可以申请什么”查看"
    raise InputError([("matters[0].date", said)])


def delete_matter(session: Session, *, actor: User, uscc: str, key: str) -> None:
    """Delete a matter the enterprise declared by mistake, while nothing refers to it: no application (of any
    state), offer or grant. A matter with a history is kept, and may be corrected instead."""
    require_role(actor, *WRITERS, doing="删除事项")
    require_uscc(actor, uscc, doing="删除")
    applicant = _applicant(session, uscc)
    found = repository.matter(session, applicant.id, key)
    if found is None:
        raise NotFound(f"没有编号为 {key} 的事项")
    row = repository.lock_matter(session, found.id)
    if row.source != "declared":
        raise Conflict(f"事项 {row.key} 来自公布的认定名单或已由审核人员核实，不能删除")
    used = repository.uses_of_matter(session, row.id)
    if used:
        raise Conflict(f"事项 {row.key} 已有{used}，不能删除（记录须完整保留）；如内容有误，可修改事项")
    before = _matter_values(row)
    session.delete(row)
    session.flush()
    audit.record(session, actor=actor.username, action="matter.delete", entity="matter", entity_id=found.id,
                 before=before, after=None)


def unchangeable(session: Session, row: Matter) -> str | None:
    """Why the enterprise may not change a matter now, or None: verified by a reviewer, from a published list, or
    an application for it under review or granted (the reviewers and the approval judge the record as submitted;
    a returned application may be corrected, then resubmitted). The save refuses with it; the page says it instead
    of offering 修改."""
    if row.source == "verified":
        return f"事项 {row.key} 已由审核人员核实（{person(session, row.verified_by)}），不能再修改；请联系责任单位"
    if row.source != "declared":
        return f"事项 {row.key} 来自公布的认定名单，不能由企业修改；如有出入，请联系认定部门或责任单位"
    application = repository.frozen_by(session, row.id)
    if application is not None:
        return (f"事项 {row.key} 的申报 #{application.id} {state_label(session, application, clock.today())}，"
                "事项内容不能修改；如需更正，请联系审核人员退回补正")
    return None


def _matter_values(row: Matter) -> dict[str, Any]:
    return plain({"key": row.key, "type": row.type, "codes": row.codes, "date": row.date, **row.facts})


def _applicant(session: Session, uscc: str) -> Applicant:
    applicant = repository.by_uscc(session, uscc)
    if applicant is None:
        raise NotFound(f"没有统一社会信用代码为 {uscc} 的申报单位")
    return applicant


def matter_dict(row: Matter) -> dict[str, Any]:
    """A matter in the interchange shape."""
    return plain({"id": row.key, "type": row.type, "codes": row.codes, "date": row.date, **row.facts})


def case_data(session: Session, *, applicant: Applicant, as_of: date) -> dict[str, Any]:
    """The applicant's current profile and all its matters, as an interchange case (plain JSON)."""
    data = _applicant_facts(applicant, repository.current_profile(session, applicant.id))
    return plain({"as_of": as_of, "applicant": data,
                  "matters": [matter_dict(m) for m in repository.matters(session, applicant.id)
                              if m.source != "withdrawn"]})  # a withdrawn list's facts no longer count


def _applicant_facts(applicant: Applicant, profile: ApplicantProfile | None) -> dict[str, Any]:
    facts = {k: getattr(profile, k) for k in MATCH_FIELDS[1:]} if profile else {}
    return {"uscc": applicant.uscc, **{k: v for k, v in facts.items() if v is not None}}


def profile_case(applicant: Applicant, profile: ApplicantProfile, as_of: date) -> Case | None:
    """The case of the profile alone, without matters (for conditions on the applicant itself), or None when the
    rules cannot read the stored profile today (as ``readable_case``)."""
    try:
        return read_case(plain({"as_of": as_of, "applicant": _applicant_facts(applicant, profile)}))
    except InputError:
        return None


def case_for(session: Session, *, applicant: Applicant, as_of: date) -> tuple[Case, dict[str, Any]]:
    """The case the rules read, and its plain JSON (kept with the application)."""
    data = case_data(session, applicant=applicant, as_of=as_of)
    return read_case(data, catalogue.codes(session)), data


def readable_case(session: Session, *, applicant: Applicant, as_of: date) -> Case | None:
    """The case of an applicant whose stored record the rules can read today, else None: a fact stored under
    rules that changed since (a code of a withdrawn policy, a region code no longer valid) waits for the
    enterprise to correct it, where it is told (its page), rather than stopping work done for everyone at once."""
    try:
        return case_for(session, applicant=applicant, as_of=as_of)[0]
    except InputError:
        return None


def unreadable(session: Session, applicant_id: int, error: InputError) -> str:
    """Why the rules cannot read an applicant's stored record, as its owner reads it: each fact by its label, each
    matter by the enterprise's own name for it (the case lists the matters in the record's order)."""
    keys = [m.key for m in repository.matters(session, applicant_id) if m.source != "withdrawn"]
    said = []
    for path, reason in error.problems:
        found = re.fullmatch(r"matters\[(\d+)\]\.?(.*)", path)
        if found and int(found[1]) < len(keys):
            said.append(f"事项「{keys[int(found[1])]}」{field_label(found[2]) if found[2] else ''}：{reason}")
        else:
            said.append(f"{field_label(path)}：{reason}")
    return "；".join(said)


def get_applicant(session: Session, *, actor: User, uscc: str) -> tuple[Applicant, list[ApplicantProfile]]:
    """An applicant with its profile history, if the actor's scope covers it."""
    applicant = _applicant(session, uscc)
    history = repository.profiles(session, applicant.id)
    if not _sees(session, actor, applicant, history[-1] if history else None):
        raise Forbidden("无权查看这个申报单位")
    return applicant, history


def _sees(session: Session, actor: User, applicant: Applicant, profile: ApplicantProfile | None) -> bool:
    if actor.role == Role.ENTERPRISE:
        return actor.uscc == applicant.uscc
    if actor.role == Role.CITY:
        return profile is not None and divisions.city_of(profile.region) == actor.region
    if actor.role == Role.DEPARTMENT:
        return repository.has_application_with(session, applicant.id, actor.department_id)
    return actor.role in SEE_EVERY_APPLICANT


def listed(session: Session, *, actor: User, word: str | None = None) -> list[tuple[Applicant, ApplicantProfile]]:
    """Every applicant (with its current profile) the actor's scope covers; with ``word``, those whose name or
    credit code holds it."""
    word, names = search_word(word)  # as an input method types it; brackets of either width
    return [(a, p) for a, p in repository.current_profiles(session) if _sees(session, actor, a, p)
            and (not word or word.upper() in a.uscc or any(n in (p.name or "") for n in names))]


def matters_of(session: Session, *, actor: User, uscc: str) -> list[Matter]:
    """The matters of an applicant the actor may see."""
    applicant, _ = get_applicant(session, actor=actor, uscc=uscc)
    return repository.matters(session, applicant.id)


def answer_for(session: Session, *, actor: User, uscc: str, as_of: date | None = None) -> Answer:
    """What the rules say about the applicant's stored record (profile and every matter) as of a day."""
    applicant, _ = get_applicant(session, actor=actor, uscc=uscc)
    day = as_of or clock.today()
    case, _ = case_for(session, applicant=applicant, as_of=day)
    return match(case, catalogue.published(session), day)

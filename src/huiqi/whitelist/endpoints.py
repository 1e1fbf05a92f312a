"""Whitelist versions over HTTP: published ones for everyone, each with the basis it was compiled under; drafts for
those who compile or check them; propose (one draft at a time, while a policy in force serves the whitelist), exclude
with a reason or restore, publish or discard for admins and the lead unit of the measure serving the whitelist."""


from fastapi import APIRouter

from huiqi import clock
from huiqi.models import WhitelistVersion
from huiqi.users.names import people
from huiqi.users.roles import Role
from huiqi.web.deps import Actor, CallerDep, Db, RecordId, role_first
from huiqi.web.pagination import Page, PagingDep, page_of
from huiqi.whitelist import basis, service
from huiqi.whitelist.schemas import BasisRead, EntryExclude, EntryRead, VersionPropose, VersionRead

router = APIRouter(prefix="/whitelist", tags=["白名单"])
# Which department (the lead unit of the measure serving the whitelist) the service decides.
COMPILERS = role_first(Role.ADMIN, Role.DEPARTMENT, doing="编制白名单")


@router.get("/versions", response_model=Page[VersionRead], summary="白名单版本（未登录只见已发布的）")
def versions(who: CallerDep, session: Db, paging: PagingDep) -> dict:
    found = service.versions(session, actor=who.user)
    names = _names(session, found)
    return page_of([VersionRead.of(v, names, _basis(session, v)) for v in found], paging)


def _basis(session: Db, version: WhitelistVersion) -> BasisRead | None:
    """The basis ``version`` recorded, and whether it is in force today."""
    if version.basis_policy is None:
        return None
    today = clock.today()
    return BasisRead(policy=version.basis_policy, version=version.basis_version, number=version.basis_number,
                     title=version.basis_title, measure=version.basis_measure,
                     measure_title=version.basis_measure_title, list_name=version.basis_list,
                     ends=version.basis_ends, in_force=basis.standing(session, version, today).in_force,
                     said=basis.said(session, version, today))


def _names(session: Db, versions: list[WhitelistVersion]) -> dict[str, str]:
    """Who proposed and published the versions, as pages name them: the API gives no login names."""
    return people(session, {v.proposed_by for v in versions} | {v.published_by for v in versions if v.published_by})


def _read(session: Db, version: WhitelistVersion) -> VersionRead:
    return VersionRead.of(version, _names(session, [version]), _basis(session, version))


@router.get("/versions/{version_id}", response_model=VersionRead, summary="一个白名单版本")
def version(version_id: RecordId, who: CallerDep, session: Db) -> VersionRead:
    return _read(session, service.read(session, version_id=version_id, actor=who.user))


@router.get("/versions/{version_id}/entries", response_model=Page[EntryRead], summary="一个版本的企业")
def entries(version_id: RecordId, who: CallerDep, session: Db, paging: PagingDep) -> dict:
    """The public reads the enterprises listed; those who compile the list also see who was left out and why."""
    found = service.read(session, version_id=version_id, actor=who.user)
    shown = [e for e in found.entries if e.included or service.sees_drafts(who.user)]
    return page_of([EntryRead.model_validate(e) for e in shown], paging)


@router.post("/versions", response_model=VersionRead, status_code=201, summary="按当前档案拟定新版本",
             dependencies=COMPILERS)
def propose(actor: Actor, session: Db, body: VersionPropose | None = None) -> VersionRead:
    found = service.propose(session, actor=actor, on=clock.today(), note=body.note if body else None)
    session.commit()
    return _read(session, found)


@router.post("/entries/{entry_id}/exclude", response_model=EntryRead, summary="把一家企业移出拟定稿（须写理由）",
             dependencies=COMPILERS)
def exclude(entry_id: RecordId, body: EntryExclude, actor: Actor, session: Db) -> EntryRead:
    entry = service.exclude(session, actor=actor, entry_id=entry_id, reason=body.reason, on=clock.today())
    session.commit()
    return EntryRead.model_validate(entry)


@router.post("/entries/{entry_id}/restore", response_model=EntryRead, summary="恢复拟定稿中已移出的企业")
def restore(entry_id: RecordId, actor: Actor, session: Db) -> EntryRead:
    entry = service.restore(session, actor=actor, entry_id=entry_id, on=clock.today())
    session.commit()
    return EntryRead.model_validate(entry)


@router.post("/versions/{version_id}/publish", response_model=VersionRead, summary="发布拟定稿为下一版（不再改动）")
def publish(version_id: RecordId, actor: Actor, session: Db) -> VersionRead:
    found = service.publish(session, actor=actor, version_id=version_id, on=clock.today())
    session.commit()
    return _read(session, found)


@router.post("/versions/{version_id}/discard", response_model=VersionRead, summary="作废拟定稿（保留记录，不能再发布）")
def discard(version_id: RecordId, actor: Actor, session: Db) -> VersionRead:
    service.discard(session, actor=actor, version_id=version_id, on=clock.today())
    session.commit()
    return _read(session, service.read(session, version_id=version_id, actor=actor))

"""SQL of applications and their materials."""

from collections.abc import Collection, Mapping
from datetime import date, datetime

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from huiqi.applications.filters import Filters
from huiqi.models import Application, Material, Transition
from huiqi.users.scope import Scope
from huiqi.workflow.states import ENDED, SUPPORTED, State


def lock(session: Session, application_id: int) -> Application:
    """The application, locked until the transaction ends and read afresh (it exists: the caller found it)."""
    query = (select(Application).where(Application.id == application_id).with_for_update()
             .execution_options(populate_existing=True))
    return session.scalars(query).one()


def get(session: Session, application_id: int) -> Application | None:
    return session.get(Application, application_id)


def add(session: Session, row: Application | Material) -> None:
    session.add(row)
    session.flush()


def within(query: Select, scope: Scope) -> Select:
    """Restrict a query on applications to a scope."""
    if scope.nothing:
        return query.where(false())
    if scope.uscc is not None:
        return query.where(Application.uscc == scope.uscc)
    if scope.city is not None:
        return query.where(Application.city == scope.city)
    if scope.department_id is not None:
        return query.where(Application.department_id == scope.department_id)
    return query


def listed(session: Session, scope: Scope, state: str | None = None, *, states: Collection[str] | None = None,
           filters: Filters | None = None, titles: Mapping[tuple[str, int], str] | None = None,
           kinds: Mapping[str, str] | None = None) -> list[Application]:
    """The applications within ``scope``, narrowed (``Filters.narrow``: ``titles`` and ``kinds`` name measures and
    matters for its word)."""
    query = within(select(Application), scope)
    if state is not None:
        query = query.where(Application.state == state)
    if states is not None:
        query = query.where(Application.state.in_(list(states)))
    if filters is not None:
        query = filters.narrow(query, titles, kinds)
    return list(session.scalars(query.order_by(Application.id)))


def of_applicant(session: Session, scope: Scope, applicant_id: int) -> list[Application]:
    query = within(select(Application).where(Application.applicant_id == applicant_id), scope)
    return list(session.scalars(query.order_by(Application.id)))


def in_round(session: Session, round_id: int) -> list[Application]:
    return list(session.scalars(select(Application).where(Application.round_id == round_id).order_by(Application.id)))


def drafts_in(session: Session, round_ids: Collection[int]) -> list[Application]:
    """The drafts (not yet submitted) of these rounds."""
    if not round_ids:
        return []
    return list(session.scalars(select(Application).where(
        Application.round_id.in_(round_ids), Application.state == State.DRAFT).order_by(Application.id)))


def materials(session: Session, application_id: int, *, removed: bool = False) -> list[Material]:
    """An application's materials: those it holds, or (``removed``) those taken down from it."""
    taken_down = Material.removed_at.is_not(None) if removed else Material.removed_at.is_(None)
    query = select(Material).where(Material.application_id == application_id, taken_down).order_by(Material.id)
    return list(session.scalars(query))


def returned_at(session: Session, application_id: int) -> datetime | None:
    """The moment the application was last returned for correction (as recorded), or None."""
    query = (select(Transition.at).where(Transition.application_id == application_id,
                                         Transition.to_state == State.RETURNED)
             .order_by(Transition.id.desc()).limit(1))
    return session.scalar(query)


def returns(session: Session, application_id: int) -> list[tuple[datetime, date]]:
    """Every return of the application for correction, oldest first: the moment recorded, and its business day."""
    query = (select(Transition.at, Transition.on).where(Transition.application_id == application_id,
                                                        Transition.to_state == State.RETURNED)
             .order_by(Transition.id))
    return [(at, on) for at, on in session.execute(query)]


def lock_material(session: Session, material_id: int) -> Material | None:
    query = select(Material).where(Material.id == material_id).with_for_update().execution_options(
        populate_existing=True)
    return session.scalars(query).first()


def for_matter(session: Session, matter_id: int) -> list[Application]:
    return list(session.scalars(select(Application).where(Application.matter_id == matter_id)))


def live_for_matter(session: Session, matter_id: int) -> Application | None:
    """The matter's application that is still live (not withdrawn, not rejected), if any."""
    query = select(Application).where(Application.matter_id == matter_id, Application.state.not_in(ENDED))
    return session.scalars(query.order_by(Application.id).limit(1)).one_or_none()


def lives_for_matter(session: Session, matter_id: int) -> list[Application]:
    """Every live application of the matter: one per policy at most."""
    query = select(Application).where(Application.matter_id == matter_id, Application.state.not_in(ENDED))
    return list(session.scalars(query.order_by(Application.id)))


def live_by_matter(session: Session, matter_ids: list[int]) -> dict[int, Application]:
    """Each of these matters' live application, in one query: the one in progress if there is one (it holds the
    matter), else the first granted (another policy may still top it up)."""
    query = select(Application).where(Application.matter_id.in_(matter_ids), Application.state.not_in(ENDED))
    found: dict[int, Application] = {}
    for application in session.scalars(query.order_by(Application.id.desc())):
        kept = found.get(application.matter_id)
        if kept is None or kept.state in SUPPORTED or application.state not in SUPPORTED:
            found[application.matter_id] = application
    return found

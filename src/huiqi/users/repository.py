"""SQL of users."""

from collections.abc import Collection

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import Session

from huiqi.models import ApiToken, Applicant, ApplicantProfile, AuditEvent, Department, User, WebSession
from huiqi.users.filters import UserFilters
from huiqi.users.roles import Role


def by_username(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def by_username_any_case(session: Session, username: str) -> User | None:
    """An account holding this login name in any capitals: at most one (uq_users_username_lower), save in a
    database that held two before the index (migration 0021 leaves such names as they are), where it is the first."""
    return session.scalars(select(User).where(func.lower(User.username) == username.lower())
                           .order_by(User.id).limit(1)).first()


def active_admins(session: Session, *, besides: int) -> list[User]:
    """The active admins other than the user ``besides``, oldest first."""
    return list(session.scalars(select(User).where(User.role == Role.ADMIN, User.active.is_(True), User.id != besides)
                                .order_by(User.id)))


def accounts(session: Session, user_ids: Collection[int]) -> dict[str, tuple[str, str]]:
    """Id (as the trail writes it) → login and display name, of these users."""
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.username, User.display_name).where(User.id.in_(list(user_ids))))
    return {str(row.id): (row.username, row.display_name) for row in rows}


def binding_events(session: Session, user_ids: Collection[int]) -> list[AuditEvent]:
    """The trail's events that gave these users a role and binding (创建用户, 变更角色), in chain order."""
    if not user_ids:
        return []
    query = select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.action.in_(("user.create", "user.role")),
                                     AuditEvent.entity_id.in_([str(i) for i in user_ids]))
    return list(session.scalars(query.order_by(AuditEvent.seq)))


def was_reset(session: Session, user_id: int) -> bool:
    """Whether an admin has ever reset this user's password (the trail's 重置密码)."""
    query = select(AuditEvent.id).where(AuditEvent.entity == "user", AuditEvent.action == "user.password_reset",
                                        AuditEvent.entity_id == str(user_id))
    return session.scalar(query.limit(1)) is not None


def add(session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user


def _narrowed(query: Select, filters: UserFilters, regions: Collection[str]) -> Select:
    """``query`` kept to the users ``filters`` name; ``regions`` are the cities whose names hold the word."""
    if (word := filters.text) is not None:
        units = select(Department.id).where(Department.name.icontains(word, autoescape=True))
        enterprises = (select(Applicant.uscc).join(ApplicantProfile, ApplicantProfile.applicant_id == Applicant.id)
                       .where(ApplicantProfile.name.icontains(word, autoescape=True)))  # any name it has borne
        query = query.where(or_(User.username.icontains(word, autoescape=True),
                                User.display_name.icontains(word, autoescape=True),
                                User.uscc.icontains(word, autoescape=True), User.uscc.in_(enterprises),
                                User.department_id.in_(units), User.region.in_(list(regions))))
    if filters.role is not None:
        query = query.where(User.role == filters.role)
    if filters.active is not None:
        query = query.where(User.active == filters.active)
    return query


def found(session: Session, *, filters: UserFilters, regions: Collection[str], offset: int = 0,
          limit: int | None = None) -> tuple[list[User], int]:
    """The users ``filters`` name, oldest first, from ``offset`` (at most ``limit``); and how many in all."""
    total = session.scalar(_narrowed(select(func.count(User.id)), filters, regions)) or 0
    if offset >= total:  # past the end (a page number beyond any offset the database takes, too)
        return [], total
    query = _narrowed(select(User), filters, regions).order_by(User.id).offset(offset).limit(limit)
    return list(session.scalars(query)), total


def end_sign_ins(session: Session, user_id: int, *, browsers: bool = True) -> None:
    """End the user's browser sessions (unless not ``browsers``) and revoke their tokens (after a password change or
    reset, the account disabled or enabled again)."""
    if browsers:
        session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    session.execute(update(ApiToken).where(ApiToken.user_id == user_id).values(revoked=True)
                    .execution_options(synchronize_session=False))

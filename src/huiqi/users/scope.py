"""Scope: what an actor may see. An enterprise sees its own records, a city reviewer its region,
a department the applications it leads; finance, admin and the auditor see everything; a policy analyst
sees no application (only statistics, which are sums)."""

from dataclasses import dataclass

from huiqi.errors import Forbidden
from huiqi.models import Application, User
from huiqi.users.roles import ROLE_LABELS, WAY_IN, Role

# Who acts on the command line (imports, seeding, the first user): the operator of the machine.
SYSTEM = User(username="system", display_name="系统", role=Role.SYSTEM, password_hash="!")


@dataclass(frozen=True)
class Scope:
    """A filter on applications: at most one of the bounds is set; none means everything, ``nothing`` none."""

    uscc: str | None = None
    city: str | None = None
    department_id: int | None = None
    nothing: bool = False

    @property
    def everything(self) -> bool:
        return self.uscc is None and self.city is None and self.department_id is None and not self.nothing


def scope_of(actor: User) -> Scope:
    """The applications ``actor`` may see."""
    if actor.role == Role.ENTERPRISE:
        return Scope(uscc=actor.uscc)
    if actor.role == Role.CITY:
        return Scope(city=actor.region)
    if actor.role == Role.DEPARTMENT:
        return Scope(department_id=actor.department_id)
    if actor.role == Role.ANALYST:
        return Scope(nothing=True)
    return Scope()


def sums_scope(actor: User) -> Scope:
    """The applications whose counts and sums ``actor`` may read: those of its scope, and the province's for a
    policy analyst, who reads sums and never one application."""
    return Scope() if actor.role == Role.ANALYST else scope_of(actor)


def covers(actor: User, application: Application) -> bool:
    """Whether ``actor`` may see ``application``."""
    scope = scope_of(actor)
    if scope.nothing:
        return False
    if scope.uscc is not None:
        return application.uscc == scope.uscc
    if scope.city is not None:
        return application.city == scope.city
    if scope.department_id is not None:
        return application.department_id == scope.department_id
    return True


def require_role(actor: User, *roles: str, doing: str, named: bool = False) -> None:
    """Refuse unless the actor holds one of ``roles`` (the system may do what an admin may); ``named``: the refusal
    says who does it (审计人员无权设定预算（由财政人员办理）), as a step of the workflow's does."""
    allowed = set(roles) | ({Role.SYSTEM} if Role.ADMIN in roles else set())
    if actor.role not in allowed:
        who = f"（由{'、'.join(ROLE_LABELS.get(r, r) for r in roles)}办理）" if named else ""
        raise Forbidden(f"{ROLE_LABELS.get(actor.role, actor.role)}无权{doing}{who}")


SUMS_ONLY = f"政策分析人员只看汇总，不查看具体单位和申报：{WAY_IN[Role.ANALYST]}"


def sums_only(actor: User) -> None:
    """Refuse a policy analyst a page of applicants' or applications' own records (an empty list would read as if
    there were none), pointing to the sums they read."""
    if actor.role == Role.ANALYST:
        raise Forbidden(SUMS_ONLY)


def require_uscc(actor: User, uscc: str, *, doing: str) -> None:
    """An enterprise user speaks only for its own unit."""
    if actor.role == Role.ENTERPRISE and actor.uscc != uscc:
        raise Forbidden(f"企业用户只能{doing}本单位（{actor.uscc}）的记录")

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, false, func
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created
from huiqi.users.roles import PEOPLE

ROLES = tuple(str(r) for r in PEOPLE)


class User(Created, Base):
    """A person who signs in, with one role and, for some roles, what it is bound to."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role"),
        CheckConstraint("role != 'enterprise' OR uscc IS NOT NULL", name="enterprise_uscc"),
        CheckConstraint("role != 'city' OR region IS NOT NULL", name="city_region"),
        CheckConstraint("role != 'department' OR department_id IS NOT NULL", name="department_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    uscc: Mapped[str | None] = mapped_column(String(18))  # enterprise: the one unit it speaks for
    region: Mapped[str | None] = mapped_column(String(10))  # city reviewer: a city code or 'shenfu'
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))  # department reviewer
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[str | None] = mapped_column(String(254))  # where messages are also mailed (optional)
    # Set when an admin opens the account or resets its password: the user must choose their own at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


# One login name whatever its capitals ("ADMIN" is not another account beside "admin").
Index("uq_users_username_lower", func.lower(User.username), unique=True)

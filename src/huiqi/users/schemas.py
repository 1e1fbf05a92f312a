"""Users as the services take and give them."""

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, computed_field

from huiqi.users import passwords
from huiqi.validation import PlainText, UtcDateTime

Role = Literal["enterprise", "city", "department", "finance", "admin", "auditor", "analyst"]


def _acceptable(password: str) -> str:
    why = passwords.problem(password)
    if why is not None:
        raise ValueError(why)
    return password


Password = Annotated[PlainText, AfterValidator(_acceptable)]


def as_seen(user) -> str:
    """A user's role and binding as one text, which the change form carries (``seen``): read again under the row's
    lock, it tells whether another admin changed them since the form was shown."""
    return f"{user.role}:{user.uscc or ''}:{user.region or ''}:{user.department_id or ''}"


class UserBinding(BaseModel):
    """A new user; what it is bound to depends on the role."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$",
                          description="登录名：字母、数字、下划线、点或连字符")
    display_name: PlainText = Field(min_length=1, max_length=100, description="显示名称，如“沈阳市审核员”")
    role: Role = Field(description="角色")
    uscc: PlainText | None = Field(None, max_length=18, description="企业用户：绑定的统一社会信用代码")
    region: PlainText | None = Field(None, max_length=10, description="市级初审人员：地级市代码（如 210100）或 shenfu")
    department: PlainText | None = Field(None, max_length=100, description="责任单位审核人员：绑定的责任单位名称")


class UserCreate(UserBinding):
    """A new user: who, what role and binding, and the first password."""

    password: Password = Field(max_length=200, description="初始密码：至少 10 个字符，不能是常见密码")


class UserUpdate(BaseModel):
    """A change to a user: a new role and its binding, and/or disabling or re-enabling the account."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = Field(None, description="新角色；不给则保留原角色（仍可改绑定）")
    uscc: PlainText | None = Field(None, max_length=18, description="企业用户：绑定的统一社会信用代码")
    region: PlainText | None = Field(None, max_length=10, description="市级初审人员：绑定的地级市代码")
    department: PlainText | None = Field(None, max_length=100, description="责任单位审核人员：绑定的责任单位名称")
    active: bool | None = Field(None, description="false 停用账号，true 重新启用")
    seen: PlainText | None = Field(None, max_length=200, description="变更前读到的角色与绑定（用户列表中的 seen）："
                                                                     "其间已被另一位管理员变更则答 409")
    confirm: bool = Field(False, description="停用管理员或变更其角色后只剩一位启用的管理员时须为 true："
                                             "否则答 409，说明后果")


class UserRead(BaseModel):
    """An account as shown to admins and to its owner: never the password or its hash."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    uscc: str | None
    region: str | None
    department_id: int | None
    department: str | None = None
    reset_pending: bool = Field(False, validation_alias="must_change_password",
                                description="管理员开设账号或重置密码后，等待本人设定自己的密码")
    active: bool
    created_at: UtcDateTime | None = None

    @computed_field(description="角色与绑定如此刻所见：变更时作为 seen 送回，其间已被他人变更则答 409")
    @property
    def seen(self) -> str:
        return as_seen(self)


class UserChanged(UserRead):
    """An account as a creation or a change of its role or binding left it, with the offers (政策直达) that step
    brought its unit."""

    offers_made: int = Field(0, ge=0, description="本次创建或绑定统一社会信用代码后，按公布的认定名单为该单位生成的"
                                                  "政策直达项数（已通知该单位）；没有则为 0")


class PasswordChange(BaseModel):
    """The user's own new password, with the current one as proof."""

    model_config = ConfigDict(extra="forbid")

    current_password: PlainText = Field(min_length=1, max_length=200, description="当前密码")
    new_password: Password = Field(max_length=200, description="新密码：至少 10 个字符，不能是常见密码")


class PasswordReset(BaseModel):
    """A password an admin sets for someone; they must change it at their next sign-in."""

    model_config = ConfigDict(extra="forbid")

    new_password: Password = Field(max_length=200, description="临时密码：至少 10 个字符；用户下次登录时须修改")

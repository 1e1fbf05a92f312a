"""Users as the services take and give them."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["enterprise", "city", "department", "finance", "admin", "auditor"]


class UserCreate(BaseModel):
    """A new user; what it is bound to depends on the role."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    display_name: str = Field(min_length=1, max_length=100)
    role: Role
    password: str = Field(min_length=8, max_length=200)
    uscc: str | None = None
    region: str | None = None
    department: str | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    uscc: str | None
    region: str | None
    department_id: int | None
    active: bool

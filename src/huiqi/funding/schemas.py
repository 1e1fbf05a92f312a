"""The funding door's shapes: budgets with what is committed, paid and left; approvals; payments. Whole yuan."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from huiqi.money import MAX_YUAN
from huiqi.validation import PlainText, StrictInput


class BudgetRead(BaseModel):
    year: int
    policy_id: str
    measure: int
    title: str
    amount: int
    committed: int
    disbursed: int
    left: int
    set_by: str


class BudgetSet(StrictInput):
    amount: int = Field(ge=0, le=MAX_YUAN, description="年度预算（元，整数）；不能低于已批准的金额")


class ApprovalCreate(StrictInput):
    application_id: int = Field(ge=1, le=2_147_483_647, description="批准的申报编号（公示期已满）；批准日期为登记之日")


class GrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    application_id: int
    policy_id: str
    measure: int
    amount: int
    ceiling: int | None
    approved_on: date
    approved_by: str


class DisbursementCreate(StrictInput):
    application_id: int = Field(ge=1, le=2_147_483_647, description="拨付的申报编号（已批准）")
    paid_on: date = Field(description="拨付日期（不早于批准日期）", strict=False)
    reference: PlainText = Field(min_length=1, max_length=64, description="拨付凭证号")


class DisbursementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    application_id: int
    amount: int
    paid_on: date
    reference: str
    recorded_by: str

"""The funding door's shapes: budgets with what is committed, paid and left; approvals; payments. Whole yuan."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from huiqi.money import MAX_YUAN
from huiqi.review.schemas import SeenIn
from huiqi.validation import Day, PlainText, StrictInput, repeated
from huiqi.workflow.batch import MAX_BATCH, MAX_PAYMENTS


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
    low: bool = Field(description="余额偏低：余额不足年度预算的 10%，或少于今年已拟定金额和公示中待批准的金额"
                                  "（与预算页“余额提示”一栏相同）")
    low_reason: str | None = Field(description="余额偏低的原因（万元），与预算页所写相同；不偏低为空")


class BudgetSet(StrictInput):
    amount: int = Field(ge=0, le=MAX_YUAN, description="年度预算（元，整数）；不能低于已批准的金额")
    seen: int | None = Field(None, ge=0, le=MAX_YUAN, description="设定前看到的预算（元；尚未设定为 0）：两人同时"
                             "设定时，后到的一方得到 409，而不是悄悄覆盖前者；不填则不核对")


class ApprovalCreate(SeenIn):
    """An approval; with the state and the amount the caller last read (optional), one on an application changed
    since is refused (409)."""

    application_id: int = Field(ge=1, le=2_147_483_647, description="批准的申报编号（公示期已满）；批准日期为登记之日")


class ApprovalBatch(StrictInput):
    application_ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(
        min_length=1, max_length=MAX_BATCH,
        description=f"批准的申报编号（公示期已满），每批至多 {MAX_BATCH} 项；逐项办理")
    seen: list[ApprovalCreate] = Field(
        default_factory=list, max_length=MAX_BATCH,
        description="办理前看到的各项状态和拟定金额（可选，每项至多一条，须在 application_ids 中）：其间已变化的一项"
                    "不予批准（409），其余照常办理")

    @field_validator("seen")
    @classmethod
    def once_each(cls, seen: list[ApprovalCreate]) -> list[ApprovalCreate]:
        again = repeated(item.application_id for item in seen)
        if again is not None:
            raise ValueError(f"申报 #{again} 出现了两次：每项申报只说一次看到的状态")
        return seen

    @model_validator(mode="after")
    def seen_in_batch(self) -> "ApprovalBatch":
        stray = next((item.application_id for item in self.seen if item.application_id not in self.application_ids),
                     None)
        if stray is not None:
            raise ValueError(f"seen 中的申报 #{stray} 不在 application_ids 中")
        return self


class BatchItem(BaseModel):
    application_id: int
    done: bool
    status: int = Field(description="单独办理这一项时的 HTTP 状态：201 已办理；409、404、422 等为未办理")
    detail: str = Field(description="已办理，或未办理的原因")
    amount: int | None = Field(None, description="批准或拨付的金额（元），已办理时")


class BatchRead(BaseModel):
    done: int = Field(description="已办理的项数")
    refused: int = Field(description="未办理的项数")
    amount: int = Field(description="本批已办理的金额合计（元）：批准金额或拨付金额")
    items: list[BatchItem]


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


class DisbursementCreate(SeenIn):
    """A payment; with the state and the amount the caller last read (optional), one on an application changed
    since is refused (409)."""

    seen_amount: int | None = Field(None, ge=0, le=MAX_YUAN,
                                    description="办理前看到的金额（元，即批准金额）；已变化则 409（可选）")
    application_id: int = Field(ge=1, le=2_147_483_647, description="拨付的申报编号（已批准）")
    paid_on: Day = Field(description="拨付日期（不早于批准日期）")
    reference: PlainText = Field(min_length=1, max_length=64, description="凭证号（国库支付记录上的编号）")


class DisbursementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    application_id: int
    amount: int
    paid_on: date
    reference: str
    recorded_by: str
    applicant: str = ""  # 申报单位 (its name now; its credit code when it has none)
    uscc: str = ""
    policy_id: str = ""
    measure: int = 0


class PaymentBatch(StrictInput):
    items: list[DisbursementCreate] = Field(
        min_length=1, max_length=MAX_PAYMENTS,
        description=f"每项一笔拨付（申报编号、拨付日期、凭证号），每批至多 {MAX_PAYMENTS} 项；逐项办理")

    @field_validator("items")
    @classmethod
    def once_each(cls, items: list[DisbursementCreate]) -> list[DisbursementCreate]:
        again = repeated(item.application_id for item in items)
        if again is not None:
            raise ValueError(f"申报 #{again} 出现了两次：每项申报只拨付一次")
        return items


class DueRead(BaseModel):
    application_id: int
    applicant: str
    uscc: str
    policy_id: str
    measure: int
    title: str
    amount: int = Field(description="批准金额（元），拨付时按此金额")
    approved_on: date
    payee_missing: bool = Field(description="企业尚未确认收款账户（确认后方可拨付）")
    payee_bank: str = Field("", description="企业确认的开户银行")
    payee_account: str = Field("", description="企业确认的银行账号（财政人员见全号，其他人见尾号）")

"""Applications as the services give them."""

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from huiqi.money import MAX_YUAN
from huiqi.rules.answer import Result
from huiqi.validation import PlainText, StrictInput, UtcDateTime
from huiqi.workflow.states import STATES

StateName = Literal[tuple(STATES)]  # type: ignore[valid-type]

# The undertaking of the fund's 2025 application guide, made by the applicant on submission.
DECLARATION = ("本单位郑重承诺：本单位为独立法人，财务管理制度健全，无不良信用记录，"
               "近三年未发生重大安全、环保、质量事故；所报材料真实、准确、完整，如有虚假，愿承担相应责任。")


class ApplicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    uscc: str
    matter_id: int
    policy_id: str
    measure: int
    state: str
    amount_requested: int
    city: str | None
    city_review: bool | None
    department_id: int | None
    submitted_on: date | None
    policy_version: str | None
    ceiling: int | None
    rule_status: str | None
    expert_score: int | None
    amount_proposed: int | None
    announcement_id: int | None
    match_result: dict[str, Any] | None


class ApplicationCreate(StrictInput):
    """A new draft: one matter of the applicant under one monetary measure."""

    uscc: str = Field(description="申报单位的统一社会信用代码（企业用户只能为本单位申报）", min_length=1, max_length=18)
    matter: str = Field(description="事项编号（先在“事项”中登记）", min_length=1, max_length=64)
    round: int = Field(description="申报批次编号（GET /api/v1/rounds 列出开放中的批次；政策由批次确定）",
                       ge=1, le=2_147_483_647)
    measure: int = Field(description="措施序号", ge=1, le=999)
    amount_requested: int = Field(description="申请金额（元，整数，大于 0）", gt=0, le=MAX_YUAN)


class ApplicationUpdate(StrictInput):
    """What an applicant may change while the application is a draft or returned for correction; with what the
    caller last read of it (optional), a change of an application changed since is refused (409)."""

    amount_requested: int = Field(description="申请金额（元，整数，大于 0）", gt=0, le=MAX_YUAN)
    seen_state: StateName | None = Field(None, description="修改前看到的状态；已变化则 409（可选）")
    seen_amount: int | None = Field(None, gt=0, le=MAX_YUAN,
                                    description="修改前看到的申请金额（元）；其间已被改动则 409，不予修改（可选）")


class PayeeIn(StrictInput):
    """Where the application's money goes, as its enterprise confirms it; with what the caller last read of it
    (optional), a change of an account changed since is refused (409)."""

    bank: PlainText = Field(min_length=1, max_length=100, description="开户银行")
    account: PlainText = Field(min_length=8, max_length=40, description="银行账号（8 至 32 位数字，可含空格或连字符）")
    seen: str | None = Field(None, pattern=r"^[0-9]{0,4}$", description="确认前看到的已确认账号末四位（尚未确认为空"
                             "字符串）：两处同时确认时，后到的一方得到 409，而不是悄悄覆盖前者；不填则不核对")


class MaterialRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    kind: str | None = Field(None, description="批次要求的哪一项材料")
    media_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: UtcDateTime
    removed_by: str | None = Field(None, description="撤下者（仅已撤下的材料）")
    removed_at: UtcDateTime | None = Field(None, description="撤下时间（仅已撤下的材料）")


class StepRead(BaseModel):
    """One step of the timeline: what was done, by whom, on which day, why."""

    action: str
    label: str
    from_state: str
    to_state: str
    arrived: str = Field("", description="该步骤后的状态，按该步骤当日的说法（如列入尚未开始的公示为“公示未开始”）")
    actor: str
    actor_name: str
    on: date
    at: UtcDateTime
    reasons: str | None
    details: list[str] = Field(default_factory=list,
                               description="该步骤的改变：拟定金额、批准和拨付金额（审核方另见评审得分）")


class ApplicationSummary(BaseModel):
    """An application in a list (amounts in whole yuan)."""

    id: int
    uscc: str
    applicant_name: str | None
    matter: str = Field(description="事项编号（申报单位自己的编号，供系统之间对照）")
    matter_label: str = Field("", description="事项的名称、级别和日期，如“单项冠军企业（国家级，2025-06-01）”")
    policy_id: str
    policy_number: str = Field("", description="政策文号，如“辽政办〔2022〕35号”")
    round_id: int | None = Field(None, description="申报批次编号（批次制度以前的申报为空）")
    measure: int
    measure_title: str
    state: str
    state_label: str
    amount_requested: int
    ceiling: int | None
    amount_proposed: int | None
    amount_approved: int | None
    submitted_on: date | None = Field(description="首次提交日期（免申即享为确认日期）；退回补正后重新提交不改变它，"
                                                  "申报年度按它计")
    city: str | None
    department: str | None


class PaymentRead(BaseModel):
    """The payment of the approved amount, as finance recorded it from the treasury's voucher."""

    model_config = ConfigDict(from_attributes=True)

    amount: int = Field(description="拨付金额（元）")
    paid_on: date = Field(description="拨付日期")
    reference: str = Field(description="凭证号（国库支付记录上的编号）")


class ApplicationDetail(ApplicationSummary):
    """An application with what the rules said at submission, its materials, and every step so far."""

    policy_version: str | None
    rule_status: str | None
    city_review: bool | None
    declaration: str | None
    declared_at: UtcDateTime | None
    declaration_stands: bool = Field(False, description="承诺是否对本次（重新）提交有效：退回补正后须再次作出承诺")
    declaration_text: str
    resubmitted_on: date | None = Field(None, description="退回补正后最近一次重新提交的日期（提交日期仍为首次提交日）")
    result: Result | None
    materials: list[MaterialRead]
    removed_materials: list[MaterialRead] = Field([], description="已撤下的材料（保留备查，不计入本申报的材料）")
    timeline: list[StepRead]
    allowed: list[str]
    payment: PaymentRead | None = Field(None, description="拨付（已拨付时）：金额、日期、凭证号")
    payee_bank: str | None = Field(None, description="企业确认的收款账户的开户银行（尚未确认为空）")
    payee_account: str | None = Field(None, description="企业确认的收款账号，只示末四位，如 ****5678（尚未确认为空）")
    payee_confirmed_at: UtcDateTime | None = Field(None, description="企业确认（或最近变更）收款账户的时间；"
                                                                     "提交申报和拨付都须先确认")

"""One row of statistics."""

from pydantic import BaseModel, Field

DIMENSIONS = ("policy", "measure", "city", "department", "year", "state")


class StatRow(BaseModel):
    """Counts and sums (元) for one group; the group's keys are in ``group``."""

    group: dict[str, str | int | None] = Field(description="分组键，如 {\"measure\": 3, \"city\": \"210100\"}")
    applications: int = Field(description="已提交的申报件数")
    requested: int = Field(description="申请金额合计（元）")
    proposed_amount: int = Field(description="责任单位拟支持金额合计（元）")
    approved: int = Field(description="已批准件数")
    approved_amount: int = Field(description="批准金额合计（元）")
    disbursed_amount: int = Field(description="已拨付金额合计（元）")

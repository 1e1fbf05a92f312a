"""Applications as the services give them."""

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

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

"""Policy files as the admin reads them: each dated value with its source, units over time, the check."""

from datetime import date

from pydantic import BaseModel, Field

from huiqi.validation import UtcDateTime


class DatedValueRead(BaseModel):
    since: date
    value: str = Field(description="给人读的值：1000万元、30%、2025-12-31")
    raw: int | str = Field(description="金额为元，比例为分数，日期为 ISO 文本")
    source: str


class ParameterHistory(BaseModel):
    """A parameter and every value it has had (措施 None: the policy's own, e.g. the validity window)."""

    measure: int | None
    name: str
    label: str
    kind: str
    values: list[DatedValueRead]


class UnitsRead(BaseModel):
    measure: int
    since: date
    units: list[str] = Field(description="责任单位，牵头单位在前")
    source: str


class PolicyFileRead(BaseModel):
    """One version in the policy catalogue: loaded and checked (``ok``), or the problems that stop it loading."""

    version_id: int = Field(description="政策目录中的版本编号")
    state: str = Field(description="draft 草稿；published 已发布；superseded 已被新版本取代；withdrawn 已撤回")
    state_label: str = Field(description="给人读的状态（已发布的政策过了有效期读作“已过期”）")
    drafted_by: str
    published_by: str | None = None
    published_at: UtcDateTime | None = None
    published_on: date | None = Field(None, description="发布日期（业务日期，与白名单等发布日期一致）")
    note: str | None = None
    file: str
    ok: bool
    problems: list[str]
    situations: int = Field(0, description="文件自带的测试情形个数")
    failing: list[str] = Field([], description="未通过的测试情形（发布时同样运行，未通过则不能发布）；空为全部通过")
    warnings: list[str] = Field([], description="存疑之处（如金额参数的取值不见于所引条文）：提示核对，不阻止发布")
    succeeds: str | None = Field(None, description="所接续的政策的编号（id），文件中 succeeds 所写")
    id: str | None = None
    number: str | None = None
    title: str | None = None
    version: str | None = None
    window_start: date | None = None
    window_end: date | None = None
    measures: int = 0
    rules: int = 0
    parameters: list[ParameterHistory] = []
    units: list[UnitsRead] = []

"""What the audit trail answers."""

from typing import Any

from pydantic import BaseModel, Field

from huiqi.validation import UtcDateTime


class EventRead(BaseModel):
    seq: int
    at: UtcDateTime
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    prev_hash: str = Field("", description="前一条记录的哈希（第 1 条为 64 个 0）")
    hash: str = Field("", description="本条记录的哈希：覆盖本条内容与 prev_hash")


class Verification(BaseModel):
    """The outcome of walking the chain: how many events, every problem of the chain, and every difference
    between the business tables and what the events say."""

    events: int
    problems: list[str]
    differences: list[str] = []
    head: str = ""  # the chain's head as seq:hash ("" when the head row is gone)
    anchors: list[str] = []  # the anchors given that the chain still holds
    # the anchors given that it does not hold, each said (an anchor may be mis-copied, or the past rewritten)
    unheld: list[str] = []

    @property
    def chained(self) -> bool:
        """The chain itself and the business rows check out, whatever the anchors given."""
        return not self.problems and not self.differences

    @property
    def intact(self) -> bool:
        """The chain, the business rows and every anchor given check out."""
        return self.chained and not self.unheld


class VerificationRead(BaseModel):
    """The chain's state as the API gives it: ``problems`` of the chain itself, ``differences`` between the
    business tables and the events; ``intact`` when there are neither."""

    intact: bool
    events: int
    problems: list[str]
    differences: list[str]
    head: str = Field(description="审计链头（序号:哈希）：请在库外保存，日后以 anchor 参数核对")
    anchors: list[str] = Field(description="给出的锚点中与链上记录相符的")

    @classmethod
    def of(cls, result: Verification) -> "VerificationRead":
        """An anchor the chain does not hold is among the problems, as the API has always said it."""
        return cls(intact=result.intact, events=result.events, problems=result.problems + result.unheld,
                   differences=result.differences, head=result.head, anchors=result.anchors)

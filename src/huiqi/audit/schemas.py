"""What the audit trail answers."""

from typing import Any

from pydantic import BaseModel

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


class Verification(BaseModel):
    """The outcome of walking the chain: how many events, every problem of the chain, and every difference
    between the business tables and what the events say."""

    events: int
    problems: list[str]
    differences: list[str] = []

    @property
    def intact(self) -> bool:
        return not self.problems and not self.differences


class VerificationRead(BaseModel):
    """The chain's state as the API gives it: ``problems`` of the chain itself, ``differences`` between the
    business tables and the events; ``intact`` when there are neither."""

    intact: bool
    events: int
    problems: list[str]
    differences: list[str]

    @classmethod
    def of(cls, result: Verification) -> "VerificationRead":
        return cls(intact=result.intact, events=result.events, problems=result.problems,
                   differences=result.differences)

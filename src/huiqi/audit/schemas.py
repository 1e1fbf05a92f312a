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
    """The outcome of walking the chain: how many events, and every problem found."""

    events: int
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


class VerificationRead(BaseModel):
    """The chain's state as the API gives it."""

    intact: bool
    events: int
    problems: list[str]

    @classmethod
    def of(cls, result: Verification) -> "VerificationRead":
        return cls(intact=result.intact, events=result.events, problems=result.problems)

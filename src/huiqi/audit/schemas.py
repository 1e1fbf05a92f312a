"""What the audit trail answers."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class EventRead(BaseModel):
    seq: int
    at: datetime
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

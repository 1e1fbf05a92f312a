"""The materials as a reviewer reads them: which of the round's materials each one is, when it came, and whether it
came with a correction (补正: uploaded, or taken down, after a return for correction), so that what changed since
the reviewer last read the application is seen at once."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from huiqi.applications import repository
from huiqi.models import Application, Material
from huiqi.rounds import service as rounds


@dataclass(frozen=True)
class Filed:
    """One material of an application, as the review page lists it."""

    material: Material
    kind: str  # the round's name for it (申报书, 证明材料), or "" when none was given
    required: bool | None  # whether the round requires it; None when the round's list does not name it
    corrects: date | None  # the day of the return for correction it answers (it came after that return), else None


def filed(session: Session, app: Application, *, removed: bool = False) -> list[Filed]:
    """The application's materials (or those taken down from it), each with its kind as the round names it and the
    return for correction it answers, if any."""
    opened = rounds.opened_measure(session, app)
    wanted = {str(m["name"]): bool(m["required"]) for m in (opened.materials if opened is not None else [])}
    returns = repository.returns(session, app.id)
    found = repository.materials(session, app.id, removed=removed)
    return [Filed(m, m.kind or "", wanted.get(m.kind or ""),
                  answering(returns, m.removed_at if removed else m.uploaded_at)) for m in found]


def answering(returns: list[tuple[datetime, date]], moment: datetime | None) -> date | None:
    """The day of the last return for correction before ``moment``, or None when it came before any.

    >>> back = [(datetime(2025, 9, 5, 2), date(2025, 9, 5)), (datetime(2025, 9, 20, 3), date(2025, 9, 20))]
    >>> answering(back, datetime(2025, 9, 1)), answering(back, datetime(2025, 9, 8)), answering(back, None)
    (None, datetime.date(2025, 9, 5), None)
    >>> answering(back, datetime(2025, 9, 21))
    datetime.date(2025, 9, 20)
    """
    if moment is None:
        return None
    return next((on for at, on in reversed(returns) if at < moment), None)

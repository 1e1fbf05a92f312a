"""SQL of 公示 batches."""

from sqlalchemy.orm import Session

from huiqi.models import Announcement


def add(session: Session, announcement: Announcement) -> Announcement:
    session.add(announcement)
    session.flush()
    return announcement


def get(session: Session, announcement_id: int) -> Announcement | None:
    return session.get(Announcement, announcement_id)

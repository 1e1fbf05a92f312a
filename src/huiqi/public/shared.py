"""A calculator answer shared by a link: the answer is stored here under a random id; the link carries no fact.

The link is ``/calculator/shared/<id>``: 128 random bits (``secrets.token_urlsafe(16)``), so it cannot be guessed
or listed, and nothing the enterprise typed (its name, code, region, amounts) is in the address, in server logs of
it, or in a Referer. What is stored is the answer the server computed from the form (never an answer sent by the
browser): the policy, the day, each result with its ceiling and clause, the questions and what would change a
"no" - and not the case; the amounts of other support received are left out. Ceilings computed from a base (30% of
an investment) still let a reader work the base out: the page says that whoever holds the link sees the answer.
A shared answer expires after ``HUIQI_SHARE_DAYS`` days, counted on the business day (``clock.today()``). Answers
are kept in a folder per day shared (``<HUIQI_SHARED_DIR>/<YYYY-MM-DD>/<id>.json``); sharing removes the folders
of days that have expired, so the store holds at most ``HUIQI_SHARE_DAYS`` days of answers.
"""

import json
import os
import re
import secrets
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

from huiqi import clock
from huiqi.config import get_settings
from huiqi.errors import NotFound
from huiqi.rules.questions import AdvisedAnswer

ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def save(answer: AdvisedAnswer) -> str:
    """Store the answer (without the support received) and return its id."""
    today = clock.today()
    _forget_expired(today)
    folder = get_settings().shared_dir / today.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    kept = answer.model_copy(update={
        "results": [r.model_copy(update={"other_support": None}) for r in answer.results],
        "grants": [g.model_copy(update={"other_support": None}) for g in answer.grants]})
    share_id = secrets.token_urlsafe(16)
    record = {"created": today.isoformat(), "answer": kept.model_dump(mode="json")}
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp") as out:
        json.dump(record, out, ensure_ascii=False)
    os.replace(out.name, folder / f"{share_id}.json")  # whole or not at all
    return share_id


def _days() -> list[Path]:
    root = get_settings().shared_dir
    return [d for d in root.iterdir() if d.is_dir() and DAY.match(d.name)] if root.is_dir() else []


def _forget_expired(today: date) -> None:
    oldest = today - timedelta(days=get_settings().share_days)
    for day in _days():
        try:
            expired = date.fromisoformat(day.name) < oldest
        except ValueError:  # not a day's folder of ours
            continue
        if expired:
            shutil.rmtree(day, ignore_errors=True)


def load(share_id: str) -> tuple[AdvisedAnswer, date, date]:
    """The shared answer, the day it was shared and the last day it can be seen; NotFound when there is none
    (or it has expired)."""
    found = [d / f"{share_id}.json" for d in _days()] if ID.match(share_id) else []
    path = next((p for p in found if p.is_file()), None)
    if path is None:
        raise NotFound("没有这个分享链接（或已失效）")
    record = json.loads(path.read_text("utf-8"))
    created = date.fromisoformat(record["created"])
    until = created + timedelta(days=get_settings().share_days)
    if clock.today() > until:
        raise NotFound(f"这个分享链接已于 {until.isoformat()} 失效")
    return AdvisedAnswer.model_validate(record["answer"]), created, until

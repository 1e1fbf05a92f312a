"""Import applicants and matters in the population format (CSV folder, Parquet folder or an Excel
workbook with sheets ``applicants`` and ``matters``), read and checked by the population reader."""

from pathlib import Path

import polars as pl
from pydantic import BaseModel
from sqlalchemy.orm import Session

from huiqi.applicants import service
from huiqi.applicants.schemas import MATCH_FIELDS
from huiqi.catalogue import service as catalogue
from huiqi.models import User
from huiqi.simulate.population import read_population
from huiqi.users.roles import Role
from huiqi.users.scope import require_role


class ImportReport(BaseModel):
    applicants: int
    profiles_changed: int
    matters: int


def import_population(session: Session, *, actor: User, path: Path) -> ImportReport:
    """Record every applicant's profile (a new version only where it changed) and every matter."""
    require_role(actor, Role.ADMIN, doing="导入申报单位")
    codes = catalogue.codes(session)
    population = read_population(path, codes)
    frames = pl.collect_all([population.applicants, population.matters])
    changed = 0
    for row in frames[0].iter_rows(named=True):
        fields = {k: row[k] for k in MATCH_FIELDS[1:] if row.get(k) is not None}
        before = service.repository.by_uscc(session, row["uscc"])
        version = service.repository.current_profile(session, before.id).version if before else 0
        profile = service.record_profile(session, actor=actor, uscc=row["uscc"], **fields)
        changed += profile.version != version
    for row in frames[1].iter_rows(named=True):
        matter = {k: v for k, v in row.items() if v is not None and k != "uscc"}
        service.save_matter(session, actor=actor, uscc=row["uscc"], matter=matter)
    return ImportReport(applicants=frames[0].height, profiles_changed=changed, matters=frames[1].height)

from datetime import date

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from huiqi.models.base import Base, Created
from huiqi.models.whitelist_entry import WhitelistEntry
from huiqi.models.whitelist_omission import WhitelistOmission


class WhitelistVersion(Created, Base):
    """A version of the whitelist (白名单): proposed under the measure serving it on ``as_of`` (recorded as its basis,
    so that a successor published later never changes what it was compiled under), reviewed, then published on a
    date as the next public edition (第 N 版)."""

    __tablename__ = "whitelist_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The record's own number (拟定稿 #N), one per proposal, discarded ones included: the audit trail's key.
    number: Mapped[int] = mapped_column(Integer, unique=True)
    # The public edition (第 N 版), given on publication: published versions only, so a discarded draft leaves no gap.
    edition: Mapped[int | None] = mapped_column(Integer, unique=True, index=True)
    state: Mapped[str] = mapped_column(String(20))  # proposed | published | discarded
    as_of: Mapped[date] = mapped_column(Date)  # the records it was computed from, as of this day
    proposed_by: Mapped[str] = mapped_column(String(64))
    published_on: Mapped[date | None] = mapped_column(Date)
    published_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    # The basis it was compiled under, as the policy said it that day (None only where none could be found).
    basis_policy: Mapped[str | None] = mapped_column(String(40))  # the policy file's id
    basis_version: Mapped[str | None] = mapped_column(String(64))  # the policy text's version (digest prefix)
    basis_number: Mapped[str | None] = mapped_column(String(100))  # 辽政办〔2022〕35号
    basis_title: Mapped[str | None] = mapped_column(String(200))  # the policy's title
    basis_measure: Mapped[int | None] = mapped_column(Integer)
    basis_measure_title: Mapped[str | None] = mapped_column(String(200))
    basis_clause: Mapped[str | None] = mapped_column(Text)  # the measure's clause, as the public page quotes it
    basis_list: Mapped[str | None] = mapped_column(String(200))  # the list's name: 数字经济核心产业企业“白名单”
    basis_ends: Mapped[date | None] = mapped_column(Date)  # the policy's window's last day, as then in force
    # How many applicants' profiles were considered (None: proposed before those passed over were recorded).
    considered: Mapped[int | None] = mapped_column(Integer)
    entries: Mapped[list[WhitelistEntry]] = relationship(lazy="raise", order_by=WhitelistEntry.id)
    omissions: Mapped[list[WhitelistOmission]] = relationship(lazy="raise", order_by=WhitelistOmission.id)

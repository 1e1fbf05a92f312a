"""Every list a department files can be downloaded as an Excel workbook: one titled sheet, a header, rows.

Money columns hold whole yuan (exact integers) with a 万元 column beside them for people; dates
are written as dates, moments in Beijing time. Build a ``Table`` in the domain, hand it to ``download``.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import xlsxwriter
from fastapi.responses import Response

from huiqi.money import wan
from huiqi.validation import beijing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    """A list as a department files it: ``money`` names the header cells that hold whole yuan."""

    title: str
    header: Sequence[str]
    rows: list[Sequence[Any]]
    money: set[str] = field(default_factory=set)


def columns(table: Table) -> list[str]:
    """The sheet's header: each money column is followed by its 万元 twin."""
    out = []
    for name in table.header:
        out.append(f"{name}（元）" if name in table.money else name)
        if name in table.money:
            out.append(f"{name}（万元）")
    return out


def cells(table: Table, row: Sequence[Any]) -> list[Any]:
    out = []
    for name, value in zip(table.header, row, strict=True):
        out.append(value)
        if name in table.money:
            out.append(wan(value) if value is not None else None)
    return out


def workbook(table: Table) -> bytes:
    """The table as the bytes of an .xlsx workbook."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        sheet = book.add_worksheet(table.title[:31].translate(str.maketrans("[]:*?/\\", "（）：＊？／＼")))
        bold = book.add_format({"bold": True})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet.write(0, 0, table.title, bold)
        header = columns(table)
        sheet.write_row(1, 0, header, bold)
        for r, row in enumerate(table.rows, start=2):
            for c, value in enumerate(cells(table, row)):
                if isinstance(value, datetime):
                    sheet.write_datetime(r, c, beijing(value), moment)
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
                elif value is None:
                    sheet.write_blank(r, c, None)
                elif isinstance(value, (int, str)):
                    sheet.write(r, c, value)
                else:
                    sheet.write(r, c, str(value))
        for c, name in enumerate(header):
            sheet.set_column(c, c, max(10, min(40, 2 * len(name) + 2)))
        sheet.freeze_panes(2, 0)
    return buffer.getvalue()


def download(table: Table, filename: str) -> Response:
    """The workbook as a download named ``filename`` (Chinese names survive: RFC 5987)."""
    quoted = quote(filename)
    return Response(workbook(table), media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"huiqi.xlsx\"; filename*=UTF-8''{quoted}"})

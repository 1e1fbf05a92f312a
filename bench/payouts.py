"""Time finance's batch steps on N applications in a fresh database (SQLite, or a PostgreSQL schema of its own):
approving them in batches of 100 (批量批准: each re-runs the rules, draws the budget, tells the enterprise, audits),
then paying them from one returned 待拨付清单 (批量拨付: the list exported, every row filled, read and checked, each
row paid as if alone). The applications are first taken to an ended 公示 through the workflow (not timed).

    .venv/bin/python bench/payouts.py --applications 500 [--database postgresql]
"""

import argparse
import io
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' helpers make the applications

APPROVE_ON, PAY_ON = date(2025, 10, 13), date(2025, 10, 20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=500)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    from openpyxl import load_workbook
    from sqlalchemy.orm import Session
    from tests.dbtest import little_giant_firm, make_people, migrated, to_announced

    from huiqi import clock
    from huiqi.db import writer
    from huiqi.funding import payouts
    from huiqi.funding import service as budgets
    from huiqi.web.excel import workbook
    from huiqi.workflow.batch import MAX_BATCH, each
    from huiqi.workflow.states import Action

    folder = Path(tempfile.mkdtemp())
    with migrated(args.database, folder) as engine:
        engine = writer(engine) if args.database == "sqlite" else engine
        started = time.perf_counter()
        with Session(engine, expire_on_commit=False) as session:
            people = make_people(session)
            budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3,
                               amount=700_000 * args.applications)
            ids = [to_announced(session, little_giant_firm(session, i), [people.shenyang, people.miit], matter="h1",
                                measure=3, amount=1_000_000, proposed=700_000, store=folder).id
                   for i in range(args.applications)]
            session.commit()
        print(f"{args.applications} applications to an ended 公示 on {args.database}: "
              f"{time.perf_counter() - started:.1f} s (not part of the figures)")

        with Session(engine, expire_on_commit=False) as session, clock.pinned(APPROVE_ON):
            started = time.perf_counter()
            approved = 0
            for at in range(0, len(ids), MAX_BATCH):
                outcomes = each(session, Action.APPROVE, actor=people.finance,
                                items={i: {} for i in ids[at:at + MAX_BATCH]})
                approved += sum(o.done for o in outcomes)
            approving = time.perf_counter() - started
        print(f"批量批准: {approved} of {len(ids)} approved in batches of {MAX_BATCH}: {approving:.2f} s "
              f"({1000 * approving / len(ids):.1f} ms each)")

        with Session(engine, expire_on_commit=False) as session, clock.pinned(PAY_ON):
            started = time.perf_counter()
            table = payouts.due_table(session, people.finance)
            content = workbook(table)
            exporting = time.perf_counter() - started
            book = load_workbook(io.BytesIO(content))
            sheet = book.active
            header = [c.value for c in sheet[2]]
            for line in range(3, sheet.max_row + 1):
                sheet.cell(line, header.index("拨付日期") + 1, PAY_ON.isoformat())
                sheet.cell(line, header.index("凭证号") + 1, f"GK-{line:05d}")
            filled = folder / "filled.xlsx"
            book.save(filled)
            content = filled.read_bytes()
            started = time.perf_counter()
            read = payouts.read_sheet(content, "filled.xlsx")
            reading = time.perf_counter() - started
            started = time.perf_counter()
            _, outcomes = payouts.pay_sheet(session, actor=people.finance, content=content, name="filled.xlsx")
            paying = time.perf_counter() - started
        paid = sum(o.done for o in outcomes)
        print(f"批量拨付: list of {len(table.rows)} exported in {exporting:.2f} s ({len(content):,} bytes filled in); "
              f"read and checked in {reading:.2f} s ({len(read.payments)} rows); "
              f"{paid} paid in {paying:.2f} s with the reading ({1000 * paying / max(paid, 1):.1f} ms each)")


if __name__ == "__main__":
    main()

"""Time the import of a recognition list of N rows (half of them applicants already recorded as software firms
in 沈阳) into a fresh SQLite database (or PostgreSQL with --url):
check every row, write applicants and matters, match the applicants again and make the offers.

    .venv/bin/python bench/lists.py --rows 1000 [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    os.environ["HUIQI_DATABASE_URL"] = args.url or f"sqlite:///{folder / 'bench.db'}"
    os.environ.setdefault("HUIQI_TODAY", "2025-06-30")
    from huiqi import db
    from huiqi.applicants import service as applicants
    from huiqi.catalogue import service as catalogue
    from huiqi.recognition import service as lists
    from huiqi.reference.uscc import make, org_check_char
    from huiqi.rounds import opening
    from huiqi.users import service as users
    from huiqi.users.scope import SYSTEM

    db.upgrade()
    with db.session_scope() as session:
        admin = users.create_user(session, actor=SYSTEM, username="bench", display_name="基准", role="admin",
                                  password="long enough password")
        policy = catalogue.published(session)[0]
        opening.open_round(session, actor=admin, policy_id=policy.id, title="基准批次", opens_on=date(2025, 6, 1),
                           closes_on=date(2025, 12, 31),
                           measures=[opening.MeasureIn(m.number) for m in policy.measures if m.monetary])
    body = [f"B{i:07d}" for i in range(args.rows)]
    codes = [make(f"91210100{b}{org_check_char(b)}") for b in body]
    with db.session_scope() as session:  # half the list already known: a software firm in 沈阳 (offers follow)
        for i, code in enumerate(codes[: args.rows // 2]):
            applicants.record_profile(session, actor=SYSTEM, uscc=code, name=f"基准企业{i}", kind="enterprise",
                                      region="210102", industry="6513")
    rows = [["uscc", "name"]] + [[code, f"基准企业{i}"] for i, code in enumerate(codes)]
    started = time.perf_counter()
    with db.session_scope() as session:
        checked = lists.check(session, rows, code="little_giant", level="national", published_on=date(2025, 6, 1))
        checking = time.perf_counter() - started
        done = lists.import_list(session, actor=users.repository.by_username(session, "bench"), rows=checked,
                                 code="little_giant", level="national", document="基准〔2025〕1号",
                                 published_on=date(2025, 6, 1), inline=True)
        offers = done.offers
    total = time.perf_counter() - started
    print(f"{args.rows} rows on {os.environ['HUIQI_DATABASE_URL'].split(':')[0]}: check {checking:.2f} s, "
          f"import + matching + offers {total:.2f} s in all; {done.applicants_created} applicants created, "
          f"{offers} offers")


if __name__ == "__main__":
    main()

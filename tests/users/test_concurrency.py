"""Two changes of one's own password at once, on PostgreSQL: one is made, the other refused (409), never both told
they succeeded while only one of the new passwords signs in."""

import threading

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from huiqi.errors import Conflict
from huiqi.models import User
from huiqi.users import service as users
from tests.dbtest import PASSWORD, make_people


def test_two_password_changes_at_once_end_in_one(pg: Engine) -> None:
    with Session(pg) as session, session.begin():
        alice = make_people(session).alice.id
    news = ["第一个新密码-hq-2026", "第二个新密码-hq-2026"]
    barrier = threading.Barrier(2)
    outcomes = [""] * 2

    def change(index: int) -> None:
        with Session(pg, expire_on_commit=False) as session:
            try:
                with session.begin():
                    me = session.get(User, alice)  # signed in: the request has read its user
                    barrier.wait()
                    users.change_own_password(session, actor=me, current=PASSWORD, new=news[index])
                outcomes[index] = "done"
            except Conflict as refused:
                outcomes[index] = refused.message

    threads = [threading.Thread(target=change, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[0] == "done" and "刚刚已在别处修改" in sorted(outcomes)[1], outcomes
    kept = news[outcomes.index("done")]
    with Session(pg) as session:
        assert users.authenticate(session, username="alice", password=kept).id == alice

"""Two changes of one's own password at once, on PostgreSQL: one is made, the other refused (409), never both told
they succeeded while only one of the new passwords signs in. Two admins changing one user's role at once, from the
same view, on both databases: one change is made, the other refused."""

import threading

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from huiqi.errors import Conflict
from huiqi.models import User
from huiqi.users import service as users
from huiqi.users.schemas import as_seen
from huiqi.users.scope import SYSTEM
from tests.dbtest import PASSWORD, at_once, make_people


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


def test_two_role_changes_of_one_user_at_once_end_in_one(own_database: Engine) -> None:
    engine = own_database
    with Session(engine, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        second = users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员",
                                   role="admin", password=PASSWORD)
        admins, seen = (people.admin.id, second.id), as_seen(people.dalian)
    changes = [{"role": "city", "region": "210100"}, {"role": "finance"}]

    def changing(index: int):
        return lambda session: users.change_role(session, actor=session.get(User, admins[index]), username="dalian",
                                                 seen=seen, **changes[index])

    outcomes = at_once(engine, [changing(0), changing(1)])
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    with Session(engine) as session:
        dalian = session.scalars(select(User).where(User.username == "dalian")).one()
    won = changes[outcomes.index("done")]
    assert (dalian.role, dalian.region) == (won["role"], won.get("region")), outcomes

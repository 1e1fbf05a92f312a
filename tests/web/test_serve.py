"""``huiqi serve`` says 已启动 only once it answers (it said so a moment before), and a PostgreSQL that allows too few
connections for its processes is told with what to set: fewer workers, a smaller pool (named), or more
connections."""

import http.server
import re
import socket
import threading

from sqlalchemy.orm import Session

from huiqi.config import Settings
from huiqi.web.cli import answering, connections_short, shortfall, when_answering
from tests.racetest import free_port


class _Quiet(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:  # the standard library's name
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_a_port_held_but_not_answering_is_not_started() -> None:
    port = free_port()
    assert not answering("127.0.0.1", port), "nothing there"
    with socket.socket() as held:  # bound and listening, as uvicorn's parent holds it while its workers start
        held.bind(("127.0.0.1", port))
        held.listen()
        assert not answering("127.0.0.1", port, timeout=0.5)


def test_started_is_said_once_the_server_answers() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    port = server.server_address[1]
    said: list[str] = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert answering("0.0.0.0", port), "all addresses: asked here"
        when_answering("127.0.0.1", port, lambda: said.append("已启动")).join(timeout=30)
    finally:
        server.shutdown()
        server.server_close()
    assert said == ["已启动"]
    silent: list[str] = []
    when_answering("127.0.0.1", port, lambda: silent.append("已启动"), wait=0.5).join(timeout=30)
    assert silent == [], "a server that never answers is never said to have started"


def test_too_few_connections_say_what_to_set() -> None:
    shipped = Settings(threads=40, db_pool_size=None, match_processes=1)
    said = shortfall(2, 100, 3, shipped)
    assert said is not None and "最多需要 102 个数据库连接" in said and "可供使用的只有 97 个" in said
    assert "改用 --workers 1" in said and "HUIQI_DB_POOL_SIZE=37" in said and "max_connections 调到 105 以上" in said
    assert 2 * (37 + 10 + 1) <= 97 < 2 * (38 + 10 + 1), "the pool said is the largest that fits"
    set_pool = shortfall(4, 100, 3, Settings(threads=40, db_pool_size=30, match_processes=1))
    assert set_pool is not None and "HUIQI_DB_POOL_SIZE=13（每个服务进程的数据库连接池，现为 30）" in set_pool
    assert "--workers 2" in set_pool
    none_fits = shortfall(2, 20, 3, shipped)
    assert none_fits is not None and "--workers" not in none_fits and "HUIQI_DB_POOL_SIZE" not in none_fits
    assert "max_connections 调到 105 以上" in none_fits, "only more connections help"
    assert shortfall(1, 100, 3, shipped) is None


def test_the_database_s_own_limit_is_read(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        assert connections_short(session, 1000) is None  # SQLite has no connection limit to check
        return
    said = connections_short(session, 100_000)
    assert said is not None and "max_connections" in said
    pool = re.search(r"HUIQI_DB_POOL_SIZE=(\d+)", said)
    assert pool is None or int(pool[1]) >= 1


def _serve_links(monkeypatch, **options) -> str:
    """The share link a server started by ``huiqi serve`` with ``options`` makes (uvicorn itself not started)."""
    from contextlib import nullcontext

    import uvicorn

    import huiqi.db
    import huiqi.recognition.service
    import huiqi.simulate.jobs
    from huiqi.config import get_settings, public_link
    from huiqi.web import cli

    monkeypatch.setattr(huiqi.db, "upgrade", lambda: None)
    monkeypatch.setattr(huiqi.db, "session_scope", nullcontext)
    monkeypatch.setattr(huiqi.simulate.jobs, "interrupted", lambda session: 0)
    monkeypatch.setattr(huiqi.recognition.service, "interrupted", lambda session: 0)
    monkeypatch.setattr(cli, "connections_short", lambda session, workers: None)
    monkeypatch.setattr(cli, "when_answering", lambda host, port, said: None)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    cli.serve(**options)
    try:
        return public_link("/calculator/shared/x")
    finally:
        get_settings.cache_clear()


def test_a_server_on_another_port_links_to_that_port_unless_the_public_address_is_set(monkeypatch) -> None:
    """The calculator's 分享结果 and the mails linked to 127.0.0.1:8000 whatever port the demo was started on."""
    monkeypatch.setenv("HUIQI_PUBLIC_URL", "")  # recorded, so that what serve sets is undone after the test
    monkeypatch.delenv("HUIQI_PUBLIC_URL")
    assert _serve_links(monkeypatch, host="127.0.0.1", port=8123) == "http://127.0.0.1:8123/calculator/shared/x"
    monkeypatch.delenv("HUIQI_PUBLIC_URL")
    assert _serve_links(monkeypatch, host="0.0.0.0", port=8124) == "http://127.0.0.1:8124/calculator/shared/x"
    monkeypatch.setenv("HUIQI_PUBLIC_URL", "https://huiqi.example.gov.cn")  # production's: it wins
    assert _serve_links(monkeypatch, host="127.0.0.1", port=8125) == "https://huiqi.example.gov.cn/calculator/shared/x"


def test_serve_warns_once_when_mails_would_link_elsewhere(monkeypatch, capsys) -> None:
    """Mail is written by ``huiqi messages send``, which knows nothing of the port serve was started on: a demo served
    on 8123 without HUIQI_PUBLIC_URL mailed links to 127.0.0.1:8000. Serve says so at start (once), and what to set;
    nothing when the address agrees, or names another machine (a proxy's)."""
    monkeypatch.setenv("HUIQI_PUBLIC_URL", "")  # recorded, so that what serve sets is undone after the test
    monkeypatch.delenv("HUIQI_PUBLIC_URL")
    _serve_links(monkeypatch, host="127.0.0.1", port=8123)
    said = capsys.readouterr().err
    assert said.count("注意：未设置 HUIQI_PUBLIC_URL") == 1 and "HUIQI_PUBLIC_URL=http://127.0.0.1:8123" in said
    monkeypatch.delenv("HUIQI_PUBLIC_URL")
    _serve_links(monkeypatch, host="0.0.0.0", port=8000)
    assert "HUIQI_PUBLIC_URL" not in capsys.readouterr().err, "the default's own port: the mails agree"
    monkeypatch.setenv("HUIQI_PUBLIC_URL", "http://127.0.0.1:8000")
    _serve_links(monkeypatch, host="127.0.0.1", port=8125)
    said = capsys.readouterr().err
    assert "HUIQI_PUBLIC_URL（http://127.0.0.1:8000）与本服务的端口 8125 不一致" in said
    assert "请设为 http://127.0.0.1:8125" in said
    for agreed in ("http://127.0.0.1:8125", "http://localhost:8125/huiqi", "https://huiqi.example.gov.cn"):
        monkeypatch.setenv("HUIQI_PUBLIC_URL", agreed)
        _serve_links(monkeypatch, host="127.0.0.1", port=8125)
        assert "注意" not in capsys.readouterr().err, agreed


def test_production_is_not_warned_of_its_public_address() -> None:
    from huiqi.web.cli import public_url_mismatch

    staged = Settings(environment="test", demo_password="s", public_url="http://127.0.0.1:8000")
    assert public_url_mismatch("127.0.0.1", 8100, staged, True) is not None
    production = Settings(environment="production", demo_password="s", public_url="http://127.0.0.1:8000")
    assert public_url_mismatch("127.0.0.1", 8100, production, True) is None

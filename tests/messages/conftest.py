"""A local SMTP server that the tests of mail read."""

import socket
import threading
from email import message_from_string
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from huiqi.config import get_settings


class Inbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        with self.lock:
            self.mails.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 OK"

    def bodies(self) -> list[str]:
        """Each mail's text, decoded."""
        with self.lock:
            return [message_from_string(raw, policy=default).get_body().get_content() for _, raw in self.mails]


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("HUIQI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HUIQI_SMTP_PORT", str(port))
    get_settings.cache_clear()
    yield inbox
    controller.stop()
    get_settings.cache_clear()

"""Guard rails that keep the docs honest (after datasette's tests/test_docs.py)."""

from pathlib import Path

import typer.main

from huiqi.cli import app

README = (Path(__file__).parents[1] / "README.md").read_text("utf-8")


def _commands(group: typer.Typer, prefix: str = "huiqi") -> list[str]:
    click_group = typer.main.get_command(group)
    found = []

    def walk(command, name):
        subcommands = getattr(command, "commands", None)
        if not subcommands:
            found.append(name)
            return
        for sub_name, sub in subcommands.items():
            walk(sub, f"{name} {sub_name}")

    walk(click_group, prefix)
    return found


def test_every_cli_command_has_a_readme_line() -> None:
    commands = _commands(app)
    assert "huiqi match" in commands and "huiqi policy check" in commands
    for command in commands:
        assert f"`{command}" in README, f"README.md has no line for {command}"


def test_readme_opens_with_the_two_commands() -> None:
    head = README[:1200]
    assert "make demo" in head and "make test" in head

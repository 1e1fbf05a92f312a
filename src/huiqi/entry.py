"""The ``huiqi`` command's entry point: ``huiqi simulate`` starts without the web service and the database.

Importing every command (FastAPI, SQLAlchemy and the models) takes about a second; a simulation needs
none of it, so its command is found first and run alone, with the same options, help and exit codes.
"""

import sys


def main() -> None:
    """Run ``huiqi``."""
    if sys.argv[1:2] == ["simulate"]:
        from huiqi.simulate.cli import alone

        alone()
        return
    from huiqi.cli import main as everything

    everything()

"""`shenhou` command line: one entry point for every part of the system.

Each sub-command delegates to the part's own ``main(argv)`` so that ``python -m engine``,
``python -m workers`` and ``shenhou engine`` behave identically.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence


def _run_engine(argv: Sequence[str]) -> int:
    from engine.__main__ import main

    return main(list(argv))


def _run_up(argv: Sequence[str]) -> int:
    from shenhou.up import main

    return main(list(argv))


def _run_workers(argv: Sequence[str]) -> int:
    from workers.__main__ import main

    return main(list(argv))


def _run_api(argv: Sequence[str]) -> int:
    from api.__main__ import main

    return main(list(argv))


def _run_simulate(argv: Sequence[str]) -> int:
    from shenhou.simulate import main

    return main(list(argv))


def _run_deploy(argv: Sequence[str]) -> int:
    from shenhou.deploy import main

    return main(list(argv))


def _run_token(argv: Sequence[str]) -> int:
    from shenhou.dev_credentials import main

    return main(list(argv))


def _run_demo(argv: Sequence[str]) -> int:
    from shenhou.demo import main

    return main(list(argv))


COMMANDS: dict[str, tuple[str, Callable[[Sequence[str]], int]]] = {
    "up": (
        "start the whole system (engine unless ZEEBE_ADDRESS is set, deploy, workers, API)",
        _run_up,
    ),
    "engine": ("start the embedded Zeebe-compatible engine alone", _run_engine),
    "workers": ("run every department's job workers against ZEEBE_ADDRESS", _run_workers),
    "api": ("run the case API (FastAPI) on SHENHOU_API_ADDRESS", _run_api),
    "demo": ("take one generated case from report to closed via the running API", _run_demo),
    "token": ("print the development bearer token of a role (for curl)", _run_token),
    "deploy": ("deploy bpmn/ (or a directory) to ZEEBE_ADDRESS", _run_deploy),
    "simulate": (
        "drive a synthetic Ninghai month through engine, workers and API; reconcile; compare",
        _run_simulate,
    ),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="shenhou",
        description="身后一件事: after-death affairs as one case. Sub-commands take --help.",
    )
    parser.add_argument(
        "command",
        choices=sorted(COMMANDS),
        help="; ".join(f"{name}: {desc}" for name, (desc, _) in sorted(COMMANDS.items())),
    )
    if not args or args[0] in ("-h", "--help"):
        parser.print_help()
        return 0 if args else 2
    parsed, rest = parser.parse_known_args(args[:1])
    _, run = COMMANDS[parsed.command]
    return run(args[1:] + rest)


if __name__ == "__main__":
    raise SystemExit(main())

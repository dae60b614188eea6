"""``python -m bench`` (``make bench``): run every ``bench/*_bench.py`` module's ``main()``.

Each benchmark module owns its arguments and defaults; this runner calls ``main([])`` (or
``main()``) and reports which ones failed. ``python -m bench engine`` runs only the modules
whose name contains "engine".
"""

from __future__ import annotations

import importlib
import inspect
import sys
import time
from pathlib import Path


def discover() -> list[str]:
    here = Path(__file__).parent
    return sorted(f"bench.{p.stem}" for p in here.glob("*_bench.py"))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        print("benchmarks found:", ", ".join(discover()) or "none")
        return 0
    names = [n for n in discover() if not args or any(a in n for a in args)]
    failed: list[str] = []
    for name in names:
        print(f"== {name}", flush=True)
        started = time.monotonic()
        try:
            entry = importlib.import_module(name).main
            # main(argv) or main(); None counts as success
            code = entry([]) if inspect.signature(entry).parameters else entry()
            code = int(code or 0)
        except Exception as error:  # report and go on with the others
            print(f"{name} failed: {type(error).__name__}: {error}", file=sys.stderr)
            code = 1
        print(
            f"== {name}: {'ok' if code == 0 else 'FAILED'} in {time.monotonic() - started:.0f}s",
            flush=True,
        )
        if code:
            failed.append(name)
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

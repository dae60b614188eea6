"""``python -m api`` / ``shenhou api``: run the case API with uvicorn on SHENHOU_API_ADDRESS."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import uvicorn

from api.app import create_app
from api.settings import ApiSettings
from domain.logs import configure_logging


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="shenhou api",
        description="Run the case API (FastAPI) on SHENHOU_API_ADDRESS against ZEEBE_ADDRESS "
        "and DATABASE_URL.",
    )
    parser.add_argument("--address", help="host:port (default: SHENHOU_API_ADDRESS)")
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    settings = ApiSettings()
    if args.address:
        settings = settings.model_copy(update={"shenhou_api_address": args.address})
    configure_logging(settings.log_level)
    host, port = settings.host_port
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None, access_log=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

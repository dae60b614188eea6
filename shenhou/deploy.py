"""Deploy every diagram and decision table of a directory in one atomic deployment.

Used by `shenhou up` and `shenhou deploy`; talks the Zeebe protocol through pyzeebe, so it
works the same against the embedded engine and a Camunda 8 cluster.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from pyzeebe import ZeebeClient, create_insecure_channel
from pyzeebe.grpc_internals.types import DeployResourceResponse

RESOURCE_SUFFIXES = (".bpmn", ".dmn")


def resources_in(directory: Path) -> list[Path]:
    files = sorted(p for p in directory.iterdir() if p.suffix in RESOURCE_SUFFIXES)
    if not files:
        raise FileNotFoundError(f"no .bpmn or .dmn files in {directory}")
    return files


async def deploy_directory(directory: Path, zeebe_address: str) -> list[str]:
    """Deploy all resources of ``directory``; returns one human line per deployed item."""
    channel = create_insecure_channel(grpc_address=zeebe_address)
    try:
        client = ZeebeClient(channel)
        response = await client.deploy_resource(*resources_in(directory))
    finally:
        await channel.close()
    lines: list[str] = []
    for item in response.deployments:
        if isinstance(item, DeployResourceResponse.ProcessMetadata):
            lines.append(
                f"process {item.bpmn_process_id} v{item.version}"
                f" (key {item.process_definition_key})"
            )
        elif isinstance(item, DeployResourceResponse.DecisionMetadata):
            lines.append(
                f"decision {item.dmn_decision_id} v{item.version} (key {item.decision_key})"
            )
    return lines


def main(argv: Sequence[str]) -> int:
    import asyncio

    from shenhou.settings import Settings

    settings = Settings()
    parser = argparse.ArgumentParser(prog="shenhou deploy", description=deploy_directory.__doc__)
    parser.add_argument("directory", nargs="?", type=Path, default=settings.bpmn_dir)
    args = parser.parse_args(list(argv))
    for line in asyncio.run(deploy_directory(args.directory, settings.effective_zeebe_address)):
        print(f"deployed {line}")
    return 0

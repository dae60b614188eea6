"""The ops console (what Operate is to Camunda users) on the engine's HTTP address."""

from engine.console.app import create_console_app, mount_console

__all__ = ["create_console_app", "mount_console"]

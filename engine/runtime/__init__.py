"""The engine's state machine: element processors, behaviours, the writer and ``Engine``."""

from engine.runtime.clock import Clock
from engine.runtime.engine import Engine

__all__ = ["Clock", "Engine"]

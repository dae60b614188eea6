"""The management port (Zeebe's 9600): health, the clock actuator, Prometheus metrics."""

from engine.management.app import create_management_app

__all__ = ["create_management_app"]

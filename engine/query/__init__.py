"""Camunda-v2-shaped query API over the engine's read model (one module per resource)."""

from engine.query.app import create_query_app

__all__ = ["create_query_app"]

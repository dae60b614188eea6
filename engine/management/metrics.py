"""Prometheus exposition: the gateway's own counters plus whatever the runtime reports.

The runtime is asked, at each scrape, for ``engine.stats()`` (when it has that method): a mapping
of metric name to

* a number — a monotonic total when the name ends in ``_total`` (commands processed, records
  written, jobs activated, instances created/completed, incidents created ...), else a gauge;
* or a histogram as ``{"buckets": [(upper_bound, cumulative_count), ...], "sum": s, "count": n}``
  (batch sizes, commit latency in seconds).

Each becomes ``zeebe_engine_<name>``. Besides, the read model gives live gauges (active instances,
open incidents, activatable jobs) so an operator sees them even from a runtime without ``stats``.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from prometheus_client import CollectorRegistry
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

PREFIX = "zeebe_engine_"


class RuntimeStatsCollector(Collector):
    def __init__(self, stats: Callable[[], Mapping[str, Any]]) -> None:
        self._stats = stats

    def collect(self) -> Iterator[Metric]:
        try:
            stats = dict(self._stats())
        except Exception:  # a scrape must never take the engine down
            return
        for name, value in sorted(stats.items()):
            metric = PREFIX + name
            if isinstance(value, bool):
                value = int(value)
            if isinstance(value, int | float):
                if name.endswith("_total"):
                    counter = CounterMetricFamily(metric.removesuffix("_total"), name, value=value)
                    yield counter
                else:
                    yield GaugeMetricFamily(metric, name, value=value)
            elif isinstance(value, Mapping) and "buckets" in value:
                buckets = [
                    ("+Inf" if math.isinf(float(le)) else repr(float(le)), float(count))
                    for le, count in value["buckets"]
                ]
                if not buckets or buckets[-1][0] != "+Inf":
                    buckets.append(("+Inf", float(value.get("count", 0))))
                yield HistogramMetricFamily(
                    metric, name, buckets=buckets, sum_value=float(value.get("sum", 0))
                )


class ReadModelCollector(Collector):
    """Gauges counted from the read model over a read-only connection."""

    QUERIES: ClassVar[dict[str, str]] = {
        "process_instances_active": "SELECT COUNT(*) FROM process_instance WHERE state='ACTIVE'",
        "process_instances_completed": "SELECT COUNT(*) FROM process_instance "
        "WHERE state='COMPLETED'",
        "process_instances_terminated": "SELECT COUNT(*) FROM process_instance "
        "WHERE state='TERMINATED'",
        "incidents_active": "SELECT COUNT(*) FROM incident WHERE state='ACTIVE'",
        "incidents_created": "SELECT COUNT(*) FROM incident",
        "jobs_activatable": "SELECT COUNT(*) FROM job WHERE state IN "
        "('CREATED','FAILED','TIMED_OUT','RETRIES_UPDATED') AND retries > 0",
    }

    def __init__(self, store_path: Path | None) -> None:
        self._path = store_path

    def collect(self) -> Iterator[Metric]:
        if self._path is None or not self._path.exists():
            return
        try:
            conn = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True, timeout=1)
        except sqlite3.Error:
            return
        try:
            for name, sql in self.QUERIES.items():
                try:
                    (count,) = conn.execute(sql).fetchone()
                except sqlite3.Error:
                    continue
                yield GaugeMetricFamily(PREFIX + name, name.replace("_", " "), value=count)
        finally:
            conn.close()


def build_registry(
    engine: Any, store_path: Path | None, gateway_registry: CollectorRegistry | None
) -> list[CollectorRegistry]:
    """The registries /metrics renders, in order."""
    registry = CollectorRegistry()
    stats = getattr(engine, "stats", None)
    if callable(stats):
        registry.register(RuntimeStatsCollector(stats))
    registry.register(ReadModelCollector(store_path))
    return [registry] + ([gateway_registry] if gateway_registry is not None else [])

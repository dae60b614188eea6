"""Prometheus metrics the gateway counts itself (requests per RPC and status, jobs handed out)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class GatewayMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.requests = Counter(
            "zeebe_gateway_requests",
            "gRPC requests handled, by method and status code",
            ["method", "code"],
            registry=self.registry,
        )
        self.request_latency = Histogram(
            "zeebe_gateway_request_latency_seconds",
            "Time from receiving a unary gRPC request to answering it",
            ["method"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.jobs_activated = Counter(
            "zeebe_gateway_jobs_activated",
            "Jobs handed to workers (ActivateJobs and job streams), by job type",
            ["type"],
            registry=self.registry,
        )
        self.instances_created = Counter(
            "zeebe_gateway_process_instances_created",
            "Process instances created through the gateway",
            registry=self.registry,
        )
        self.long_polls = Counter(
            "zeebe_gateway_long_polls",
            "ActivateJobs calls that had to wait, by outcome (woken or timed_out)",
            ["outcome"],
            registry=self.registry,
        )
        self.long_polls_waiting = Gauge(
            "zeebe_gateway_long_polls_waiting",
            "ActivateJobs calls parked right now, waiting for jobs",
            registry=self.registry,
        )

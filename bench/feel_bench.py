"""FEEL interpreter benchmark: evaluation of compiled expressions and parse time vs size.

Run: ``.venv/bin/python -m bench.feel_bench`` (add ``--quick`` for a short run).
Figures are per call; each figure is the min and the median over batches, so that noise
from other processes on the machine shows up as a gap between the two rather than as a
wrong minimum.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from engine import feel
from engine.feel.parser import parse_expression

VARIABLES = {
    "order": {
        "total": 150,
        "status": "ok",
        "items": [{"sku": f"s{i}", "qty": i} for i in range(10)],
    },
    "status": "ok",
    "customer": {"name": "Ada", "tier": "gold", "address": {"city": "Zhengzhou"}},
    "amount": 1234.5,
    "retries": 3,
}

EVALUATIONS = [
    ('order.total > 100 and status = "ok"', "path + comparison (the issue's target)"),
    ("customer.address.city", "path"),
    ("retries - 1", "arithmetic"),
    ('if amount > 1000 then "manual" else "auto"', "if/then/else"),
    ("order.items[qty > 5].sku", "filter + projection"),
    ('string length(customer.name) > 2 and contains(customer.tier, "old")', "built-in calls"),
    ("sum(for i in order.items return i.qty)", "for + sum"),
    ('date("2024-01-31") + duration("P1M")', "temporal arithmetic"),
]


def _time_batches(fn: Callable[[], object], batch: int, batches: int) -> tuple[float, float]:
    results = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        results.append((time.perf_counter() - start) / batch)
    return min(results), statistics.median(results)


def _expression_of_size(target: int) -> str:
    """A realistic expression (context of mappings, conditions, filters, calls) of about
    ``target`` characters."""
    parts = []
    i = 0
    while sum(len(p) + 2 for p in parts) < target:
        parts.append(
            f'k{i}: if order.total > {i} and status = "ok" then '
            f"sum(order.items[qty > {i % 7}].qty) + {i}.5 else "
            f'upper case(customer.name) + "-{i}"'
        )
        i += 1
    return "{" + ", ".join(parts) + "}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    args = parser.parse_args()
    batch, batches = (2_000, 10) if args.quick else (20_000, 25)

    print("## Evaluation of compiled expressions (µs per evaluation)")
    print("| expression | what | min | median |")
    print("|---|---|---:|---:|")
    for text, what in EVALUATIONS:
        compiled = feel.compile(text)
        compiled.evaluate(VARIABLES)
        lo, med = _time_batches(lambda c=compiled: c.evaluate(VARIABLES), batch, batches)
        print(f"| `{text}` | {what} | {lo * 1e6:.2f} | {med * 1e6:.2f} |")

    print()
    print("## Parsing (text → syntax tree), ms")
    print("| size | tokens | min | median | min per kB |")
    print("|---:|---:|---:|---:|---:|")
    from engine.feel.lexer import tokenize

    repeats = 5 if args.quick else 25
    for size in (1_000, 5_000, 10_000, 20_000, 40_000):
        text = _expression_of_size(size)
        tokens = sum(1 for _ in tokenize(text))
        feel.evaluate(text, VARIABLES)  # it is a valid expression
        lo, med = _time_batches(lambda t=text: parse_expression(t), 1, repeats)
        print(
            f"| {len(text):,} B | {tokens:,} | {lo * 1e3:.1f} | {med * 1e3:.1f} | "
            f"{lo * 1e3 / (len(text) / 1000):.2f} |"
        )


if __name__ == "__main__":
    main()

"""Drives the Python prometheus_client push functions the way a batch job does.

    pusher.py push|pushadd|delete GATEWAY JOB [--group NAME=VALUE ...] [--metrics batch|gauge]

Uses the library exactly as documented (push_to_gateway, pushadd_to_gateway, delete_from_gateway
with the default handler), so a non-zero exit means the client itself saw an error. Values are
fixed and floats are exact binary fractions, so the resulting scrape is fully determined.
"""

import argparse
import sys

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Summary,
    delete_from_gateway,
    push_to_gateway,
    pushadd_to_gateway,
)


def batch_metrics(registry):
    """A counter, gauge, histogram and summary, as a typical batch job would report."""
    processed = Counter('py_jobs_processed', 'Jobs this batch run processed.', ['queue'], registry=registry)
    processed.labels('default').inc(42)
    Gauge('py_last_success_timestamp_seconds', 'When the batch run last succeeded.',
          registry=registry).set(1700000000.5)
    duration = Histogram('py_job_duration_seconds', 'How long each job took.',
                         buckets=[0.125, 0.5, 1], registry=registry)
    for v in (0.0625, 0.25, 0.75, 2):
        duration.observe(v)
    batch = Summary('py_batch_size', 'Records per batch.', registry=registry)
    for v in (1, 2, 3):
        batch.observe(v)


def gauge_metrics(registry):
    """Only the gauge, with a new value: what a POST should replace and nothing else."""
    Gauge('py_last_success_timestamp_seconds', 'When the batch run last succeeded.',
          registry=registry).set(1700000100.25)


def parse_group(arg):
    name, sep, value = arg.partition('=')
    if not sep:
        raise argparse.ArgumentTypeError(f'expected NAME=VALUE, got {arg!r}')
    return name, value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('action', choices=['push', 'pushadd', 'delete'])
    parser.add_argument('gateway')
    parser.add_argument('job')
    parser.add_argument('--group', type=parse_group, action='append', default=[],
                        help='grouping key entry NAME=VALUE; VALUE may be empty or contain "/"')
    parser.add_argument('--metrics', choices=['batch', 'gauge'], default='batch')
    args = parser.parse_args()

    grouping_key = dict(args.group)
    if args.action == 'delete':
        delete_from_gateway(args.gateway, job=args.job, grouping_key=grouping_key)
        return 0

    registry = CollectorRegistry()
    {'batch': batch_metrics, 'gauge': gauge_metrics}[args.metrics](registry)
    push = push_to_gateway if args.action == 'push' else pushadd_to_gateway
    push(args.gateway, job=args.job, registry=registry, grouping_key=grouping_key)
    return 0


if __name__ == '__main__':
    sys.exit(main())

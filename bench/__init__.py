"""Aduan's benchmarks: cold start, calls and cost per report, pipeline throughput, latency at scale.

Run ``make bench`` (the quick suite) or ``python -m bench --full``. Every figure is a ratio against
a floor measured in the same run, on the same machine; results go to ``bench/results/`` and
``docs/performance.md`` records the latest ones.
"""

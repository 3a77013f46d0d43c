"""Benchmarks of what users feel: client overhead, API requests per step, scaling through the
offline engine, and emulator throughput. ``make bench`` (``python -m bench``) runs them all and
writes ``bench/results/<date>-<host>.json`` and ``bench/RESULTS.md``.

Numbers come only from here, never from timed assertions in tests. Every measurement takes
repeated samples after a warm-up and reports medians, because other work may share the machine;
the load average at the start and end of a run is recorded with the results.
"""

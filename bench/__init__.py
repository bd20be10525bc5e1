"""Benchmark of the API's connection questions: load a scale, ask, time, report."""

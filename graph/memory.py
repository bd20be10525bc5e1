"""Keep the Python collector out of the way of requests in a long-running process.

Measured on a national-scale graph (``bench/results/NOTES.md``): in the API process, where the
embedded engine's JVM runs beside Python, full (generation 2) Python collections came at the
cadence of the Java heap's young collections, several a second under load, and each walked the
~480,000 long-lived objects start-up had built (PyThaiNLP's dictionaries, the GraphQL schema,
the driver, pydantic models): 20 to 110 ms, landing in whichever request was running. A
full-text search that took 1 ms at the median took over 100 ms at the 99th percentile.

``settle()`` finishes what start-up builds lazily, then moves every object alive at that point
into the collector's permanent generation (``gc.freeze``), so later collections only walk what
requests create. Nothing is leaked by it: the frozen objects live as long as the process anyway.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def settle() -> int:
    """Load what the first request would otherwise load, collect once, freeze what is left.
    Returns how many objects are now frozen."""
    from graph import text

    # PyThaiNLP loads its dictionary and romanization tables on first use.
    text.words("สภาองค์กรชุมชนตำบล")
    text.romanize("ชุมชน")
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.info("start-up objects moved out of the collector's reach: %d", frozen)
    return frozen

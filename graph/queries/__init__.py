"""Every Cypher statement the application runs, as named constants, grouped by domain.

Nodes are returned as ``n {.*, search_text: null, search_words: null, content_hash: null}``: every stored property
but the two the API never shows and that are by far the longest (the segmented search text and
the load's content hash). Not shipping them halves the time to return a list of rows.
"""

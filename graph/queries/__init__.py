"""Every Cypher statement the application runs, as named constants, grouped by domain."""

"""The knowledge graph: engines, the driver, the data contract, Cypher and migrations."""

"""The HTTP face: the FastAPI app (GraphQL, health), its limits, and the `kb` command line."""

"""The GraphQL shape (Strawberry): types built from graph models, queries, dataloaders, limits."""

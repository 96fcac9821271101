"""The clean tables on disk: writing, loading, one suspect filter, schemas, and
the codes table."""

"""The document registry: configuration, database, numbering, storage and use cases."""

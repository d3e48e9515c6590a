"""Finding, reporting and checking the archive: search, the register book, the dashboard,
the integrity and archive sweeps, the audit chain, imports of archives signed elsewhere."""

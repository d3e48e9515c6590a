"""Background work: asked for in the transaction that causes it, run in this process (the
embedded default) or by ``sovanban worker`` from PostgreSQL's queue (procrastinate), each
run recorded with its progress, its result and, when every attempt failed, why."""

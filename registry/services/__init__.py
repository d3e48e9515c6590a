"""Use cases of the registry. Each takes a session and never commits: the caller does."""

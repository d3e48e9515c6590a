"""Telling people what waits for them: in the service, and by e-mail after the fact."""

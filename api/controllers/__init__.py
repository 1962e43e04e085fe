"""One controller per context."""

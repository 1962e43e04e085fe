"""Pure domain model of Sổ Trách Nhiệm: aggregates, events and dated legal rules (no I/O)."""

"""Outbound events to other systems, signed and retried (INTG-3)."""

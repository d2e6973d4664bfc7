"""Complaints with their SLA, the working calendar and the call centre (CMP, SRV-3)."""

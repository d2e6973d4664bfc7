"""Background exports of every list (RPT-2)."""

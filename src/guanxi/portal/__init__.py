"""The customer portal and the web-to-lead form (INTG-4)."""

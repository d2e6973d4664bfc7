"""Spreadsheet imports with 查重 and background exports (INTG-1, RPT-2)."""

"""Imports and exports (INTG-1, RPT-2)."""

from guanxi.imports.models.spreadsheets import ImportBatch, ImportRow, ImportTemplate

__all__ = ["ImportBatch", "ImportRow", "ImportTemplate"]

"""Imports and exports (INTG-1, RPT-2): the app's models, one module per area, all imported
here so Django finds them."""

from guanxi.imports.models.exports import ExportJob
from guanxi.imports.models.spreadsheets import (
    ImportBatch,
    ImportChunk,
    ImportRow,
    ImportTemplate,
)

__all__ = ["ExportJob", "ImportBatch", "ImportChunk", "ImportRow", "ImportTemplate"]

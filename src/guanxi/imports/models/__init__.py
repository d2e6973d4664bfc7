"""The app's models, one module per area, all imported here so Django finds them."""

from guanxi.imports.models.exports import ExportJob

__all__ = ["ExportJob"]

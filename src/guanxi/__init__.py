"""Guanxi (关系): a CRM for Chinese sales and service teams."""

__version__ = "0.1.0"

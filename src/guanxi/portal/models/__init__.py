"""The app's models, one module per area, all imported here so Django finds them."""

from guanxi.portal.models.access import PortalCode, PortalSession
from guanxi.portal.models.leads import LeadField, LeadForm, LeadSubmission

__all__ = ["LeadField", "LeadForm", "LeadSubmission", "PortalCode", "PortalSession"]

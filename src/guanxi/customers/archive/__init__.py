"""The customer archive: customers, contacts, collaborators, attachments, the 360 page, merge,
handover, recycle bin, exports and the /customers, /contacts and /tags API (ARC-1 … ARC-9)."""

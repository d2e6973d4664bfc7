"""What pipeline and sales import from `guanxi.customers.schemas` while they move to
`guanxi.core.schemas` (issue 10): plain re-imports, removed once no caller is left."""

from guanxi.core.schemas import Id, Ref, ShortText, Text

__all__ = ["Id", "Ref", "ShortText", "Text"]

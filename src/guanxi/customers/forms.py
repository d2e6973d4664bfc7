"""What pipeline and sales import from `guanxi.customers.forms` while they move to
`guanxi.core.forms.form_add_errors` (issue 10): a plain re-import, removed once no caller is
left."""

from guanxi.core.forms import form_add_errors as service_errors_to_form

__all__ = ["service_errors_to_form"]

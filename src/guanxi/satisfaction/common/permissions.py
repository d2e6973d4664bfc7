"""Permissions the satisfaction app adds to the roles' list (registered in wiring.connect).
Reading reports and answers needs only the data scope; these name what reaches further."""

from django.utils.translation import gettext_lazy as _

MANAGE_SURVEYS = "satisfaction.surveys"  # survey templates and their versions
COLLECT = "satisfaction.collect"  # send survey links, fill in answers with a customer
PLANS = "satisfaction.plans"  # create and change improvement action plans
IMPORT = "satisfaction.import"  # import external results

ALL = {
    MANAGE_SURVEYS: _("Manage satisfaction survey templates"),
    COLLECT: _("Send satisfaction surveys and record customers' answers"),
    PLANS: _("Create and change improvement action plans"),
    IMPORT: _("Import external satisfaction results"),
}

"""The audit-log actions of the pipeline, with the labels the audit page shows (registered by
`wiring.connect`). Action names are at most 40 characters (AuditLog.action)."""

from django.utils.translation import gettext_lazy as _

POOL_RELEASE = "pipeline.pool_release"  # one row per manual release (踢出)
POOL_RECYCLE = "pipeline.pool_recycle"  # one row per batch of the nightly recycling
QUOTA_SET = "pipeline.quota_set"  # a team's (or the company's) tracked-customer quota
GUIDANCE_LOAD = "pipeline.guidance_load"  # a guidance set loaded into the stages' text

LABELS = {
    POOL_RELEASE: _("Released a customer to a public pool"),
    POOL_RECYCLE: _("Recycled customers to a public pool"),
    QUOTA_SET: _("Set a tracked-customer quota"),
    GUIDANCE_LOAD: _("Loaded a stage guidance set"),
}

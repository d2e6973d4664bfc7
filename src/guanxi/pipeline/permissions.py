"""Permissions the pipeline adds to the roles' list (registered in wiring.connect). Each is
needed only on customers owned by someone else: a user's own customers need only the data
scope (core.scope.editable_q)."""

from django.utils.translation import gettext_lazy as _

SET_STAGE = "pipeline.set_stage"  # stage, grade, MAN, quality, referrer, tracking
FOLLOW_UP_OTHERS = "pipeline.follow_up_others"  # log follow-ups
RELEASE_OTHERS = "pipeline.release_others"  # release to a public pool (踢出), or lock against it
MANAGE_QUOTAS = "pipeline.manage_quotas"  # tracked-customer quotas of the teams in scope
MANAGE_STAGES = "pipeline.manage_stages"  # the stages' guidance text (load a guidance set)

ALL = {
    SET_STAGE: _("Set the stage, grade and assessments of other people's customers"),
    FOLLOW_UP_OTHERS: _("Log follow-ups on other people's customers"),
    RELEASE_OTHERS: _("Release other people's customers to a public pool, or lock them"),
    MANAGE_QUOTAS: _("Set the tracked-customer quotas of teams"),
    MANAGE_STAGES: _("Manage the intention stages' guidance"),
}

"""Hooks that accounts offers to higher apps."""

from guanxi.core.hooks import Hook

# Called as callback(user=..., old_department_id=..., new_department_id=...) inside the
# transaction that moves a user, so records that carry their owner's department follow.
user_department_changed = Hook("user_department_changed")
# callback(request=...) -> safe HTML or None: sections higher apps add to the user's profile
# page (the calendar feed of care), below the profile's own cards.
profile_sections = Hook("profile_sections")

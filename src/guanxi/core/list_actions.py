"""Buttons a higher app adds to the list pages of lower apps (the Export button, RPT-2).

A list page renders `{% list_actions "<list key>" %}` (core_list_actions); each callback
registered here is called with `request`, `list_key` and the tag's keyword arguments and
answers safe HTML (or "" when it has nothing for that list or user)."""

from guanxi.core.hooks import Hook

list_actions = Hook("list_actions")

"""Sections other apps add at the top of the work list (/pipeline/), e.g. the sales app's
"my overdue instalments" (ORD-4). A callback gets (request=, user=) — `user` is the person
whose list is shown — and returns rendered HTML (a SafeString) or "" to add nothing."""

from django.http import HttpRequest
from django.utils.safestring import SafeString

from guanxi.accounts.models import User
from guanxi.core.hooks import Hook

worklist_sections = Hook("pipeline_worklist_sections")


def sections_html(request: HttpRequest, user: User) -> list[SafeString]:
    return [html for html in worklist_sections.call_all(request=request, user=user) if html]

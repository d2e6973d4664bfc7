"""Pages of the kernel that belong to no app."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from guanxi.core.waiting import WAITING_CAP, waiting_for


@login_required
@require_GET
def waiting(request: HttpRequest) -> HttpResponse:
    """The navbar's 待办 badge and its menu (loaded by htmx after the page)."""
    items = waiting_for(user=request.user)
    total = sum(item.count for item in items)
    return render(
        request,
        "includes/waiting.html",
        {"items": items, "total": total, "more": total > WAITING_CAP, "cap": WAITING_CAP},
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without its CSRF token (a page left open past its session, a form
    posted from another site): the site's own 403 page in the reader's language, saying that
    nothing was saved, instead of Django's technical page."""
    message = _(
        "This page has expired or came from another site, so nothing was saved. "
        "Go back, reload the page and try again."
    )
    return render(request, "403.html", {"exception": message}, status=403)

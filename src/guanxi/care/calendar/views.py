"""The calendar feed (CARE-5): the .ics answer to a calendar program (no login: the token in
the path is the key) and the profile page's section to create, copy and revoke feed URLs."""

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.accounts.http import request_user
from guanxi.accounts.models import User
from guanxi.care.calendar import selectors, services
from guanxi.care.models import CalendarFeed

_SESSION_KEY = "care.calendar.new_url"


def feed_url(token: str) -> str:
    return f"{settings.GUANXI_SITE_URL}{reverse('care:calendar_feed', args=[token])}"


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = selectors.feed_for_token(token=token)
    if feed is None:
        raise Http404
    body = selectors.calendar_feed_ical(user=feed.user)
    # a calendar program polls every few minutes; the stamp is good to the minute
    now = timezone.now()
    if feed.last_used_at is None or (now - feed.last_used_at).total_seconds() > 60:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="guanxi.ics"'
    return response


@login_required
@require_POST
def calendar_feed_create(request: HttpRequest) -> HttpResponse:
    _feed, token = services.calendar_feed_create(user=request_user(request))
    # shown once on the profile page, then forgotten (only the hash is kept)
    request.session[_SESSION_KEY] = feed_url(token)
    flash.success(request, _("Your calendar URL is ready: copy it into your calendar program."))
    return redirect(reverse("accounts:profile") + "#calendar")


@login_required
@require_POST
def calendar_feed_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    services.calendar_feed_revoke(user=request_user(request), feed_id=pk)
    flash.success(request, _("The calendar URL has been revoked."))
    return redirect(reverse("accounts:profile") + "#calendar")


def profile_section_html(*, request: HttpRequest, **kwargs: object) -> str | None:
    """accounts.hooks.profile_sections: the user's calendar feeds."""
    if not isinstance(request.user, User):
        return None
    new_url = request.session.pop(_SESSION_KEY, None)
    return render_to_string(
        "care/calendar/profile_section.html",
        {"feeds": selectors.feeds_of(user=request.user), "new_url": new_url},
        request=request,
    )

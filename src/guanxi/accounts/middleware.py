import zoneinfo

from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Activate the logged-in user's language and time zone (default zh-hans, Asia/Shanghai)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language and not request.GET.get("lang"):
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone or "Asia/Shanghai"))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.activate(zoneinfo.ZoneInfo("Asia/Shanghai"))
        else:
            timezone.activate(zoneinfo.ZoneInfo("Asia/Shanghai"))
        response = self.get_response(request)
        timezone.deactivate()
        return response

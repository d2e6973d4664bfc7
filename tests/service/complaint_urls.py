"""The site's URLs as they are once the complaints area is installed (its page stands in as a
plain answer): for the tests that the call centre links to it only when it exists."""

from django.http import HttpResponse
from django.urls import include, path

from guanxi.urls import urlpatterns as site


def complaint_create(request):
    return HttpResponse("complaint form")


service = [
    path("calls/", include("guanxi.service.calls.urls")),
    path("complaints/new/", complaint_create, name="complaint_create"),
]
urlpatterns = [
    path("service/", include((service, "service"))),
    *[pattern for pattern in site if str(pattern.pattern) != "service/"],
]

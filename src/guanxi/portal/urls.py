from django.urls import URLPattern, URLResolver

app_name = "portal"

# Each area adds its `path("<area>/", include("guanxi.portal.<area>.urls"))` here.
urlpatterns: list[URLPattern | URLResolver] = []

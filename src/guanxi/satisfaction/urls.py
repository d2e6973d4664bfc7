from django.urls import URLPattern, URLResolver

app_name = "satisfaction"

# Each area adds its `path("<area>/", include("guanxi.satisfaction.<area>.urls"))` here.
urlpatterns: list[URLPattern | URLResolver] = []

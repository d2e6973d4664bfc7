from django.urls import URLPattern, URLResolver

app_name = "imports"

# Each area adds its `path("<area>/", include("guanxi.imports.<area>.urls"))` here.
urlpatterns: list[URLPattern | URLResolver] = []

from django.urls import URLPattern, URLResolver

app_name = "care"

# Each area adds its `path("<area>/", include("guanxi.care.<area>.urls"))` here.
urlpatterns: list[URLPattern | URLResolver] = []

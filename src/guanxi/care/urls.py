from django.urls import URLPattern, URLResolver, include, path

app_name = "care"

# Each area adds its `path("<area>/", include("guanxi.care.<area>.urls"))` here.
urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns.append(path("rules/", include("guanxi.care.rules.urls")))

from django.urls import URLPattern, URLResolver, include, path

app_name = "imports"

# Each area adds its `path("<area>/", include("guanxi.imports.<area>.urls"))` here.
urlpatterns: list[URLPattern | URLResolver] = [
    path("spreadsheets/", include("guanxi.imports.spreadsheets.urls")),
    path("exports/", include("guanxi.imports.exports.urls")),
]

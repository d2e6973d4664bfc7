import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
application = get_wsgi_application()

from guanxi.core.startup import heap_settle  # noqa: E402 (needs the apps loaded above)

heap_settle()

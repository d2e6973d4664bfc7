"""Log filters. A refused or missing page is the client's business: Django logs it with the
exception's traceback, which buries real errors on the console under pages of 403s."""

import logging


class ClientErrorsOneLine(logging.Filter):
    """4xx answers logged by `django.request` keep their one line and lose the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True

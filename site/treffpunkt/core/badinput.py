"""Bad input from a visitor answers 400, never 500.

Our own URL patterns refuse impossible values before any view runs (see
:mod:`treffpunkt.core.converters`). This middleware catches what reaches third-party views
(Wagtail's admin choosers take ``<str:pk>`` and pass it to the database):

* a NUL byte or other control character in the path or the query string is refused at once
  (PostgreSQL cannot store NUL in text; no page of this site has one in its address);
* a value that a model field cannot take (``Field 'id' expected a number``, an integer too
  large for the database, an impossible date) raised while a query's parameters are
  prepared is answered with 400. Only errors raised in the field's conversion of a lookup
  value count, so a real bug elsewhere still shows as the 500 it is;
* a form post without a field its widgets must read, or with a count that is no number
  (``body-count`` of a Wagtail StreamField, raised in a widget's ``value_from_datadict``),
  is answered with 400 too: a browser sends every such field, a hand-made request may not.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.db import DataError
from django.http import HttpResponseBadRequest
from django.template import loader

logger = logging.getLogger("treffpunkt.badinput")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: the functions in which a value from the request is converted for the database
CONVERSION_FRAMES = frozenset(
    {"get_prep_value", "get_db_prep_value", "to_python", "get_prep_lookup", "adapt_datefield_value"}
)

#: the functions in which a form's widgets read the posted data
FORM_DATA_FRAMES = frozenset({"value_from_datadict"})


def _bad_request(request):
    try:
        body = loader.render_to_string("400.html", request=request)
    except Exception:  # noqa: BLE001 - the plain answer is enough
        body = "Bad Request"
    return HttpResponseBadRequest(body)


def _raised_in(exception: BaseException, frames: frozenset[str]) -> bool:
    traceback = exception.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_name in frames:
            return True
        traceback = traceback.tb_next
    return False


def _from_value_conversion(exception: BaseException) -> bool:
    return _raised_in(exception, CONVERSION_FRAMES)


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = unquote(request.META.get("QUERY_STRING", ""))
        if CONTROL.search(request.path) or CONTROL.search(query):
            return _bad_request(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError) or (
            isinstance(exception, ValueError | ValidationError | DataError)
            and _from_value_conversion(exception)
        ):
            logger.info("bad input at %s: %s", request.path[:200], str(exception)[:200])
            return _bad_request(request)
        if isinstance(exception, DataError) and "out of range" in str(exception):
            return _bad_request(request)
        if isinstance(exception, KeyError | ValueError) and _raised_in(exception, FORM_DATA_FRAMES):
            logger.info("incomplete form at %s: %s", request.path[:200], str(exception)[:200])
            return _bad_request(request)
        return None

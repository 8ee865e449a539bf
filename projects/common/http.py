"""The request every page view receives: Django's, with django-htmx's `request.htmx` (whether htmx sent it, the
element it targets, whether the link was boosted), from which a view picks the partial to answer with."""
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails

"""HTTP answers every app's public views share."""

from django.http import Http404


class PublicHttp404(Http404):
    """A 404 whose message is written for the public (Chinese, no internals) and shown on the page
    (``core.views.not_found`` shows this message, and no other exception's text)."""

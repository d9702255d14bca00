"""gzip for public HTML that carries no secret (issue 16 §1: an entity page under 100 KB on a phone).

BREACH recovers a secret from a compressed response that also reflects attacker-chosen text. A page is
compressed only when it cannot hold one: a GET or HEAD without a session cookie, whose response sets no
cookie (a page that used the CSRF token sets the csrftoken cookie), and whose body is HTML. Logged-in
pages, forms with a CSRF token and every other content type go out as before. Django's GZipMiddleware
adds its random-length filename field on top (the "Heal the BREACH" padding).
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware


class PublicHtmlGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if (
            request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or response.cookies
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        return super().process_response(request, response)

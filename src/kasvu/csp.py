"""The Content-Security-Policy header: scripts, styles and everything else only from kasvu itself.

kasvu's pages have no inline scripts, no inline styles and no event-handler attributes (charts are
scaled by a CSS class, the API reference's settings are a JSON block read by a script file), so the
policy needs neither ``'unsafe-inline'`` nor nonces. An injected ``<script>`` or ``onerror=`` does not
run, and nothing is fetched from elsewhere, CDNs included. ``data:`` images are allowed for the
stylesheets' small icons (Swagger UI, the admin). Django 5.2 has no CSP of its own; this is the
one place that writes the header (``tests/web/test_csp.py`` walks the pages against it).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = POLICY
        return response

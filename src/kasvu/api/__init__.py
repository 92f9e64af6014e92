"""kasvu's REST API (``/api/v1/``): the bank, plans and the knowledge bank for programs and open data.

Token-only: a request is anonymous (the public view: published values only) unless it carries
``Authorization: Bearer <key>``; session cookies are never used, so there is no CSRF to get wrong.
Rights are decided by :mod:`kasvu.access`, exactly as in the web UI. See ``docs/api.md``.
"""

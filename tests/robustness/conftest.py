from api.conftest import clients, fast_passwords, fresh_caches, placements, plans, users  # noqa: F401 - shared fixtures

"""The API tests' live-app fixture, shared with this package's endpoint tests."""

from tests.api.conftest import api  # noqa: F401

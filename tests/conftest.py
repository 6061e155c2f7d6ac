from tests.personas import cement_works, client_authority, engagement, people  # noqa: F401

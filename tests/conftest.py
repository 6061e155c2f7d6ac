import datetime as dt
import os

import pytest
import time_machine
from django.core.cache import cache

from tests.personas import cement_works, client_authority, engagement, people  # noqa: F401


def pytest_addoption(parser):
    parser.addoption(
        "--clock", default=os.environ.get("CASEFLOW_TEST_CLOCK"),
        help="run the whole suite with the clock moved to this ISO date or datetime "
             "(Asia/Shanghai), e.g. 2027-02-03; also CASEFLOW_TEST_CLOCK. CI runs a pass "
             "in a future year so that no test expires at the next year boundary.")


def pytest_configure(config):
    clock = config.getoption("--clock")
    if clock:
        from zoneinfo import ZoneInfo

        moment = dt.datetime.fromisoformat(clock)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
        if len(clock) == 10:  # a date alone: mid-morning on a working day is the usual case
            moment = moment.replace(hour=10)
        # tick=True: time passes as usual from there, so ordering by timestamps still works.
        config._caseflow_clock = time_machine.travel(moment, tick=True)
        config._caseflow_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_caseflow_clock", None)
    if clock is not None:
        clock.stop()


def pytest_report_header(config):
    clock = getattr(config, "_caseflow_clock", None)
    if clock is not None:
        return f"clock moved to {config.getoption('--clock')} (time-machine)"


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences",
                     "django_db_serialized_rollback", "live_server"}


@pytest.fixture(autouse=True)
def fresh_cache(request):
    """Sign-in throttles and lockouts count in the shared cache (a database table on the
    embedded default, Redis when REDIS_URL is set): each test starts with none. A test
    without the database signs nobody in: nothing to clear."""
    if (request.node.get_closest_marker("django_db") is None
            and not DATABASE_FIXTURES & set(request.fixturenames)):
        yield
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        cache.clear()
    yield
    with blocker.unblock():
        cache.clear()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; Django's SMTP backend is pointed at it."""
    from tests.fakes.smtp import SmtpServer

    server = SmtpServer().start()
    for name, value in server.django_settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()


@pytest.fixture
def bot_api(settings):
    """A fake Telegram Bot API server on 127.0.0.1 (tests/fakes/bot_api.py) with a bot of
    its own (a fresh token, so a fresh rate budget); the settings point the Bot at it."""
    from tests.fakes.bot_api import BotApiServer

    server = BotApiServer().start()
    settings.TELEGRAM_BOT_TOKEN = server.token
    settings.TELEGRAM_API_BASE_URL = server.base_url
    settings.TELEGRAM_BOT_USERNAME = server.state.bot_user["username"]
    yield server
    server.stop()


@pytest.fixture
def wecom_api(settings):
    """A fake WeCom server on 127.0.0.1 (tests/fakes/wecom.py); the settings point the
    WeCom channel at it. Members are added by the test (`add_user`)."""
    from tests.fakes.wecom import FakeWeCom

    server = FakeWeCom().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()


@pytest.fixture
def dingtalk_api(settings):
    """A fake DingTalk server on 127.0.0.1 (tests/fakes/dingtalk.py); the settings point
    the DingTalk channel at it."""
    from tests.fakes.dingtalk import FakeDingTalk

    server = FakeDingTalk().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()

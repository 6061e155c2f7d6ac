import pytest

from tests.notifications.fake_channel import FakeMessenger, FlakyMail


@pytest.fixture
def fake_messenger(settings):
    """The Telegram-like fake first, email (Django's backend) last, as in production."""
    FakeMessenger.reset()
    settings.CASEFLOW_CHANNELS = ["tests.notifications.fake_channel.FakeMessenger",
                                  "caseflow.channels.email.EmailChannel"]
    yield FakeMessenger
    FakeMessenger.reset()


@pytest.fixture
def flaky_mail(settings):
    FlakyMail.reset()
    settings.CASEFLOW_CHANNELS = ["tests.notifications.fake_channel.FlakyMail"]
    yield FlakyMail
    FlakyMail.reset()

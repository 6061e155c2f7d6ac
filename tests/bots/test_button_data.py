"""Issue 14: a reminder's button data is signed (HMAC with SECRET_KEY): data we did not
issue is refused, whatever it claims."""

import pytest

from caseflow.errors import InvalidInput
from caseflow.reminder_buttons import (
    ACKNOWLEDGE,
    SNOOZE,
    ButtonPress,
    button_data,
    button_press_read,
)


def test_issued_data_reads_back_and_fits_telegrams_64_bytes():
    for action in (ACKNOWLEDGE, SNOOZE):
        data = button_data(action, 9_223_372_036_854_775_807)
        assert len(data.encode()) <= 64
        assert button_press_read(data) == ButtonPress(action, 9_223_372_036_854_775_807)


@pytest.mark.parametrize("forged", [
    "", "r:a:41", "ack:41", "r:x:41:AAAAAAAAAAAAAAAA", "r:a:041:AAAAAAAAAAAAAAAA",
    "r:a:41:" + "A" * 16,  # the right shape, a made-up signature
])
def test_forged_data_is_refused(forged):
    with pytest.raises(InvalidInput):
        button_press_read(forged)


def test_a_signature_is_bound_to_its_action_and_notification():
    acknowledge_41 = button_data(ACKNOWLEDGE, 41)
    signature = acknowledge_41.rsplit(":", 1)[1]
    for other in (f"r:a:42:{signature}", f"r:s:41:{signature}"):
        with pytest.raises(InvalidInput):
            button_press_read(other)


def test_another_secret_key_refuses_our_old_data(settings):
    data = button_data(SNOOZE, 7)
    settings.SECRET_KEY = "another-secret-key-for-a-rotated-deployment-0123456789"
    with pytest.raises(InvalidInput):
        button_press_read(data)

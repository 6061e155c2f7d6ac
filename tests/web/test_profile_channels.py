"""Linking WeCom and DingTalk (issue 16): a person sets their user ids and the order their
channels are tried in on the profile page, an administrator in the admin. An id is one
person's only (a reminder must never reach someone else, R8.13); a link the platform
refused shows as broken, with a box to try it again."""

import pytest
from django.test import Client

from caseflow.actions.profile import staff_profile_update
from caseflow.actions.staff import staff_messenger_broken
from caseflow.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db

SETTINGS = {"language": "zh-hans", "email": "liuyang@cec.example.cn", "notify_by_email": "on"}


def signed_in(staff) -> Client:
    browser = Client()
    browser.force_login(staff.user)
    return browser


def test_the_profile_links_wecom_and_dingtalk_in_the_persons_order(people):
    browser = signed_in(people.handler)
    page = browser.get("/staff/profile/").content.decode()
    assert "企业微信账号" in page and "钉钉 userid" in page and "首选通知渠道" in page

    saved = browser.post("/staff/profile/", {**SETTINGS, "wecom_user_id": "LiuYang",
                                             "dingtalk_user_id": "0156123",
                                             "channel_first": "dingtalk",
                                             "channel_second": "wecom"})

    assert saved.status_code == 302
    people.handler.refresh_from_db()
    assert (people.handler.wecom_user_id, people.handler.dingtalk_user_id) == (
        "LiuYang", "0156123")
    assert people.handler.preferred_channels == ["dingtalk", "wecom"]
    page = browser.get("/staff/profile/").content.decode()
    assert 'value="LiuYang"' in page
    assert '<option value="dingtalk" selected>' in page


def test_the_profile_refuses_a_channel_named_twice_and_a_malformed_id(people):
    browser = signed_in(people.handler)
    twice = browser.post("/staff/profile/", {**SETTINGS, "channel_first": "wecom",
                                             "channel_second": "wecom"})
    assert twice.status_code == 400 and "只能出现一次" in twice.content.decode()
    malformed = browser.post("/staff/profile/", {**SETTINGS, "wecom_user_id": "刘 洋"})
    assert malformed.status_code == 400 and "1 至 64" in malformed.content.decode()
    people.handler.refresh_from_db()
    assert people.handler.wecom_user_id == "" and people.handler.channel_order == ""


def test_r8_13_an_id_linked_to_someone_else_is_refused(people):
    """Two people on one WeCom id would each read the other's reminders."""
    staff_profile_update(staff=people.head, wecom_user_id="ZhangMin")

    refused = signed_in(people.handler).post("/staff/profile/", {
        **SETTINGS, "wecom_user_id": "ZhangMin"})

    assert refused.status_code == 400 and "已关联到其他工作人员" in refused.content.decode()
    staff_profile_update(staff=people.handler, dingtalk_user_id="  ")  # blank: unlinked
    with pytest.raises(Conflict):
        staff_profile_update(staff=people.handler, wecom_user_id="ZhangMin")


def test_a_broken_link_shows_and_is_tried_again_when_ticked(people):
    staff_profile_update(staff=people.handler, wecom_user_id="LiuYang")
    staff_messenger_broken(staff=people.handler, messenger="wecom", reason="81013")
    browser = signed_in(people.handler)
    page = browser.get("/staff/profile/").content.decode()
    assert "已失效：企业微信拒绝了此账号" in page and "retry_wecom" in page
    assert "retry_dingtalk" not in page  # only beside a broken link

    browser.post("/staff/profile/", {**SETTINGS, "wecom_user_id": "LiuYang"})
    people.handler.refresh_from_db()
    assert people.handler.wecom_broken_at is not None  # saved unchanged: still broken

    browser.post("/staff/profile/", {**SETTINGS, "wecom_user_id": "LiuYang",
                                     "retry_wecom": "on"})
    people.handler.refresh_from_db()
    assert people.handler.wecom_broken_at is None


def test_a_changed_id_mends_its_broken_link_and_keeps_the_first_moment_otherwise(people):
    staff_profile_update(staff=people.handler, dingtalk_user_id="0156123")
    first = staff_messenger_broken(staff=people.handler, messenger="dingtalk",
                                   reason="33012").dingtalk_broken_at
    again = staff_messenger_broken(staff=people.handler, messenger="dingtalk", reason="33012")
    assert again.dingtalk_broken_at == first

    mended = staff_profile_update(staff=people.handler, dingtalk_user_id="0156124")
    assert mended.dingtalk_broken_at is None
    with pytest.raises(InvalidInput):
        staff_profile_update(staff=people.handler, retry=["email"])


def test_an_administrator_sets_ids_order_and_clears_a_broken_mark_in_the_admin(
        admin_client, people):
    staff = people.handler
    staff_profile_update(staff=staff, wecom_user_id="LiuYang")
    staff_messenger_broken(staff=staff, messenger="wecom", reason="81013")
    url = f"/admin/caseflow/staff/{staff.pk}/change/"
    page = admin_client.get(url).content.decode()
    for field in ("wecom_user_id", "wecom_broken_at", "dingtalk_user_id", "channel_order"):
        assert f'name="{field}' in page

    form = {"user": staff.user_id, "display_name": staff.display_name,
            "language": staff.language, "email": staff.email, "is_active": "on",
            "notify_by_email": "on", "wecom_user_id": "LiuYang",
            "wecom_broken_at_0": "", "wecom_broken_at_1": "",
            "dingtalk_user_id": "0156123", "channel_order": "dingtalk,wecom",
            "role_assignments-TOTAL_FORMS": "0", "role_assignments-INITIAL_FORMS": "0"}
    refused = admin_client.post(url, {**form, "channel_order": "wecom,signal"})
    assert refused.status_code == 200 and "signal" in refused.content.decode()

    saved = admin_client.post(url, form)

    assert saved.status_code == 302, saved.content.decode()[:2000]
    staff.refresh_from_db()
    assert staff.dingtalk_user_id == "0156123" and staff.wecom_broken_at is None
    assert staff.preferred_channels == ["dingtalk", "wecom"]
    assert staff.history.first().dingtalk_user_id == "0156123"  # kept in its history

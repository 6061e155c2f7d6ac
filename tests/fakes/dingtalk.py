"""A fake DingTalk (钉钉) server API on 127.0.0.1, speaking real HTTP.

Routes, as DingTalk documents them (oapi.dingtalk.com):
- `GET /gettoken?appkey=…&appsecret=…` →
  `{"errcode": 0, "errmsg": "ok", "access_token": "…", "expires_in": 7200}`; wrong
  credentials → `{"errcode": 40089, "errmsg": "不合法的corpid或corpsecret"}`.
- `POST /topapi/message/corpconversation/asyncsend_v2?access_token=…` with JSON
  `{"agent_id": n, "userid_list": "id,id", "msg": {"msgtype": "action_card",
  "action_card": {…}}}` → `{"errcode": 0, "task_id": n, "request_id": "…"}`. The sending
  is asynchronous: a userid not in the organisation is accepted here and named in the
  task's result.
- `POST /topapi/message/corpconversation/getsendresult?access_token=…` with JSON
  `{"agent_id": n, "task_id": n}` → `{"errcode": 0, "send_result": {"invalid_user_id_list":
  […], "forbidden_user_id_list": […], "failed_user_id_list": […], "read_user_id_list":
  […], "unread_user_id_list": […], "invalid_dept_id_list": [], "forbidden_list": []}}`.
- A token never issued → `{"errcode": 88, "sub_code": "40014", "sub_msg":
  "不合法的access_token", "errmsg": "ding talk error[subcode=40014,…]"}`; an expired one
  the same with 42001.

Planned failures (`fail_next`): token_expired (88/42001), token_invalid (plain 40014),
freq_limit 90018, global_limit 90002, ip_limit (the IP-wide punishment, `{"status": 1111,
"wait": 5}`), user_not_found 33012, monthly_quota 90020, no_permission (88/60011), busy
-1, server_error (HTTP 500).

Standalone, for demos: `python -m tests.fakes.dingtalk --port 8092 --user 0156123`.
"""

from __future__ import annotations

from tests.fakes.work_platform import Call, FakePlatform, command_line

GETTOKEN = "/gettoken"
SEND = "/topapi/message/corpconversation/asyncsend_v2"
RESULT = "/topapi/message/corpconversation/getsendresult"


def error(code: int, message: str) -> tuple[int, dict]:
    return 200, {"errcode": code, "errmsg": message, "request_id": "fake"}


def auth_error(sub_code: str, sub_msg: str) -> tuple[int, dict]:
    return 200, {"errcode": 88, "sub_code": sub_code, "sub_msg": sub_msg,
                 "errmsg": f"ding talk error[subcode={sub_code},submsg={sub_msg}]",
                 "request_id": "fake"}


class FakeDingTalk(FakePlatform):
    name = "dingtalk"
    token_path = GETTOKEN
    failures = {
        "token_expired": auth_error("42001", "access_token已过期"),
        "token_invalid": error(40014, "不合法的access_token"),
        "freq_limit": error(90018, "当前企业所有应用调用该接口次数过多，请求被暂时禁用了"),
        "global_limit": error(90002, "当前所有钉钉应用调用该接口次数过多，请求被暂时限制了"),
        "ip_limit": (200, {"status": 1111, "wait": 5, "source": "x5", "punish": "deny",
                           "uuid": "fake"}),
        "user_not_found": error(33012, "无效的USERID"),
        "monthly_quota": error(90020, "您的企业本月api调用量已超过限制"),
        "no_permission": auth_error("60011", "没有调用该接口的权限"),
        "busy": error(-1, "系统繁忙"),
        "server_error": (500, b"<html>500 Internal Server Error</html>"),
    }

    def __init__(self, *, app_key: str = "dingfakeappkey", app_secret: str = "fake-secret",
                 agent_id: int = 2870001, users=(), port: int = 0):
        super().__init__(credentials={"appkey": app_key, "appsecret": app_secret},
                         users=users, port=port)
        self.app_key, self.app_secret, self.agent_id = app_key, app_secret, agent_id
        self.tasks: dict[int, dict] = {}  # task id -> its send_result

    def settings(self) -> dict[str, str]:
        return {"DINGTALK_APP_KEY": self.app_key, "DINGTALK_APP_SECRET": self.app_secret,
                "DINGTALK_AGENT_ID": str(self.agent_id),
                "DINGTALK_API_BASE_URL": self.base_url}

    def delivered(self, user: str | None = None) -> list[Call]:
        """Messages whose task reached the user (in the read or unread list)."""
        found = []
        for call in self.calls_to(SEND):
            if call.answer.get("errcode") != 0:
                continue
            result = self.tasks[call.answer["task_id"]]
            reached = result["unread_user_id_list"] + result["read_user_id_list"]
            if user is None and reached or user in reached:
                found.append(call)
        return found

    def route(self, call: Call) -> tuple[int, object]:
        if call.path == GETTOKEN:
            if (planned := self.planned(call, None)) is not None:
                return planned
            if not self.credentials_match(call.query):
                return error(40089, "不合法的corpid或corpsecret")
            return 200, {"errcode": 0, "errmsg": "ok", "access_token": self.issue_token(),
                         "expires_in": 7200}
        if call.path not in (SEND, RESULT) or call.method != "POST":
            return 404, {"errcode": 404, "errmsg": "请求的URI地址不存在"}
        body = call.body or {}
        users = [u for u in str(body.get("userid_list", "")).split(",") if u]
        if (planned := self.planned(call, users[0] if users else None)) is not None:
            return planned
        token = self.token_state(call.query.get("access_token", ""))
        if token != "valid":
            return auth_error(*(("40014", "不合法的access_token") if token == "invalid"
                                else ("42001", "access_token已过期")))
        if str(body.get("agent_id")) != str(self.agent_id):
            return error(400002, "agent_id无效")  # DingTalk's "invalid parameter"
        if call.path == RESULT:
            result = self.tasks.get(int(body.get("task_id") or 0))
            if result is None:
                return error(400002, "task_id无效")
            return 200, {"errcode": 0, "send_result": result, "request_id": "fake"}
        msg = body.get("msg") or {}
        if msg.get("msgtype") not in ("action_card", "markdown", "text", "oa") or not users:
            return error(400002, "无效参数")
        with self.state.lock:
            valid = [u for u in users if u in self.state.users]
            task_id = 7_000_000 + next(self.state.numbers)
            self.tasks[task_id] = {
                "invalid_user_id_list": [u for u in users if u not in valid],
                "forbidden_user_id_list": [], "failed_user_id_list": [],
                "read_user_id_list": [], "unread_user_id_list": valid,
                "invalid_dept_id_list": [], "forbidden_list": []}
        return 200, {"errcode": 0, "task_id": task_id, "request_id": f"req-{task_id}"}

    def bad_body(self, call: Call) -> tuple[int, object]:
        return error(43004, "无效的HTTP HEADER Content-Type")


def main(argv: list[str] | None = None) -> None:
    command_line(FakeDingTalk, doc=__doc__, port=8092, argv=argv)


if __name__ == "__main__":
    main()

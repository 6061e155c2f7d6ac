"""A fake WeCom (企业微信) server API on 127.0.0.1, speaking real HTTP.

Routes, as WeCom documents them (qyapi.weixin.qq.com):
- `GET /cgi-bin/gettoken?corpid=…&corpsecret=…` →
  `{"errcode": 0, "errmsg": "ok", "access_token": "…", "expires_in": 7200}`; wrong
  credentials → `{"errcode": 40001, "errmsg": "invalid credential…"}` (40013 for the corp).
- `POST /cgi-bin/message/send?access_token=…` with JSON `{"touser": "id|id", "agentid": n,
  "msgtype": "textcard", "textcard": {"title", "description", "url", "btntxt"}, …}` →
  `{"errcode": 0, "errmsg": "ok", "invaliduser": "", "invalidparty": "", "invalidtag": "",
  "unlicenseduser": "", "msgid": "…"}`; members not in the organisation are listed in
  `invaliduser` (lower-cased), and when no recipient is valid the answer is errcode 81013.
  A token never issued → 40014, an expired one → 42001; a wrong agentid → 40056.

Planned failures (`fail_next`): token_expired 42001, token_invalid 40014, freq_limit 45009,
concurrency_limit 45033, user_not_found 60111, all_invalid 81013, busy -1, bad_secret
40001 (for gettoken: `fail_next("bad_secret", path=GETTOKEN)`), server_error (HTTP 500).

Standalone, for demos: `python -m tests.fakes.wecom --port 8091 --user liuyang` prints
what it receives and the settings that point Caseflow at it.
"""

from __future__ import annotations

from tests.fakes.work_platform import Call, FakePlatform, command_line

GETTOKEN, SEND = "/cgi-bin/gettoken", "/cgi-bin/message/send"


def error(code: int, message: str) -> tuple[int, dict]:
    return 200, {"errcode": code, "errmsg": f"{message}, hint: [fake], more info at "
                                            f"https://open.work.weixin.qq.com/devtool/query?e={code}"}


class FakeWeCom(FakePlatform):
    name = "wecom"
    token_path = GETTOKEN
    failures = {
        "token_expired": error(42001, "access_token expired"),
        "token_invalid": error(40014, "invalid access_token"),
        "freq_limit": error(45009, "api freq out of limit"),
        "concurrency_limit": error(45033, "api concurrent out of limit"),
        "user_not_found": error(60111, "userid not found"),
        "all_invalid": error(81013, "user & party & tag all invalid"),
        "busy": error(-1, "system busy"),
        "bad_secret": error(40001, "invalid credential"),
        "server_error": (500, b"<html>502 Bad Gateway</html>"),
    }

    def __init__(self, *, corp_id: str = "ww-fake-corp", secret: str = "fake-wecom-secret",
                 agent_id: int = 1000002, users=(), port: int = 0):
        super().__init__(credentials={"corpid": corp_id, "corpsecret": secret}, users=users,
                         port=port)
        self.corp_id, self.secret, self.agent_id = corp_id, secret, agent_id

    def settings(self) -> dict[str, str]:
        """What points Caseflow at this fake."""
        return {"WECOM_CORP_ID": self.corp_id, "WECOM_AGENT_ID": str(self.agent_id),
                "WECOM_SECRET": self.secret, "WECOM_API_BASE_URL": self.base_url}

    def delivered(self, user: str | None = None) -> list[Call]:
        """Messages WeCom took (errcode 0 and the user valid), optionally to one user."""
        return [c for c in self.calls_to(SEND) if c.answer.get("errcode") == 0
                and (user is None or user in c.body["touser"].split("|"))
                and (user is None or user.lower() not in c.answer["invaliduser"].split("|"))]

    def route(self, call: Call) -> tuple[int, object]:
        if call.path == GETTOKEN:
            if (planned := self.planned(call, None)) is not None:
                return planned
            if call.query.get("corpid") != self.corp_id:
                return error(40013, "invalid corpid")
            if not self.credentials_match(call.query):
                return error(40001, "invalid credential")
            return 200, {"errcode": 0, "errmsg": "ok", "access_token": self.issue_token(),
                         "expires_in": 7200}
        if call.path != SEND or call.method != "POST":
            return 404, {"errcode": 404, "errmsg": "not found"}
        body = call.body or {}
        users = [u for u in str(body.get("touser", "")).split("|") if u]
        if (planned := self.planned(call, users[0] if users else None)) is not None:
            return planned
        token = self.token_state(call.query.get("access_token", ""))
        if token == "invalid":
            return error(40014, "invalid access_token")
        if token == "expired":
            return error(42001, "access_token expired")
        if str(body.get("agentid")) != str(self.agent_id):
            return error(40056, "invalid agentid")
        msgtype = body.get("msgtype")
        if msgtype not in ("text", "textcard") or not isinstance(body.get(msgtype), dict):
            return error(40008, "invalid message type")
        if msgtype == "textcard" and not all(body["textcard"].get(k) for k in
                                             ("title", "description", "url")):
            return error(41000, "missing textcard field")
        with self.state.lock:
            invalid = [u for u in users if u not in self.state.users]
        if len(invalid) == len(users):
            return error(81013, "user & party & tag all invalid")
        return 200, {"errcode": 0, "errmsg": "ok",
                     "invaliduser": "|".join(u.lower() for u in invalid), "invalidparty": "",
                     "invalidtag": "", "unlicenseduser": "",
                     "msgid": f"msg-{next(self.state.numbers)}"}

    def bad_body(self, call: Call) -> tuple[int, object]:
        return error(47001, "data format error")


def main(argv: list[str] | None = None) -> None:
    command_line(FakeWeCom, doc=__doc__, port=8091, argv=argv)


if __name__ == "__main__":
    main()

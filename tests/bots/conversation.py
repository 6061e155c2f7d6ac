"""A person talking to the bot in tests: real `Update` objects through
`application.process_update`, the bot pointed at the fake Bot API server; what the bot
said is read back from the server, as Telegram received it."""

from __future__ import annotations

import itertools
import time

from asgiref.sync import async_to_sync
from telegram import Update

from bots.application import build_application
from tests.fakes.bot_api import BotApiServer, Call

update_ids = itertools.count(1000)
message_ids = itertools.count(50_000)


def process(update: dict) -> None:
    """One update through a freshly built application, as one webhook or polling round
    would hand it over. From the test's thread: the handlers' database work runs back
    on it (asgiref), inside the test's transaction."""
    async def run():
        application = build_application()
        async with application:
            await application.process_update(Update.de_json(update, application.bot))
    async_to_sync(run)()


def command_entities(text: str) -> list[dict]:
    if not text.startswith("/"):
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}]


class Chat:
    """Telegram user `chat_id` in their private chat with the bot (or a group)."""

    def __init__(self, server: BotApiServer, chat_id: int, *, language_code: str = "zh-hans",
                 chat_type: str = "private", first_name: str = "Test"):
        self.server = server
        self.chat_id = chat_id
        self.user = {"id": abs(chat_id), "is_bot": False, "first_name": first_name,
                     "language_code": language_code}
        self.chat = ({"id": chat_id, "type": "private", "first_name": first_name}
                     if chat_type == "private" else {"id": chat_id, "type": chat_type,
                                                     "title": "Group"})

    def message_update(self, text: str) -> dict:
        return {"update_id": next(update_ids), "message": {
            "message_id": next(message_ids), "date": int(time.time()), "chat": self.chat,
            "from": self.user, "text": text, "entities": command_entities(text)}}

    def send(self, text: str) -> list[Call]:
        """Send `text`; the calls the bot made while answering (getMe aside)."""
        return self.feed(self.message_update(text))

    def press(self, message: dict, data: str, *, from_chat: Chat | None = None) -> list[Call]:
        """Press the button carrying `data` under `message` (a sent message as the
        server answered it), as this person, or as `from_chat`'s person."""
        presser = from_chat or self
        return self.feed({"update_id": next(update_ids), "callback_query": {
            "id": str(next(update_ids)), "from": presser.user, "chat_instance": "instance",
            "data": data, "message": {**message, "chat": presser.chat}}})

    def feed(self, update: dict) -> list[Call]:
        before = len(self.server.calls)
        process(update)
        return [c for c in self.server.calls[before:] if c.method != "getMe"]

    def replies(self, calls: list[Call]) -> list[str]:
        return [c.params["text"] for c in calls
                if c.method == "sendMessage" and c.chat == str(self.chat_id)]


def linked_chat(server: BotApiServer, staff, chat_id: int, **kwargs) -> Chat:
    """`staff` linked their chat the way people do: the one-time link, then /start."""
    from caseflow.actions.telegram_links import telegram_link_token_issue

    chat = Chat(server, chat_id, **kwargs)
    chat.send(f"/start {telegram_link_token_issue(staff=staff).token}")
    staff.refresh_from_db()
    assert staff.telegram_chat_id == chat_id
    return chat

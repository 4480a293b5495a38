"""Statements per request stay constant as data grows."""

from contextlib import contextmanager

from sqlalchemy import event

from portal.extensions import db


@contextmanager
def count_statements(app):
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _statements(app, client, url, headers=None):
    with count_statements(app) as counter:
        assert client.get(url, headers=headers or {}).status_code == 200
    return counter["n"]


def test_partner_list_statements_do_not_grow(app, client, auth, make_partner, make_user, token_for):
    manager = make_user("channel_manager")
    headers = token_for(manager)
    auth.login(manager)
    for i in range(3):
        make_partner(f"Small {i}", territories=("CN", "HK"))
    small = (_statements(app, client, "/api/v1/partners", headers), _statements(app, client, "/partners"))
    for i in range(30):
        make_partner(f"Large {i}", territories=("CN", "HK"))
    large = (_statements(app, client, "/api/v1/partners", headers), _statements(app, client, "/partners"))
    assert small == large
    assert small[0] <= 4  # token, the cache generation (body and rows are cached apart), the list
    assert _statements(app, client, "/api/v1/partners", headers) == 2  # cached: token and generation


def test_cached_list_sees_changes_at_once(app, client, make_user, make_partner, token_for):
    headers = token_for(make_user("channel_manager"))
    make_partner("Before")
    assert client.get("/api/v1/partners", headers=headers).json["total"] == 1
    make_partner("After")  # another process could have done this: only the database knows
    names = [p["name"] for p in client.get("/api/v1/partners", headers=headers).json["items"]]
    assert names == ["After", "Before"]

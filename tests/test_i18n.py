"""Both languages: every string translated, the right one chosen, formats per locale."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent
DOMAINS = ["portal", "partners", "catalog", "deal_registration", "orders", "enablement"]
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def extracted_ids() -> set[str]:
    ids = set()
    for domain in DOMAINS:
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / domain, METHODS, keywords=KEYWORDS, comment_tags=()):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_every_string_has_a_chinese_translation():
    with open(ROOT / "portal/translations/zh_Hans/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    untranslated = sorted(extracted_ids() - translated)
    assert not untranslated, f"run `make translations` and translate: {untranslated}"


def test_accept_language_picks_chinese(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert "登录合作伙伴门户" in page and 'lang="zh-Hans"' in page


def test_english_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in to the partner portal" in page and 'lang="en"' in page


def test_switcher_saves_the_users_choice(app, client, auth, make_user):
    user = make_user("channel_manager")
    auth.login(user)
    response = auth.post("/locale?next=/partners", {"locale": "zh_Hans"}, form_url="/dashboard")
    assert response.location == "/partners"
    assert "合作伙伴" in client.get("/partners").get_data(as_text=True)
    other_browser = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other_browser).login(user)
    assert "渠道概览" in other_browser.get("/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_money_is_formatted_per_locale(app, client, auth, make_partner, make_user):
    partner = make_partner(credit_limit="1234567.50")
    auth.login(make_user("partner_user", partner))
    english = client.get("/dashboard").get_data(as_text=True)
    assert "CN¥1,234,567.50" in english
    auth.post("/locale", {"locale": "zh_Hans"}, form_url="/dashboard")
    chinese = client.get("/dashboard").get_data(as_text=True)
    assert "¥1,234,567.50" in chinese and "信用额度" in chinese


def test_api_errors_speak_the_callers_language(client):
    response = client.post("/api/v1/auth/tokens", json={"email": "x@example.com", "password": "y" * 12},
                           headers={"Accept-Language": "zh-CN"})
    assert response.json["error"]["message"] == "邮箱或密码错误。"

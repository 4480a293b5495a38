"""Sign-in, sessions, throttling, CSRF, passwords and API tokens."""

from datetime import timedelta

from portal.auth.models import ApiToken, LoginAttempt, User
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import PASSWORD, csrf_token


def test_login_page_signs_in_and_lands_on_dashboard(client, auth, make_user):
    user = make_user("channel_manager")
    response = auth.login(user)
    assert response.status_code == 302 and response.location.endswith("/dashboard")
    assert "Channel overview" in client.get("/dashboard").get_data(as_text=True)


def test_wrong_password_shows_message_and_stays_signed_out(client, auth, make_user):
    user = make_user()
    response = auth.login(user.email, "wrong-password-123")
    assert response.status_code == 200
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_pages_need_sign_in(client):
    response = client.get("/partners")
    assert response.status_code == 302 and "/login?next=" in response.location


def test_login_redirects_only_to_same_site(client, make_user):
    user = make_user()
    token = csrf_token(client, "/login")
    response = client.post("/login?next=//evil.example.com/x",
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.location == "/dashboard"


def test_form_post_without_csrf_token_is_refused(client, make_user, app):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 302


def test_login_starts_a_new_session_and_logout_clears_it(client, auth, make_user):
    user = make_user()
    before = csrf_token(client, "/login")
    auth.login(user)
    after = csrf_token(client, "/account/password")
    assert before != after
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_session_cookie_flags(client, auth, make_user):
    response = auth.login(make_user())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers(client):
    headers = client.get("/login").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


def test_throttling_per_account_is_recorded_in_the_database(client, auth, make_user, app):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert auth.login(user.email, "wrong-password-123").status_code == 200
    response = auth.login(user)  # the right password, but too late
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(LoginAttempt).filter_by(email=user.email).count() == 5


def test_throttling_per_address_spans_accounts(client, app, make_user):
    user = make_user()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for i in range(limit):
        client.post("/api/v1/auth/tokens", json={"email": f"nobody{i}@example.com", "password": "x" * 12})
    response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert response.json["error"]["code"] == "too_many_attempts"


def test_throttle_window_passes(app, make_user):
    from portal.auth.service import is_throttled

    user = make_user()
    old = utcnow() - timedelta(seconds=app.config["LOGIN_WINDOW_SECONDS"] + 1)
    with app.app_context():
        db.session.add_all([LoginAttempt(email=user.email, address="10.0.0.1", at=old) for _ in range(10)])
        db.session.commit()
        assert not is_throttled(user.email, "10.0.0.1", utcnow())


def test_password_change_rejects_short_and_ends_other_sessions(app, client, auth, make_user):
    user = make_user()
    other = app.test_client()
    auth.login(user)
    token = csrf_token(other, "/login")
    other.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert other.get("/dashboard").status_code == 200

    response = auth.post("/account/password", {"current_password": PASSWORD, "new_password": "short",
                                               "confirm": "short"})
    assert "Use at least 12 characters." in response.get_data(as_text=True)

    new = "a-much-longer-password"
    response = auth.post("/account/password", {"current_password": PASSWORD, "new_password": new, "confirm": new})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this session continues
    assert other.get("/dashboard").status_code == 302  # the other one ended
    auth.logout()
    assert auth.login(user.email, new).status_code == 302


def test_api_token_endpoint(client, make_user):
    user = make_user()
    response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201
    assert response.json["token"].startswith("pp_") and response.json["expires_at"].endswith("+00:00")
    headers = {"Authorization": f"Bearer {response.json['token']}"}
    assert client.get("/api/v1/me", headers=headers).json["email"] == user.email


def test_api_token_wrong_credentials_is_401(client, make_user):
    user = make_user()
    response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": "wrong-password-123"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_credentials"


def test_api_token_throttled_after_repeated_failures(client, make_user):
    user = make_user()
    for _ in range(5):
        client.post("/api/v1/auth/tokens", json={"email": user.email, "password": "wrong-password-123"})
    response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429


def test_tokens_are_stored_hashed(app, client, make_user):
    user = make_user()
    plain = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD}).json["token"]
    with app.app_context():
        stored = db.session.query(ApiToken).one()
        assert plain not in stored.token_hash and len(stored.token_hash) == 64


def test_api_ignores_session_cookie(client, auth, make_user):
    auth.login(make_user())
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_expired_and_revoked_tokens_are_refused(app, client, make_user, token_for):
    user = make_user()
    headers = token_for(user)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with app.app_context():
        token = db.session.query(ApiToken).one()
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401

    headers = token_for(user)
    with app.app_context():
        token = db.session.query(ApiToken).filter(ApiToken.revoked_at.is_(None),
                                                  ApiToken.expires_at > utcnow()).one()
        token.revoked_at = utcnow()
        db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_tokens_page_creates_lists_and_revokes(app, client, auth, make_user):
    user = make_user()
    auth.login(user)
    page = auth.post("/account/tokens", {"name": "ERP sync"}).get_data(as_text=True)
    assert "ERP sync" in page and 'data-testid="new-token"' in page
    plain = page.split('data-testid="new-token">')[1].split("<")[0]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    with app.app_context():
        token_id = db.session.query(ApiToken).one().id
    response = auth.post(f"/account/tokens/{token_id}/revoke", {}, form_url="/account/tokens")
    assert response.status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_cannot_revoke_someone_elses_token(app, client, auth, make_user, token_for):
    owner, intruder = make_user(), make_user()
    headers = token_for(owner)
    with app.app_context():
        token_id = db.session.query(ApiToken).one().id
    auth.login(intruder)
    response = auth.post(f"/account/tokens/{token_id}/revoke", {}, form_url="/account/tokens")
    assert response.status_code == 404
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_suspended_partner_cannot_sign_in_or_use_tokens(app, client, auth, make_partner, make_user, token_for):
    partner = make_partner()
    user = make_user("partner_admin", partner)
    headers = token_for(user)
    from partners.models import Partner

    with app.app_context():
        db.session.get(Partner, partner.id).status = "suspended"
        db.session.commit()
    response = auth.login(user)
    assert response.status_code == 200 and "This account is suspended." in response.get_data(as_text=True)
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403


def test_deactivated_user_loses_running_session(app, client, auth, make_user):
    user = make_user()
    auth.login(user)
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get("/dashboard").status_code == 302

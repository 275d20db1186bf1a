"""ctx.set_cookie: every attribute is checked, so no module can break the Set-Cookie header."""

from __future__ import annotations

import pytest

from chalicelib.context import render_set_cookie


def test_the_session_cookie_renders_as_before():
    header = render_set_cookie("s", "v", max_age=60, path="/", secure=True, httponly=True, samesite="lax")
    assert header == "s=v; HttpOnly; Max-Age=60; Path=/; SameSite=Lax; Secure"


@pytest.mark.parametrize(
    "attributes",
    [
        {"path": "/\r\nX-Injected: 1"},
        {"path": "/a; Domain=evil.example"},
        {"path": "/caf\u00e9"},
        {"path": "relative"},
        {"domain": "evil.example\r\nSet-Cookie: s=x"},
        {"domain": "a b"},
        {"expires": "Wed, 21 Oct 2026 07:28:00 GMT\n"},
        {"max_age": "60; Secure"},
        {"max_age": 1.5},
        {"max_age": True},
        {"samesite": "Lax\r\nX: 1"},
        {"samesite": "sometimes"},
        {"secure": "yes"},
        {"httponly": 1},
    ],
)
def test_an_attribute_that_would_break_the_header_or_mean_nothing_is_refused(attributes):
    with pytest.raises(ValueError, match="cookie 'c'"):
        render_set_cookie("c", "v", **attributes)


def test_a_non_ascii_value_is_refused():
    with pytest.raises(ValueError, match="not ASCII"):
        render_set_cookie("c", "caf\u00e9")


def test_false_and_none_leave_an_attribute_out():
    assert render_set_cookie("c", "v", secure=False, httponly=None, domain=None) == "c=v"


def test_expires_and_max_age_take_seconds_or_text():
    assert "expires=Wed, 21 Oct 2026 07:28:00 GMT" in render_set_cookie(
        "c", "v", expires="Wed, 21 Oct 2026 07:28:00 GMT"
    )
    assert "Max-Age=0" in render_set_cookie("c", "", max_age="0")
    assert "expires=" in render_set_cookie("c", "v", expires=3600)


def test_a_host_cookie_must_be_secure_at_the_root_and_without_a_domain():
    assert render_set_cookie("__Host-s", "v", path="/", secure=True).startswith("__Host-s=v")
    for attributes in ({"path": "/"}, {"secure": True}, {"secure": True, "path": "/", "domain": "a.example"}):
        with pytest.raises(ValueError, match="__Host-"):
            render_set_cookie("__Host-s", "v", **attributes)


def test_a_secure_prefix_and_samesite_none_need_secure():
    with pytest.raises(ValueError, match="__Secure-"):
        render_set_cookie("__Secure-s", "v")
    with pytest.raises(ValueError, match="samesite='None'"):
        render_set_cookie("c", "v", samesite="None")
    assert "SameSite=None" in render_set_cookie("c", "v", samesite="none", secure=True)

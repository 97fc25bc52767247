"""One safe-redirect helper for every ``next``: only paths on this site, never a 500."""
import pytest

from anihome.web.safe_redirect import safe_next

HOSTILE = ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
           "http:/evil.example", "/\r\nSet-Cookie:x", " /account/", "/\t/evil.example", "/\n/evil.example",
           "/\x00x", "\t//evil.example", "x" * 2001, "", None, "relative/path", "/" + "\u3000/evil.example"]


@pytest.mark.parametrize("target", HOSTILE)
def test_targets_that_could_leave_the_site_or_break_the_header_are_refused(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/", "/lists?status=watching&page=2", "/releases/5#episodes", "/search?q=атака"])
def test_local_paths_are_kept(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "//evil.example", "/x\r\ny"])
def test_library_forms_fall_back_to_their_own_page_for_a_hostile_next(app, member, target):
    from tests.conftest import csrf_token, sign_in

    client = app.test_client()
    sign_in(client, "member")
    response = client.post("/collections/", data={"csrf_token": csrf_token(client, "/collections/"),
                                                   "name": "", "next": target})  # refused: goes back
    assert response.status_code == 302
    assert response.headers["Location"] == "/collections/"

"""Every text field looks like a field, whether or not its template spelled out type="text":
the setup page's second form had a bare, unstyled box."""
from __future__ import annotations

STYLE = "e => { const s = getComputedStyle(e); return [s.borderTopLeftRadius, s.backgroundColor, s.width]; }"


def test_a_field_without_a_type_is_styled_like_the_others(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/setup")  # no owner yet: the setup page with its two forms
    first = page.eval_on_selector("#setup_code, input[name=setup_code]", STYLE)
    bare = page.eval_on_selector("#restore-setup-code", STYLE)
    assert page.get_attribute("#restore-setup-code", "type") is None
    assert bare == first and bare[0] == "8px"

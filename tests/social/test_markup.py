"""The tiny markup: everything escaped first, then formatted; never raw HTML out."""
from anihome.social.markup import plain, render


def test_script_tags_are_escaped_not_run():
    html = render("<script>alert(1)</script><img src=x onerror=alert(2)>")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_javascript_and_data_links_stay_plain_text():
    html = render("javascript:alert(1) [x](javascript:alert(1)) data:text/html,<b>x</b>")
    assert "<a" not in html
    assert "href" not in html


def test_http_links_become_nofollow_links_without_trailing_punctuation():
    html = render("see https://example.org/a?b=1&c=2.")
    assert ('<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">'
            in html)
    assert html.endswith("</a>.</p>")


def test_a_quote_cannot_break_out_of_a_link_attribute():
    html = render('https://e.org/x"onmouseover="alert(1)')
    assert 'href="https://e.org/x"' in html
    assert 'onmouseover="' not in html


def test_bold_italic_and_spoiler_render_as_tags():
    html = render("a **b** *c* ||d **e**|| f")
    assert "<strong>b</strong>" in html and "<em>c</em>" in html
    assert '<span class="spoiler"' in html and "d <strong>e</strong></span>" in html


def test_nested_spoiler_markers_pair_in_order_and_stay_well_formed():
    html = str(render("||a ||b|| c||"))
    assert html.count('<span class="spoiler"') == 2
    assert html.count("</span>") == 2
    assert ">b<" in html


def test_unclosed_and_crossing_markers_stay_literal():
    assert str(render("||never closed")) == "<p>||never closed</p>"
    assert str(render("**bold")) == "<p>**bold</p>"
    html = str(render("**a ||b** c||"))
    assert html.count("<strong>") == html.count("</strong>") == 1
    assert "<span" not in html


def test_paragraphs_and_line_breaks():
    assert str(render("one\ntwo\n\n\nthree")) == "<p>one<br>\ntwo</p>\n<p>three</p>"


def test_control_characters_cannot_forge_link_placeholders():
    html = str(render("\x000\x00 https://a.org"))
    assert html.count("<a ") == 1


def test_plain_excerpt_drops_markers_and_shortens():
    assert plain("||secret|| **bold**") == "secret bold"
    assert len(plain("x" * 500, 50)) == 50

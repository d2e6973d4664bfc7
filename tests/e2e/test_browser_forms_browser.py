"""The form reader of tests/browser_forms.py against Chromium itself: for tricky markup and for
every form of real edit pages, the entries Chromium's FormData builds and the controls its
constraint validation flags are the ones the reader gives."""

import pytest

from tests.browser_forms import describe_forms, is_submit_button, parse, read_form
from tests.postback import LANGUAGES, open_form, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# The entry list and the invalid controls of one form, as Chromium has them: the form marked
# data-gx-index, submitted by the n-th of its submit buttons (or none).
CHROMIUM_READS = """([formIndex, buttonIndex]) => {
  const form = document.querySelector(`form[data-gx-index="${formIndex}"]`);
  const buttons = [...form.elements].filter(e => e.type === "submit");
  const submitter = buttonIndex === null ? null : buttons[buttonIndex];
  const data = submitter ? new FormData(form, submitter) : new FormData(form);
  const entries = [...data.entries()]
    .filter(([, value]) => typeof value === "string")
    .map(([name, value]) => [name, value]);
  const invalid = [...form.elements]
    .filter(e => e.willValidate && !e.checkValidity())
    .map(e => e.name || "(no name)");
  return {entries, invalid: [...new Set(invalid)].sort()};
}"""


SNIPPETS = [
    '<input name="a" value="x &amp; y"><input type="hidden" name="h" value="1&#10;2">',
    '<input type="email" name="e" value="  a@b.cn ">'
    '<input type="url" name="u" value=" https://x.cn/ ">',
    '<input type="tel" name="t" value="138&#10;0013"><input name="n" type="weird" value="w">',
    '<input type="date" name="d1" value="2026-12-07">'
    '<input type="date" name="d2" value="2026/12/07">',
    '<input type="date" name="d3" value="2026-02-30"><input type="month" name="m" value="2026-13">',
    '<input type="datetime-local" name="l1" value="2026-12-07 09:30:00">'
    '<input type="datetime-local" name="l2" value="2026-12-07T09:30:15">',
    '<input type="time" name="t1" value="09:30"><input type="time" name="t2" value="9:30">',
    '<input type="number" name="n1" value="1,000.50"><input type="number" name="n2" value="-3e2">'
    '<input type="number" name="n3" value="12.">',
    '<input type="checkbox" name="c" checked><input type="checkbox" name="c2">'
    '<input type="checkbox" name="c3" value="yes" checked>'
    '<input type="radio" name="r" value="1" checked>'
    '<input type="radio" name="r" value="2" checked>',
    '<select name="s1"><option value="1">1</option><option value="2" selected>2</option></select>'
    '<select name="s2"><option value="">-</option><option value="5">5</option></select>'
    '<select name="s3"><option value="a" selected>a</option><option value="b" selected>b</option>'
    '</select><select name="s4"><option>  By   its\n text </option></select>',
    '<select name="g"><optgroup label="x"><option value="g1">g1</option>'
    '<option value="g2" selected>g2</option></optgroup></select>'
    '<select name="k"><option value="x" disabled>x</option><option value="y">y</option></select>'
    '<select name="none"></select>',
    '<select name="m" multiple><option value="1" selected>1</option><option value="2">2</option>'
    '<option value="3" selected>3</option></select>'
    '<select name="z" size="3"><option value="1">1</option></select>',
    '<select name="a"><option value="1">1</option><option value="2" selected disabled>2</option>'
    '</select><select name="b"><optgroup disabled><option value="3" selected>3</option>'
    "</optgroup></select>",
    '<textarea name="t">\nline 1 &amp; <b>2</b>\r\nline 3</textarea>'
    '<textarea name="u">\n\nblank first</textarea>',
    '<input name="a" value="1" disabled><fieldset disabled><input name="d" value="1">'
    '<legend><input name="e" value="legend"></legend></fieldset>'
    '<fieldset disabled><legend>x</legend><legend><input name="f" value="1"></legend></fieldset>'
    '<input name="g" value="1" readonly>',
    '<button type="button" name="not" value="x">x</button><input type="reset" name="r" value="r">'
    '<button name="action" value="save">Save</button>'
    '<button name="action" value="submit">Submit</button>',
    '<input name="a" value="1"><template><input name="b" value="2"></template>'
    '<input type="hidden" name="_charset_" value="x">',
    # what the browser's constraint validation stops
    '<input name="r1" required><input type="date" name="r2" required value="2026/12/07">'
    '<textarea name="r3" required>\n</textarea><input type="checkbox" name="r4" required>'
    '<input type="radio" name="r5" value="1" required><input type="radio" name="r5" value="2">'
    '<select name="r6" required><option value="">-</option><option value="1">1</option></select>'
    '<select name="r7" required multiple><option value="1">1</option></select>'
    '<input type="file" name="r8" required>',
    '<input name="ok1" required value="x"><input name="ok2" required disabled>'
    '<input name="ok3" required readonly><input type="hidden" name="ok4" required>'
    '<select name="ok5" required><option value="0">0</option></select>'
    '<select name="ok6" required><optgroup label="g"><option value="">x</option></optgroup>'
    "</select>",
    '<input name="p1" pattern="[0-9]{6}" value="100080"><input name="p2" pattern="[0-9]{6}" '
    'value="1000801"><input name="p3" pattern="a|b" value="ab"><input name="p4" pattern="(" '
    'value="x"><input type="email" name="p5" pattern=".+@corp\\.cn" value="x@other.cn">',
    '<input type="number" name="n1" min="0" max="10" value="10.5">'
    '<input type="number" name="n2" min="0" value="2.5"><input type="number" name="n3" value="2.5">'
    '<input type="number" name="n4" step="0.01" min="0" value="12.345">'
    '<input type="number" name="n5" step="any" min="0" value="12.345">'
    '<input type="number" name="n6" step="0.01" min="0" value="12.34">',
    '<input type="date" name="d1" min="2026-01-01" value="2025-12-31">'
    '<input type="date" name="d2" step="7" min="2026-01-05" value="2026-01-13">'
    '<input type="datetime-local" name="d3" min="2026-01-01T00:00" value="2026-01-01T09:30:15">'
    '<input type="time" name="d4" step="1" min="00:00" value="09:30:15">'
    '<input type="month" name="d5" min="2026-02" value="2026-01">',
    '<input type="email" name="e1" value="wang@"><input type="email" name="e2" value="王@x.cn">'
    '<input type="email" name="e3" multiple value="a@b.cn, c@d.cn">'
    '<input type="url" name="u1" value="example.com/x"><input type="url" name="u2" value="https://">',
    '<input name="l1" maxlength="2" value="four"><input name="l2" minlength="9" value="four">'
    '<textarea name="l3" maxlength="2">four</textarea>',
]


def _compare(page, html: str, *, url: str = "") -> None:
    """Every form of `html` (loaded in `page`, its forms numbered by _numbered)."""
    forms = parse(html).forms
    assert page.evaluate("document.querySelectorAll('form').length") == len(forms)
    for form in forms:
        index = form.get("data-gx-index")
        ours = read_form(html, selector=f"form[data-gx-index='{index}']", url=url)
        submit_buttons = [c for c in ours.controls if is_submit_button(c)]
        pressed = submit_buttons.index(ours.button) if ours.button is not None else None
        theirs = page.evaluate(CHROMIUM_READS, [index, pressed])
        # FormData holds line breaks as typed; the form encoding writes them as CR LF
        entries = [(n.replace("\r\n", "\n"), v.replace("\r\n", "\n")) for n, v in ours.entries]
        where = f"{url} {describe_forms(html)[forms.index(form)]}"
        assert entries == [tuple(e) for e in theirs["entries"]], where
        flagged = sorted({failure.split(" <", 1)[0] for failure in ours.invalid})
        assert flagged == theirs["invalid"], where


def _numbered(html: str) -> str:
    """The document with each form tag numbered (data-gx-index), so that Chromium and the
    reader name the same form."""
    parts = html.split("<form")
    return "".join(
        [parts[0], *(f'<form data-gx-index="{n}"{part}' for n, part in enumerate(parts[1:]))]
    )


@pytest.mark.parametrize("body", SNIPPETS)
def test_the_reader_reads_a_form_as_chromium_does(open_browser, body):
    page = open_browser(800, 600)
    html = _numbered(f"<!doctype html><html><body><form>{body}</form></body></html>")
    page.set_content(html)
    _compare(page, html)


def _pages(org):
    from tests.accounts import test_edit_pages_postback as accounts
    from tests.care import test_edit_pages_postback as care
    from tests.customers import test_edit_pages_postback as customers
    from tests.pipeline import test_edit_pages_postback as pipeline
    from tests.sales import test_edit_pages_postback as sales

    return [
        customers.customer_person(org),
        customers.contact(org),
        sales.contract_amend(org),  # each sales page makes the same products: one of them
        pipeline.pool(org),
        care.rule_task(org),
        care.reception(org),
        accounts.user_full(org),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_form_of_real_edit_pages_reads_as_chromium_reads_it(request, org, language):
    pages = []
    for edit_page in _pages(org):
        client = signed_in(edit_page, language=language)
        open_form(client, edit_page)  # the page is there and has its form
        headers = {"HX-Request": "true"} if edit_page.panel else {}
        html = client.get(edit_page.url, headers=headers).content.decode()
        pages.append((edit_page.url, _numbered(html)))
    # the browser only now: while Playwright's loop runs, the ORM would use another
    # connection than the test's transaction
    browser = request.getfixturevalue("open_browser")(1280, 900)
    for url, html in pages:
        browser.set_content(html)
        _compare(browser, html, url=url)

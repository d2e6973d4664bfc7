"""The form reader of tests/browser_forms.py reads a form as Chromium submits it: these tests
hold each of its rules, and show that each constraint can stop a submission."""

import pytest

from tests.browser_forms import describe_forms, read_form


def entries(body: str, **kwargs) -> list[tuple[str, str]]:
    return read_form(f'<form method="post">{body}</form>', **kwargs).entries


def invalid(body: str, *, novalidate: bool = False) -> list[str]:
    flag = " novalidate" if novalidate else ""
    return read_form(f'<form method="post"{flag}>{body}</form>').invalid


# ------------------------------------------------------------------------- what is sent


def test_text_like_inputs_send_their_value_unescaped():
    body = (
        '<input name="a" value="x &amp; &lt;y&gt; &quot;z&quot;">'
        '<input type="hidden" name="b" value="7">'
        '<input type="email" name="c" value="  a@b.cn ">'
        '<input type="tel" name="d" value="138 0013 8000">'
        '<input type="number" name="e" value="12.50">'
        '<input type="search" name="f" value="q">'
        '<input type="url" name="g" value=" https://example.com/ ">'
        '<input type="password" name="h" value="secret">'
        '<input type="text" name="i">'
        '<input name="j" type="weird" value="unknown types are text">'
    )
    assert entries(body) == [
        ("a", 'x & <y> "z"'),
        ("b", "7"),
        ("c", "a@b.cn"),
        ("d", "138 0013 8000"),
        ("e", "12.50"),
        ("f", "q"),
        ("g", "https://example.com/"),
        ("h", "secret"),
        ("i", ""),
        ("j", "unknown types are text"),
    ]


def test_a_one_line_input_loses_the_line_breaks_of_its_value():
    assert entries('<input name="a" value="line 1&#10;line 2">') == [("a", "line 1line 2")]


@pytest.mark.parametrize(
    ("kind", "written", "sent"),
    [
        ("date", "2026-12-07", "2026-12-07"),
        ("date", "2026/12/07", ""),
        ("date", "2026年12月7日", ""),
        ("date", "2026-02-30", ""),
        ("datetime-local", "2026-12-07T09:30", "2026-12-07T09:30"),
        ("datetime-local", "2026-12-07 09:30:00", "2026-12-07T09:30"),
        ("datetime-local", "2026-12-07T09:30:15", "2026-12-07T09:30:15"),
        ("datetime-local", "2026/12/07 09:30", ""),
        ("month", "2026-12", "2026-12"),
        ("month", "2026-13", ""),
        ("time", "09:30", "09:30"),
        ("time", "9:30", ""),
        ("number", "1000.5", "1000.5"),
        ("number", "-3e2", "-3e2"),
        ("number", "1,000.50", ""),
        ("number", "12.", ""),
        ("number", "", ""),
    ],
)
def test_a_value_the_input_type_cannot_hold_is_sent_empty(kind, written, sent):
    assert entries(f'<input type="{kind}" name="v" value="{written}">') == [("v", sent)]


def test_only_ticked_boxes_and_the_checked_radio_are_sent():
    body = (
        '<input type="checkbox" name="a" checked>'
        '<input type="checkbox" name="b">'
        '<input type="checkbox" name="c" value="yes" checked>'
        '<input type="radio" name="r" value="1" checked>'
        '<input type="radio" name="r" value="2" checked>'
        '<input type="radio" name="r" value="3">'
        '<input type="radio" name="s" value="x">'
    )
    # of two radios marked checked, the later one is (checking one unchecks the rest)
    assert entries(body) == [("a", "on"), ("c", "yes"), ("r", "2")]


def test_a_select_sends_its_selected_option_or_else_its_first():
    body = (
        '<select name="chosen"><option value="1">one</option>'
        '<option value="2" selected>two</option></select>'
        '<select name="none"><option value="">—</option><option value="5">five</option></select>'
        '<select name="last"><option value="a" selected>a</option>'
        '<option value="b" selected>b</option></select>'
        '<select name="text"><option>  By   its\n text </option></select>'
        '<select name="grouped"><optgroup label="g"><option value="g1">g1</option>'
        '<option value="g2" selected>g2</option></optgroup></select>'
        '<select name="skip"><option value="x" disabled>x</option><option value="y">y</option>'
        "</select>"
        '<select name="empty"></select>'
    )
    assert entries(body) == [
        ("chosen", "2"),
        ("none", ""),
        ("last", "b"),
        ("text", "By its text"),
        ("grouped", "g2"),
        ("skip", "y"),
    ]


def test_a_stored_value_missing_from_the_options_is_replaced_by_the_first_option():
    """What a user who saves sends when the page lost the stored choice: the first option."""
    body = '<select name="source"><option value="">—</option><option value="3">展会</option>'
    assert entries(body + "</select>") == [("source", "")]


def test_a_list_select_sends_every_selected_option_and_none_by_default():
    body = (
        '<select name="m" multiple><option value="1" selected>1</option>'
        '<option value="2">2</option><option value="3" selected>3</option></select>'
        '<select name="n" multiple><option value="1">1</option></select>'
        '<select name="s" size="3"><option value="1">1</option></select>'
    )
    assert entries(body) == [("m", "1"), ("m", "3")]


def test_a_disabled_option_is_not_sent_even_if_selected():
    body = (
        '<select name="a"><option value="1">1</option>'
        '<option value="2" selected disabled>2</option></select>'
        '<select name="b"><optgroup disabled><option value="3" selected>3</option></optgroup>'
        "</select>"
    )
    assert entries(body) == []


def test_a_textarea_sends_its_text_as_the_browser_encodes_it():
    body = (
        '<textarea name="t">\nline 1 &amp; <b>2</b>\r\nline 3</textarea>'
        '<textarea name="u">\n\nstarts with a blank line</textarea>'
    )
    # the parser drops the newline after <textarea>; the form encoding writes CR LF
    assert entries(body) == [
        ("t", "line 1 & <b>2</b>\r\nline 3"),
        ("u", "\r\nstarts with a blank line"),
    ]


def test_htmx_sends_a_textarea_as_its_value_is():
    form = read_form('<form hx-post="/x/"><textarea name="t">a\nb</textarea></form>')
    assert form.via_htmx
    assert form.method == "post"
    assert form.action == "/x/"
    assert form.entries == [("t", "a\nb")]
    assert form.headers == {"HX-Request": "true"}


def test_htmx_sends_the_headers_the_form_inherits():
    html = (
        '<body hx-headers=\'{"X-CSRFToken": "abc"}\'><div hx-headers=\'{"X-Two": "2"}\'>'
        '<form hx-post="/x/"><input name="a" value="1"></form></div></body>'
    )
    assert read_form(html).headers == {"HX-Request": "true", "X-CSRFToken": "abc", "X-Two": "2"}


def test_disabled_controls_are_not_sent():
    body = (
        '<input name="a" value="1" disabled>'
        '<select name="b" disabled><option>x</option></select>'
        '<textarea name="c" disabled>x</textarea>'
        '<fieldset disabled><input name="d" value="1">'
        '<legend><input name="e" value="in the first legend"></legend></fieldset>'
        '<fieldset disabled><legend>first</legend><legend><input name="f" value="1"></legend>'
        "</fieldset>"
        '<input name="g" value="1" readonly>'
    )
    assert entries(body) == [("e", "in the first legend"), ("g", "1")]


def test_only_the_pressed_submit_button_is_sent():
    body = (
        '<button type="button" name="not" value="sent">Help</button>'
        '<input type="reset" name="reset" value="r">'
        '<button name="action" value="save">Save</button>'
        '<button name="action" value="submit">Save and submit</button>'
        '<input type="submit" name="go" value="Go">'
        '<button type="submit">No name</button>'
    )
    assert entries(body) == [("action", "save")]
    assert entries(body, submitter="Save and submit") == [("action", "submit")]
    assert entries(body, submitter="go") == [("go", "Go")]
    assert entries(body, submitter="No name") == []


def test_a_form_without_a_submit_button_sends_no_button():
    assert entries('<input name="a" value="1"><button type="button">x</button>') == [("a", "1")]


def test_controls_without_a_name_and_other_forms_controls_are_not_sent():
    html = (
        '<form id="one" method="post"><input value="no name"><input name="a" value="1"></form>'
        '<form id="two" method="post"><input name="b" value="2"></form>'
        '<input name="c" value="outside, but of form one" form="one">'
        '<input name="d" value="outside every form">'
    )
    assert read_form(html, form_id="one").entries == [("a", "1"), ("c", "outside, but of form one")]


def test_a_form_inside_a_form_is_ignored_by_the_parser():
    html = (
        '<form id="outer" method="post"><input name="a" value="1">'
        '<form id="inner"><input name="b" value="2"></form>'
        '<input name="c" value="after the inner end tag: no form"></form>'
    )
    assert describe_forms(html) == ["#outer method=post action=''"]
    assert read_form(html, form_id="outer").entries == [("a", "1"), ("b", "2")]


def test_what_a_template_holds_is_not_sent():
    body = '<input name="a" value="1"><template><input name="b" value="2"></template>'
    assert entries(body) == [("a", "1")]


def test_a_charset_field_sends_the_encoding():
    assert entries('<input type="hidden" name="_charset_" value="x">') == [("_charset_", "UTF-8")]


# ------------------------------------------------------------------------- which form


PAGE = (
    '<form method="get" action="/search/"><input name="q"></form>'
    '<form method="post" class="card main"><input name="name" value="A"></form>'
    '<form method="post" id="delete" action="/x/1/delete/"></form>'
    '<form hx-post="/x/1/panel/" class="panel"><input name="p" value="1"></form>'
)


def test_without_a_name_the_form_posting_to_the_page_itself_is_read():
    assert read_form(PAGE).entries == [("name", "A")]


def test_a_form_is_found_by_id_action_or_selector():
    assert read_form(PAGE, form_id="delete").action == "/x/1/delete/"
    assert read_form(PAGE, action="/x/1/panel/").entries == [("p", "1")]
    assert read_form(PAGE, selector="form.card.main[method=post]").entries == [("name", "A")]
    assert read_form(PAGE, selector='form[hx-post$="/panel/"]').via_htmx
    assert read_form(PAGE, action="/search/").method == "get"


def test_a_form_is_found_by_a_field_it_holds():
    html = (
        '<form method="post"><input type="hidden" name="row" value="1"><input name="v" value="a">'
        '</form><form method="post"><input type="hidden" name="row" value="2">'
        '<input name="v" value="b"></form>'
    )
    assert read_form(html, holding=("row", "2")).entries == [("row", "2"), ("v", "b")]


def test_a_form_name_that_fits_none_or_several_says_which_forms_there_are():
    with pytest.raises(AssertionError, match=r"0 forms match.*#delete method=post"):
        read_form(PAGE, form_id="nothing")
    with pytest.raises(AssertionError, match="2 forms match"):
        read_form(PAGE, selector="form[method=post]")


def test_the_action_is_resolved_against_the_page_and_the_button_may_change_it():
    html = (
        '<form method="post" action="save/"><button>Save</button>'
        '<button formaction="/other/" formmethod="get" name="b" value="1">Other</button></form>'
    )
    assert read_form(html, url="http://testserver/things/3/").action == (
        "http://testserver/things/3/save/"
    )
    other = read_form(html, url="/things/3/", submitter="Other")
    assert (other.action, other.method) == ("/other/", "get")


def test_the_encoding_follows_the_form():
    assert read_form('<form enctype="multipart/form-data"></form>').enctype == (
        "multipart/form-data"
    )
    assert read_form("<form></form>").enctype == "application/x-www-form-urlencoded"


def test_what_a_user_types_is_sent_and_checked_again():
    form = read_form(
        '<form><input name="a" value="1"><textarea name="t" required></textarea>'
        '<select name="s"><option value="x">x</option><option value="y">y</option></select>'
        '<input type="radio" name="r" value="1" checked><input type="radio" name="r" value="2">'
        '<input type="checkbox" name="c"><input type="number" name="n" min="1" value="1"></form>'
    )
    assert form.invalid == ["t <textarea>: required and empty"]
    for name, value in [("a", "changed"), ("t", "一\n二"), ("s", "y"), ("r", "2"), ("c", "on")]:
        form.type(name, value)
    form.type("n", "0")
    assert form.entries == [
        ("a", "changed"),
        ("t", "一\r\n二"),
        ("s", "y"),
        ("r", "2"),
        ("c", "on"),
        ("n", "0"),
    ]
    assert form.invalid == ['n <input number>: "0" is below min="1"']
    assert form.data()["a"] == ["changed"]
    with pytest.raises(AssertionError, match="no option"):
        form.type("s", "z")
    with pytest.raises(AssertionError, match="no field"):
        form.type("nothing", "1")


# ------------------------------------------------------------------------- what stops it

JAN_1 = "2026-01-01T00:00"


@pytest.mark.parametrize(
    "body",
    [
        '<input name="a" required>',
        '<input name="a" required value="">',
        '<input type="date" name="a" required value="2026/12/07">',
        '<input type="number" name="a" required value="1,000">',
        '<input type="email" name="a" required>',
        '<textarea name="a" required></textarea>',
        '<textarea name="a" required>\n</textarea>',
        '<input type="checkbox" name="a" required>',
        '<input type="radio" name="a" value="1" required><input type="radio" name="a" value="2">',
        '<select name="a" required><option value="">—</option><option value="1">1</option>'
        "</select>",
        '<select name="a" required multiple><option value="1">1</option></select>',
        '<select name="a" required></select>',
        '<input type="file" name="a" required>',
    ],
)
def test_a_required_field_left_empty_stops_the_submission(body):
    assert len(invalid(body)) == 1
    assert "required" in invalid(body)[0]


@pytest.mark.parametrize(
    "body",
    [
        '<input name="a" required value="x">',
        '<input type="date" name="a" required value="2026-12-07">',
        '<textarea name="a" required>x</textarea>',
        '<input type="checkbox" name="a" required checked>',
        '<input type="radio" name="a" value="1" required><input type="radio" name="a" value="2" '
        "checked>",
        '<select name="a" required><option value="">—</option><option value="1" selected>1</option>'
        "</select>",
        # a first option with a value is no placeholder
        '<select name="a" required><option value="0">none</option></select>',
        # nor an empty option in a group
        '<select name="a" required><optgroup label="g"><option value="">x</option></optgroup>'
        "</select>",
        # fields the browser does not check
        '<input name="a" required disabled>',
        '<input name="a" required readonly>',
        '<input type="hidden" name="a" required>',
        '<fieldset disabled><input name="a" required></fieldset>',
    ],
)
def test_a_required_field_with_a_value_or_not_checked_passes(body):
    assert invalid(body) == []


@pytest.mark.parametrize(
    ("body", "fails"),
    [
        ('<input name="a" pattern="[0-9]{6}" value="100080">', False),
        ('<input name="a" pattern="[0-9]{6}" value="1000801">', True),  # the whole value
        ('<input name="a" pattern="[0-9]{6}" value="x100080">', True),
        ('<input name="a" pattern="a|b" value="ab">', True),  # the pattern is grouped
        ('<input name="a" pattern="[0-9]{6}" value="">', False),  # empty: only required counts
        ('<input type="tel" name="a" pattern="\\+?[0-9 -]+" value="+86 138">', False),
        ('<input type="email" name="a" pattern=".+@corp\\.cn" value="x@corp.cn">', False),
        ('<input type="email" name="a" pattern=".+@corp\\.cn" value="x@other.cn">', True),
        ('<input name="a" pattern="(" value="x">', False),  # a broken pattern checks nothing
        ('<input type="number" name="a" pattern="[0-9]" value="12">', False),  # not for numbers
    ],
)
def test_a_pattern_must_match_the_whole_value(body, fails):
    assert bool(invalid(body)) is fails


@pytest.mark.parametrize(
    ("body", "fails"),
    [
        ('<input type="number" name="a" min="0" max="10" value="10">', False),
        ('<input type="number" name="a" min="0" max="10" value="-1">', True),
        ('<input type="number" name="a" min="0" max="10" value="10.5">', True),
        ('<input type="date" name="a" min="2026-01-01" value="2025-12-31">', True),
        ('<input type="date" name="a" max="2026-01-01" value="2026-01-02">', True),
        (
            '<input type="date" name="a" min="2026-01-01" max="2026-12-31" value="2026-06-30">',
            False,
        ),
        (f'<input type="datetime-local" name="a" max="{JAN_1}" value="2026-01-01T00:01">', True),
        ('<input type="month" name="a" min="2026-02" value="2026-01">', True),
        ('<input type="time" name="a" min="08:00" value="07:59">', True),
    ],
)
def test_a_value_outside_min_and_max_stops_the_submission(body, fails):
    assert bool(invalid(body)) is fails


@pytest.mark.parametrize(
    ("body", "fails"),
    [
        # no step: whole numbers counted from min
        ('<input type="number" name="a" min="0" value="2">', False),
        ('<input type="number" name="a" min="0" value="2.5">', True),
        ('<input type="number" name="a" min="0.5" value="2.5">', False),
        # without min the step counts from the value the page wrote: that one always fits
        ('<input type="number" name="a" value="2.5">', False),
        ('<input type="number" name="a" step="0.01" min="0" value="12.34">', False),
        ('<input type="number" name="a" step="0.01" min="0" value="12.345">', True),
        ('<input type="number" name="a" step="0.01" min="0.005" value="12.34">', True),
        ('<input type="number" name="a" step="any" min="0" value="12.345">', False),
        ('<input type="number" name="a" step="0" min="0" value="2.5">', True),  # invalid: 1
        ('<input type="date" name="a" step="7" min="2026-01-05" value="2026-01-12">', False),
        ('<input type="date" name="a" step="7" min="2026-01-05" value="2026-01-13">', True),
        (f'<input type="datetime-local" name="a" min="{JAN_1}" value="2026-01-01T09:30:15">', True),
        ('<input type="time" name="a" step="1" min="00:00" value="09:30:15">', False),
    ],
)
def test_a_number_or_date_off_its_step_stops_the_submission(body, fails):
    assert bool(invalid(body)) is fails


@pytest.mark.parametrize(
    ("body", "fails"),
    [
        ('<input type="email" name="a" value="wang@example.com">', False),
        ('<input type="email" name="a" value="wang@">', True),
        ('<input type="email" name="a" value="王@example.com">', True),
        ('<input type="email" name="a" multiple value="a@b.cn, c@d.cn">', False),
        ('<input type="email" name="a" multiple value="a@b.cn, c">', True),
        ('<input type="url" name="a" value="https://example.com/hook">', False),
        ('<input type="url" name="a" value="example.com/hook">', True),
        ('<input type="url" name="a" value="https://">', True),
    ],
)
def test_an_email_or_url_that_is_none_stops_the_submission(body, fails):
    assert bool(invalid(body)) is fails


def test_lengths_count_only_what_the_user_types():
    assert invalid('<input name="a" maxlength="2" value="four">') == []
    assert invalid('<input name="a" minlength="9" value="four">') == []
    assert invalid('<textarea name="a" maxlength="2">four</textarea>') == []


def test_novalidate_lets_the_form_go_with_its_faults_listed():
    body = '<input name="a" required>'
    flagged = read_form(f'<form method="post" novalidate>{body}</form>')
    assert flagged.invalid and flagged.blocked == []
    plain = read_form(f'<form method="post">{body}<button formnovalidate>Draft</button></form>')
    assert plain.invalid and plain.blocked == []
    assert read_form(f'<form method="post">{body}</form>').blocked == plain.invalid


def test_the_failures_name_the_field_and_the_rule():
    [failure] = invalid('<input type="number" name="quantity" min="1" value="0">')
    assert failure == 'quantity <input number>: "0" is below min="1"'

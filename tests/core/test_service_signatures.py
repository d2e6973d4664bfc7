"""Services and selectors are called with keywords (DESIGN: typed services; issue 10 §3).

mypy holds them to full annotations; this holds every public function of a `services.py` or
`selectors.py` to keyword-only parameters, so a call names what it passes and an argument
added later cannot shift the others. The few allowed positional functions are helpers of one
plain value (a date, a text, a token), not reads or writes of records."""

import ast
from pathlib import Path

import guanxi

SRC = Path(guanxi.__file__).parent

VALUE_HELPERS = {
    "care/messages/services.py": {"consent_state", "is_unsubscribe_reply"},
    "care/rules/selectors.py": {"rule_when"},
    "care/visits/services.py": {"fortnight_start", "last_complete_fortnight"},
    "imports/exports/selectors.py": {"export_kind_label"},
    "imports/exports/services.py": {"filename_for"},
    "portal/access/services.py": {"digest", "identifier_parse"},
    "satisfaction/surveys/services.py": {"month_of", "link_refusal", "greeting_name"},
    "service/calls/selectors.py": {"normalised_number"},
    "service/complaints/selectors.py": {"missed_q", "at_risk_q", "on_track_q"},
    "service/complaints/services.py": {"step_number"},
}


def positional_functions(source: str) -> list[str]:
    """The public module-level functions of `source` that take a parameter by position."""
    tree = ast.parse(source)
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
        and (node.args.posonlyargs or node.args.args)
    ]


def service_modules() -> list[Path]:
    return sorted(
        path
        for name in ("services.py", "selectors.py")
        for path in SRC.rglob(name)
        if "migrations" not in path.parts
    )


def test_every_public_service_and_selector_is_keyword_only():
    modules = service_modules()
    assert len(modules) > 50
    offenders = [
        f"{path.relative_to(SRC)}: {name}"
        for path in modules
        for name in positional_functions(path.read_text(encoding="utf-8"))
        if name not in VALUE_HELPERS.get(str(path.relative_to(SRC)), set())
    ]
    assert offenders == []


def test_the_allowed_value_helpers_still_exist():
    for module, names in VALUE_HELPERS.items():
        assert names <= set(positional_functions((SRC / module).read_text(encoding="utf-8")))


def test_the_check_sees_a_positional_parameter():
    source = (
        "def contract_sign(actor, *, contract): ...\n"
        "def contract_void(*, actor, contract): ...\n"
        "def _lock(contract): ...\n"
        "def amount_of(contract, /): ...\n"
    )
    assert positional_functions(source) == ["contract_sign", "amount_of"]

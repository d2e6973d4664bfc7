"""Services and selectors are called with keywords (DESIGN: typed services; issue 10 §3).

mypy holds them to full annotations; this holds every public function of a `services.py` or
`selectors.py` to keyword-only parameters, so a call names what it passes and an argument
added later cannot shift the others. The few allowed positional functions are helpers of one
plain value (a date, a text, a token), not reads or writes of records.

A full annotation can still be `Any`, which mypy accepts and checks nothing against: no public
function or method of those modules takes a parameter annotated plain `Any` (the user is a
`User`, or `User | AnonymousUser` where any request's user may reach the read)."""

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


def _is_plain_any(annotation: ast.expr | None) -> bool:
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return annotation.value.strip() in ("Any", "typing.Any")
    return annotation is not None and ast.unparse(annotation) in ("Any", "typing.Any")


def any_parameters(source: str) -> list[str]:
    """`function(parameter)` for each named parameter annotated plain `Any` of the public
    module-level functions and the public methods of the classes in `source` (a filter's
    `from_params`). `**hints: Any` is not a named parameter: it passes values on unread."""
    tree = ast.parse(source)
    functions: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions.append((node.name, node))
        elif isinstance(node, ast.ClassDef):
            functions.extend(
                (f"{node.name}.{method.name}", method)
                for method in node.body
                if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef)
            )
    return [
        f"{name}({parameter.arg})"
        for name, function in functions
        if not function.name.startswith("_")
        for parameter in (
            *function.args.posonlyargs,
            *function.args.args,
            *function.args.kwonlyargs,
        )
        if _is_plain_any(parameter.annotation)
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


def test_no_public_service_or_selector_takes_a_parameter_annotated_any():
    offenders = [
        f"{path.relative_to(SRC)}: {parameter}"
        for path in service_modules()
        for parameter in any_parameters(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_check_sees_a_parameter_annotated_any():
    source = (
        "import typing\n"
        "from typing import Any\n"
        "def visit_page(*, user: Any, limit: int = 25): ...\n"
        "def objections_open(*, user: User | AnonymousUser, cursor: typing.Any = None): ...\n"
        "def script_get(script_id: 'Any', /): ...\n"
        "def visit_count(*, user: User, filters: Mapping[str, Any]): ...\n"
        "def _scoped(user: Any): ...\n"
        "def customer_refresh_category(*, customer: Customer, **hints: Any): ...\n"
        "class ReportFilters:\n"
        "    @classmethod\n"
        "    def from_params(cls, params: Any): ...\n"
        "    def _month(self, raw: Any): ...\n"
    )
    assert any_parameters(source) == [
        "visit_page(user)",
        "objections_open(cursor)",
        "script_get(script_id)",
        "ReportFilters.from_params(params)",
    ]


def transactions_on_classes(source: str) -> list[str]:
    """Classes decorated with `transaction.atomic`: a decorator that slid off the function
    below it when a dataclass was put between them (quote_update ran outside a transaction)."""
    return [
        node.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ClassDef)
        and any("atomic" in ast.unparse(decorator) for decorator in node.decorator_list)
    ]


def test_no_class_is_decorated_as_a_transaction():
    found = {
        f"{path.relative_to(SRC)}: {name}"
        for path in sorted(SRC.rglob("*.py"))
        for name in transactions_on_classes(path.read_text(encoding="utf-8"))
    }
    assert found == set()


def test_the_check_sees_a_transaction_on_a_class():
    source = "@transaction.atomic\n@dataclass\nclass Head:\n    x: int\n\n\ndef f(): ...\n"
    assert transactions_on_classes(source) == ["Head"]

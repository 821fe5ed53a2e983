"""The type information shipped with the package: py.typed, and a stub _ccrnn.pyi whose public names are exactly those of
the compiled module (functions, classes, and each class's methods, properties and enum values), both ways.
After changing the bindings: PYTHONPATH=build/bindings /usr/bin/python3 scripts/generate_stubs.py"""
import ast
import inspect
import os
import pathlib

import pytest

PACKAGE = pathlib.Path(os.environ.get("CCRNN_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2])) \
    / "bindings" / "python" / "ccrnn"
SKIP = {"_pybind11_conduit_v1_"}


def public(name):
    return not name.startswith("_") and name not in SKIP


def module_names(module):
    """{"name": None for a function or constant, "Class": {member names}} of the compiled module's public API."""
    out = {}
    for name in dir(module):
        if not public(name):
            continue
        obj = getattr(module, name)
        out[name] = {k for k in obj.__dict__ if public(k)} if inspect.isclass(obj) else None
    return out


def stub_names(text):
    out = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
                elif isinstance(item, ast.Assign):
                    members.update(t.id for t in item.targets if isinstance(t, ast.Name))
            out[node.name] = {m for m in members if public(m)}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[node.name] = None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out[node.target.id] = None
        elif isinstance(node, ast.Assign):
            out.update((t.id, None) for t in node.targets if isinstance(t, ast.Name))
    return {k: v for k, v in out.items() if public(k)}


def differences(compiled, stub):
    """Human-readable list of what one side has and the other lacks; empty when they agree."""
    problems = [f"{n}: in the module, not in the stub" for n in sorted(compiled.keys() - stub.keys())]
    problems += [f"{n}: in the stub, not in the module" for n in sorted(stub.keys() - compiled.keys())]
    for name in sorted(compiled.keys() & stub.keys()):
        a, b = compiled[name], stub[name]
        if (a is None) != (b is None):
            problems.append(f"{name}: a class on one side only")
        elif a is not None:
            problems += [f"{name}.{m}: in the module, not in the stub" for m in sorted(a - b)]
            problems += [f"{name}.{m}: in the stub, not in the module" for m in sorted(b - a)]
    return problems


@pytest.fixture(scope="module")
def compiled():
    from ccrnn import _ccrnn
    return module_names(_ccrnn)


def test_the_package_ships_py_typed_and_the_stub():
    assert (PACKAGE / "py.typed").exists()
    assert (PACKAGE / "_ccrnn.pyi").exists()


def test_the_stub_has_the_compiled_modules_public_names_and_no_others(compiled):
    stub = stub_names((PACKAGE / "_ccrnn.pyi").read_text())
    assert len(compiled) > 50  # the module really was introspected
    assert differences(compiled, stub) == []


def test_the_comparison_sees_a_missing_or_extra_name(compiled):
    text = (PACKAGE / "_ccrnn.pyi").read_text()
    stub = stub_names(text)
    without_function = {k: v for k, v in stub.items() if k != "task_names"}
    assert differences(compiled, without_function) == ["task_names: in the module, not in the stub"]
    without_method = dict(stub, Model=stub["Model"] - {"forward"})
    assert differences(compiled, without_method) == ["Model.forward: in the module, not in the stub"]
    extra = stub_names(text + "\ndef no_such_function() -> None: ...\n")
    assert differences(compiled, extra) == ["no_such_function: in the stub, not in the module"]

#!/usr/bin/env python3
"""Writes bindings/python/ccrnn/_ccrnn.pyi, the type stub of the compiled module, by introspecting a built one.

    PYTHONPATH=build/bindings /usr/bin/python3 scripts/generate_stubs.py            # rewrite the stub
    PYTHONPATH=build/bindings /usr/bin/python3 scripts/generate_stubs.py --check    # exit 1 if it differs

Signatures come from pybind11's docstrings (first line `name(arg: type = default) -> type`, or the numbered
lines of "Overloaded function."); C++ types pybind11 cannot name become Any, defaults become `...`.
Run it after changing the bindings; tests/python/test_stubs.py checks that the stub and the module have the same
public names (functions, classes, methods, properties, enum values).
"""
import argparse
import inspect
import pathlib
import re
import sys

MODULE = "ccrnn._ccrnn"
STUB = pathlib.Path(__file__).resolve().parent.parent / "bindings" / "python" / "ccrnn" / "_ccrnn.pyi"
SKIP = {"__doc__", "__module__", "__dict__", "__weakref__", "__entries", "__members__", "_pybind11_conduit_v1_"}
SIGNATURE = re.compile(r"^(?:\d+\.\s+)?(\w*)\((.*)\)\s*->\s*(.+)$")


def python_type(text):
    """pybind11's spelling of a type -> one a type checker understands."""
    t = text.strip().replace(MODULE + ".", "")
    t = re.sub(r"numpy\.ndarray\[bool\]", "numpy.typing.NDArray[numpy.bool_]", t)
    t = re.sub(r"numpy\.ndarray\[(numpy\.\w+)(?:\[[^\]]*\])?(?:, flags\.\w+)*\]", r"numpy.typing.NDArray[\1]", t)
    t = re.sub(r"\bnumpy\.ndarray\b(?!\[)", "numpy.typing.NDArray[Any]", t)
    t = re.sub(r"\b(object|handle)\b", "Any", t)
    t = re.sub(r"\bIterator\b(?!\[)", "Iterator[Any]", t)
    t = re.sub(r"\bfunction\b", "Callable[..., Any]", t)
    if "::" in t or "<" in t:  # a C++ type without a Python binding
        return "Any"
    return t


def split_top(text):
    """Splits an argument list at the commas outside brackets and quotes."""
    parts, depth, quote, current = [], 0, None, ""
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def parameters(text, method):
    out = []
    for i, arg in enumerate(split_top(text)):
        if arg in ("*", "/"):
            out.append(arg)
            continue
        name, _, rest = arg.partition(":")
        annotation, eq, _ = rest.partition("=")
        name = name.strip()
        if method and i == 0 and not name.startswith("*"):
            out.append("self")
            continue
        p = f"{name}: {python_type(annotation)}" if annotation.strip() else name
        out.append(p + (" = ..." if eq else ""))
    return ", ".join(out)


def signatures(obj, name, method):
    """(parameters, return type) for each overload, from the docstring; None if it has none."""
    doc = obj.__doc__ or ""
    lines = [l.strip() for l in doc.splitlines()]
    found = [SIGNATURE.match(l) for l in lines if SIGNATURE.match(l)]
    if lines and lines[0] == "Overloaded function.":
        found = [m for m in found if re.match(r"^\d+\.", m.string)]
    elif found:
        found = found[:1]
    out = [(parameters(m.group(2), method), python_type(m.group(3))) for m in found]
    return out or [("self, *args: Any, **kwargs: Any" if method else "*args: Any, **kwargs: Any",
                    "None" if name == "__init__" else "Any")]


def summary(obj):
    """The docstring without pybind11's signature lines, for a short docstring in the stub."""
    lines = [l for l in (obj.__doc__ or "").splitlines()
             if l.strip() and not SIGNATURE.match(l.strip()) and l.strip() != "Overloaded function."]
    return lines[0].strip().replace('"""', "'''").replace("\\", "\\\\") if lines else ""


def function(obj, name, indent, method, decorator=None):
    sigs = signatures(obj, name, method)
    lines = []
    for params, returns in sigs:
        if len(sigs) > 1:
            lines.append(f"{indent}@overload")
        if decorator:
            lines.append(f"{indent}@{decorator}")
        lines.append(f"{indent}def {name}({params}) -> {returns}: ...")
    return lines


def property_lines(name, prop, indent):
    getter = signatures(prop.fget, name, True)[0][1] if prop.fget else "Any"
    lines = [f"{indent}@property", f"{indent}def {name}(self) -> {getter}: ..."]
    if prop.fset is not None:
        lines += [f"{indent}@{name}.setter", f"{indent}def {name}(self, value: {getter}) -> None: ..."]
    return lines


def class_lines(cls):
    bases = [b for b in cls.__bases__ if b.__module__ not in ("pybind11_builtins",) and b is not object]
    base = "(" + ", ".join(b.__name__ if b.__module__ in ("builtins", MODULE) else f"{b.__module__}.{b.__name__}"
                           for b in bases) + ")" if bases else ""
    lines = [f"class {cls.__name__}{base}:"]
    doc = summary(cls)
    if doc:
        lines.append(f'    """{doc}"""')
    for key, value in cls.__dict__.items():
        if key in SKIP or (key.startswith("_") and not (key.startswith("__") and key.endswith("__"))
                           and not isinstance(value, (tuple, str, int, float, dict))):
            continue
        if isinstance(value, cls):  # enum value
            lines.append(f"    {key}: ClassVar[{cls.__name__}]")
        elif isinstance(value, property):
            lines += property_lines(key, value, "    ")
        elif isinstance(value, staticmethod):
            lines += function(value.__func__, key, "    ", False, "staticmethod")
        elif isinstance(value, classmethod):
            lines += function(value.__func__, key, "    ", True, "classmethod")
        elif type(value).__name__ == "pybind11_static_property":
            lines.append(f"    {key}: ClassVar[Any]")
        elif callable(value) and not inspect.isclass(value):
            if key == "__init__" and not issubclass(cls, BaseException) and "__members__" in cls.__dict__:
                lines += ["    def __init__(self, value: int) -> None: ..."]
            elif issubclass(cls, BaseException):
                continue
            else:
                lines += function(value, key, "    ", True)
        elif isinstance(value, (tuple, str, int, float, dict)):
            lines.append(f"    {key}: ClassVar[{type(value).__name__}]")
    if len(lines) == 1 + bool(doc):
        lines.append("    ...")
    return lines


def generate(module):
    out = [f'"""Type stub of {MODULE}, the compiled part of ccrnn. Generated by scripts/generate_stubs.py from a built',
           'module: edit the bindings and rerun it rather than editing this file."""',
           "from typing import Any, Callable, ClassVar, Dict, Iterator, List, Optional, Tuple, Union, overload",
           "", "import numpy", "import numpy.typing", ""]
    names = sorted(n for n in dir(module) if not n.startswith("_"))
    out.append(f"__version__: str")
    for name in names:
        obj = getattr(module, name)
        out.append("")
        if inspect.isclass(obj):
            out += class_lines(obj)
        elif callable(obj):
            out += function(obj, name, "", False)
        else:
            out.append(f"{name}: {type(obj).__name__}")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed stub instead of writing it")
    parser.add_argument("--output", type=pathlib.Path, default=STUB)
    args = parser.parse_args()
    import importlib
    text = generate(importlib.import_module(MODULE))
    if args.check:
        same = args.output.exists() and args.output.read_text() == text
        print(f"{args.output}: {'up to date' if same else 'differs from the built module (rerun scripts/generate_stubs.py)'}")
        return 0 if same else 1
    args.output.write_text(text)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

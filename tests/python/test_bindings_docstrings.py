"""Every public function, class, method and property of the module says what it does (beyond pybind11's
generated signature)."""
import inspect

import pytest

ccrnn = pytest.importorskip("ccrnn", reason="the ccrnn module is not built (CCRNN_BUILD_PYTHON=OFF?)")


def described(doc, name):
    """True when the docstring has text other than signature lines ("name(...) -> ...")."""
    if not doc:
        return False
    lines = [l.strip() for l in doc.strip().splitlines() if l.strip()]
    text = [l for l in lines if not l.startswith((name + "(", "(arg0", "(self")) and not l.startswith("Overloaded function")
            and not (l[:2].isdigit() or l[:1].isdigit() and l[1:3] == ". ")]
    return len(" ".join(text)) >= 10


def public_members():
    for name in sorted(n for n in dir(ccrnn) if not n.startswith("_")):
        obj = getattr(ccrnn, name)
        if inspect.ismodule(obj):
            continue
        yield name, obj
        if inspect.isclass(obj) and not issubclass(obj, BaseException):
            enum = hasattr(obj, "__members__")
            for member, value in vars(obj).items():
                if member.startswith("_") or (enum and member in obj.__members__) or member in ("name", "value"):
                    continue
                if callable(value) or isinstance(value, property):
                    yield f"{name}.{member}", value


@pytest.mark.parametrize("name,obj", list(public_members()), ids=lambda x: x if isinstance(x, str) else "")
def test_documented(name, obj):
    doc = obj.__doc__
    assert described(doc, name.split(".")[-1]), f"ccrnn.{name} has no description: {doc!r}"

"""Lazy attribute loading for package faces (PEP 562).

A package lists which of its submodules defines each public name; the submodule is imported the
first time the name is used, so ``import tensornn`` (and ``tensornn --help``) does not pay for numpy,
scipy or networkx code the caller never touches.

Example
-------
In a package ``__init__.py``::

    __getattr__, __dir__, __all__ = attach(__name__, {"sample_ensemble": ".sampling"})
"""

from __future__ import annotations

import importlib

__all__ = ["attach"]


def attach(package: str, names: dict[str, str]):
    """Return ``(__getattr__, __dir__, __all__)`` resolving each name from its submodule.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : dict
        Public name -> submodule, relative (``".sampling"``) or absolute. A name equal to the last
        component of its submodule path with ``"."`` as value (``{"flow": "."}``) is not supported:
        map it to the submodule itself, ``{"flow": ".flow"}``, and it is returned as a module.
    """

    def __getattr__(name: str):
        try:
            module_name = names[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        module = importlib.import_module(module_name, package)
        value = module if module.__name__.rsplit(".", 1)[-1] == name else getattr(module, name)
        globals_ = importlib.import_module(package).__dict__
        globals_[name] = value
        return value

    def __dir__():
        return sorted(names)

    return __getattr__, __dir__, list(names)

"""What every figure needs: pyplot on demand, one house style, and saving in the format its file name asks for.

Library functions in :mod:`tensornn.plotting` return matplotlib figures. Each takes the keywords ``path`` and
``dpi`` (added by :func:`figure_function`): with a ``path`` the figure is also written there, in the format of
the path's suffix (:data:`FORMATS`: ``.png``, ``.pdf`` or ``.svg``; anything else is refused before any
drawing), completely or not at all (:func:`tensornn.report.atomic_write`). ``dpi`` sets the resolution of PNG
files and of the raster parts of PDF and SVG files (default :data:`DEFAULT_DPI`). Figures are drawn in the
:func:`paper_style`: font sizes readable on a printed page, mathtext labels, text kept as text in SVG and
TrueType fonts embedded in PDF. Without a display, matplotlib selects its non-interactive backend by itself,
so nothing here forces a backend.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import inspect
import math
import numbers
import weakref
from pathlib import Path

from ..errors import InvalidArgumentError, InvalidTypeError, MissingDependencyError
from ..report import atomic_write

__all__ = ["pyplot", "available", "save_figure", "figure_writer", "figure_format", "figure_function",
           "paper_style", "FORMATS", "DEFAULT_DPI", "MAX_DPI", "PAPER_STYLE"]

#: File formats a figure can be written in, by suffix (matplotlib's format names).
FORMATS = ("png", "pdf", "svg")

#: Resolution of PNG files and of the raster parts of vector files (dots per inch).
DEFAULT_DPI = 200

#: Largest accepted ``dpi``: a 12 x 8 inch figure at 1200 dpi is already a 140-megapixel PNG.
MAX_DPI = 1200

#: The rc parameters of :func:`paper_style`: sizes in points for a figure printed at its own size.
PAPER_STYLE = {
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 8.5,
    "figure.titlesize": 11,
    "mathtext.fontset": "dejavusans",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "lines.linewidth": 1.6,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.05,
    "pdf.fonttype": 42,
    "svg.fonttype": "none",
    "svg.hashsalt": "tensornn",
}


def pyplot():
    """``matplotlib.pyplot``, or a :class:`~tensornn.errors.MissingDependencyError` saying how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
        raise MissingDependencyError("figures need matplotlib: pip install 'tensornn[plot]'") from exc
    return plt


def available() -> bool:
    """True when matplotlib can be imported (the ``plot`` extra is installed)."""
    return importlib.util.find_spec("matplotlib") is not None


@contextlib.contextmanager
def paper_style():
    """Draw with :data:`PAPER_STYLE` (a ``matplotlib.rc_context``); fonts are fixed when the text is created."""
    import matplotlib

    with matplotlib.rc_context(PAPER_STYLE):
        yield


def figure_format(path, *, argument: str = "path") -> str:
    """The format of a figure file from its suffix: 'png', 'pdf' or 'svg' (case-insensitive).

    Raises
    ------
    InvalidArgumentError
        A suffix outside :data:`FORMATS` (or none): the message names the argument, the suffix and the choices.

    Examples
    --------
    >>> figure_format("flows.PDF"), figure_format("fig.svg")
    ('pdf', 'svg')
    """
    if not isinstance(path, (str, Path)):
        raise InvalidTypeError(f"{argument} must be a file name ending in .png, .pdf or .svg, got "
                               f"{type(path).__name__}")
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        got = f"the suffix {Path(path).suffix!r}" if suffix else "no suffix"
        raise InvalidArgumentError(
            f"{argument} must end in .png, .pdf or .svg (the suffix chooses the format), got {got} in {str(path)!r}; "
            "rename the file")
    return suffix


def _check_dpi(dpi) -> float:
    if isinstance(dpi, bool) or not isinstance(dpi, numbers.Real):
        raise InvalidTypeError(f"dpi must be a number of dots per inch, got {dpi!r} ({type(dpi).__name__})")
    if not math.isfinite(float(dpi)) or not 0 < float(dpi) <= MAX_DPI:
        raise InvalidArgumentError(f"dpi must be in (0, {MAX_DPI}], got {dpi!r}; typical values are 150-600")
    return float(dpi)


#: The tight bounding box of a figure written in several formats, measured once (a "tight" save draws the figure
#: twice: once to measure, once to render; the box does not depend on the format beyond rounding).
_TIGHT_BOXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _tight_box(fig):
    box = _TIGHT_BOXES.get(fig)
    if box is None:
        fig.canvas.draw()
        box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(PAPER_STYLE["savefig.pad_inches"])
        _TIGHT_BOXES[fig] = box
    return box


def _savefig(fig, target, fmt: str, dpi: float, *, shared_box: bool = False) -> None:
    """``fig.savefig`` in the house style (fonts embedded in PDF, text as text in SVG are read at save time).

    ``shared_box``: the figure is written in several formats; its tight box is measured once for all of them.
    """
    from .._version import __version__

    creator = f"tensornn {__version__} (matplotlib)"
    metadata = {"Creator": creator} if fmt != "png" else {"Software": creator}
    with paper_style():
        extra = {"bbox_inches": _tight_box(fig)} if shared_box else {}
        fig.savefig(target, dpi=dpi, format=fmt, metadata=metadata, **extra)


def figure_writer(fig, *, dpi: float | None = None, close: bool = True):
    """A callable ``write(path)`` that saves ``fig`` to ``path`` in the format of its suffix (and closes it).

    For report folders (:func:`tensornn.report.write_report`), which pass a temporary path with the same suffix.
    ``close=False`` keeps the figure open for a further writer (the same figure in another format).
    """
    dpi = DEFAULT_DPI if dpi is None else _check_dpi(dpi)

    def write(path):
        try:
            _savefig(fig, path, figure_format(path), dpi, shared_box=not close or fig in _TIGHT_BOXES)
        finally:
            if close:
                _TIGHT_BOXES.pop(fig, None)
                pyplot().close(fig)

    return write


def save_figure(fig, path, *, dpi: float | None = None) -> Path:
    """Write ``fig`` to ``path`` atomically in the format of its suffix (png, pdf, svg), then close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or Path
        Destination; its suffix chooses the format (:func:`figure_format`).
    dpi : float, optional
        Dots per inch of PNG files and of the raster parts of PDF/SVG (default :data:`DEFAULT_DPI`).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InvalidArgumentError
        An unknown suffix or a dpi outside (0, :data:`MAX_DPI`]; nothing is written.
    """
    plt = pyplot()
    try:
        fmt = figure_format(path)
        resolution = DEFAULT_DPI if dpi is None else _check_dpi(dpi)
        return atomic_write(path, lambda tmp: _savefig(fig, tmp, fmt, resolution))
    finally:
        plt.close(fig)


_SAVE_PARAMETERS = (
    inspect.Parameter("path", inspect.Parameter.KEYWORD_ONLY, default=None),
    inspect.Parameter("dpi", inspect.Parameter.KEYWORD_ONLY, default=None),
)


def figure_function(draw):
    """Give a figure function the house style and the keywords ``path`` and ``dpi``.

    The decorated function draws inside :func:`paper_style` and returns its figure; with ``path`` it also writes
    it there (:func:`save_figure`: format from the suffix, checked before any drawing) and closes it.
    """

    @functools.wraps(draw)
    def wrapper(*args, path=None, dpi=None, **kwargs):
        if path is not None:
            figure_format(path)
        if dpi is not None:
            _check_dpi(dpi)
        with paper_style():
            fig = draw(*args, **kwargs)
        if path is not None:
            if not hasattr(fig, "savefig"):
                raise InvalidArgumentError(f"path: {draw.__name__} drew into the axes it was given; save their figure "
                                           "(ax.figure) instead of passing path")
            save_figure(fig, path, dpi=dpi)
        return fig

    signature = inspect.signature(draw)
    params = list(signature.parameters.values())
    tail = [p for p in params if p.kind == inspect.Parameter.VAR_KEYWORD]
    params = [p for p in params if p.kind != inspect.Parameter.VAR_KEYWORD] + list(_SAVE_PARAMETERS) + tail
    wrapper.__signature__ = signature.replace(parameters=params)  # shown by help() and the API reference
    wrapper.__doc__ = (draw.__doc__ or "").rstrip() + (
        "\n\n    With ``path`` (a .png, .pdf or .svg file name) the figure is also written there and closed; ``dpi``"
        "\n    sets the resolution of PNG files (default 200).\n")
    return wrapper

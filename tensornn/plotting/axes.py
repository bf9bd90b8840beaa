"""Axis helpers shared by every figure: symlog axes that read as such, visible bands, and where a flow stops.

- :func:`symlog_axis`: a symmetric-log axis labelled ``0, ±10^k`` in mathtext with minor ticks at 2..9 x 10^k (the
  logarithmic spacing is visible) and its linear region shaded and marked, so it cannot be read as linear;
- :func:`band`: an error band drawn with its edges, visible even where it is thinner than the line;
- :func:`mark_stop`: the marker at the last point of a flow that stopped early (a pole of the threshold
  functions, a divergence, a failed step), drawn at the edge of the axes with an arrow when the point lies
  outside them, with the reason next to it; :data:`STOP_MARKERS` and :func:`stop_legend_handles` give the key.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["symlog_axis", "band", "mark_stop", "stop_legend_handles", "STOP_MARKERS", "legend_outside"]

#: Marker and short reason drawn where a flow stops, by trajectory status ("completed" flows get none).
STOP_MARKERS = {
    "pole": ("X", "pole"),
    "diverged": ("^", "diverges"),
    "failed": ("s", "step failed"),
}


def _decade_label(value: float) -> str:
    if value == 0:
        return "$0$"
    exponent = int(round(math.log10(abs(value))))
    sign = "-" if value < 0 else ""
    return f"${sign}10^{{{exponent}}}$"


def symlog_axis(ax, linthresh: float, *, axis: str = "y", max_labels: int = 8, shade: bool = True) -> None:
    """Make ``axis`` of ``ax`` symmetric-logarithmic, labelled so that it cannot be read as linear.

    Major ticks sit at 0 and at ±10^k (mathtext labels), at most ``max_labels`` on each side (every second or third
    decade on tall ranges; ±``linthresh`` itself only on axes of at most four decades); minor ticks at 2..9 x 10^k
    show the logarithmic spacing. The linear region
    |v| < ``linthresh`` (rounded down to a power of ten) is shaded and labelled "linear". Call it after the data
    and the limits are set: the ticks follow the current limits.
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter

    if not (math.isfinite(linthresh) and linthresh > 0):
        linthresh = 1.0
    linthresh = 10.0 ** math.floor(math.log10(linthresh))
    (ax.set_yscale if axis == "y" else ax.set_xscale)("symlog", linthresh=linthresh, linscale=0.6)
    low, high = ax.get_ylim() if axis == "y" else ax.get_xlim()
    top = max(abs(low), abs(high), linthresh)
    first, last = int(round(math.log10(linthresh))), int(math.floor(math.log10(top) + 1e-9))
    step = max(1, math.ceil((last - first + 1) / max_labels))
    # ±linthresh sits next to 0 (the linear band is 0.6 decade wide): labelled only on short axes, where it is clear
    decades = [10.0 ** e for e in range(first, last + 1, step) if e > first or last - first <= 4]
    majors = [0.0] + [v for v in decades if v <= high] + [-v for v in decades if -v >= low]
    minors = [s * m * 10.0 ** e for e in range(first, last + 1) for m in range(2, 10) for s in (1, -1)
              if low <= s * m * 10.0 ** e <= high] if step == 1 else []
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(FixedLocator(sorted(majors)))
    target.set_minor_locator(FixedLocator(sorted(minors)))
    target.set_major_formatter(FuncFormatter(lambda v, _: _decade_label(v)))
    if shade:
        span = ax.axhspan if axis == "y" else ax.axvspan
        span(-linthresh, linthresh, color="0.92", zorder=0, lw=0)
        if axis == "y":
            ax.text(1.0, 0.0, "linear ", transform=ax.get_yaxis_transform(), ha="right", va="center",
                    fontsize=7, color="0.45", zorder=1)


def band(ax, x, lower, upper, colour, *, alpha: float = 0.28, label: str | None = None):
    """Fill between ``lower`` and ``upper`` with thin edge lines, so a narrow band stays visible; NaNs leave gaps."""
    x, lower, upper = (np.asarray(v, dtype=float) for v in (x, lower, upper))
    ok = np.isfinite(lower) & np.isfinite(upper)
    fill = ax.fill_between(x, lower, upper, where=ok, color=colour, alpha=alpha, lw=0, label=label, zorder=1.5)
    for edge in (lower, upper):
        ax.plot(x, np.where(ok, edge, np.nan), "-", color=colour, lw=0.6, alpha=0.9, zorder=1.6)
    return fill


def mark_stop(ax, x, y, status: str, colour, *, annotate: bool = True):
    """Mark where a flow stopped (``status`` a key of :data:`STOP_MARKERS`; "completed" draws nothing).

    The marker sits at the last finite point of (x, y). When that point lies outside the current y limits (a
    divergence), it is drawn on the edge of the axes with the marker pointing outward, and the reason is written
    beside it. Set the limits before calling.
    """
    if status not in STOP_MARKERS:
        return None
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    if ok.size == 0:
        return None
    xs, ys = x[ok[-1]], y[ok[-1]]
    marker, reason = STOP_MARKERS[status]
    low, high = ax.get_ylim()
    outside = not (min(low, high) <= ys <= max(low, high))
    if outside:
        above = ys > max(low, high)
        ys = max(low, high) if above else min(low, high)
        marker = "^" if above else "v"
    point = ax.plot([xs], [ys], marker, color=colour, ms=9, mec="black", mew=0.8, clip_on=False, zorder=5)[0]
    if annotate:
        ax.annotate(reason + (" (off scale)" if outside else ""), (xs, ys), xytext=(7, -7),
                    textcoords="offset points", fontsize=8, color=colour, ha="left", va="top",
                    annotation_clip=False)
    return point


def stop_legend_handles(statuses=None) -> list:
    """Legend handles explaining the stop markers (grey, one per status; only ``statuses`` when given)."""
    from matplotlib.lines import Line2D

    return [Line2D([], [], ls="", marker=m, color="0.5", mec="black", ms=7, label=f"flow stops: {reason}")
            for status, (m, reason) in STOP_MARKERS.items() if statuses is None or status in statuses]


def legend_outside(ax, handles=None, *, ncol: int = 1, **kwargs):
    """A legend to the right of the axes, never over the data."""
    kwargs.setdefault("loc", "upper left")
    kwargs.setdefault("bbox_to_anchor", (1.02, 1.0))
    kwargs.setdefault("borderaxespad", 0.0)
    if handles is None:
        return ax.legend(ncol=ncol, **kwargs)
    return ax.legend(handles=handles, ncol=ncol, **kwargs)

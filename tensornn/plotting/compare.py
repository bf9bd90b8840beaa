"""Figures of a comparison of readings (:mod:`tensornn.compare`): G4c against each reading's fit, the fitted
couplings per bubble class, and the flows with their bands."""

from __future__ import annotations

import numpy as np

from ..bubbles.draw import draw_bubble
from ..readings.content import quartic_content
from .figures import pyplot

__all__ = ["fits_figure", "couplings_figure", "flows_figure"]

_READING_STYLE = {"scalar": ("C0", "s"), "vector": ("C1", "^"), "tensor": ("C2", "o"), "full": ("C7", "x")}


def _nothing(plt, text):
    """A figure that says why it has no data (a network that could not be read draws no panel)."""
    fig, ax = plt.subplots(figsize=(6, 2))
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center")
    return fig


def _symlog(ax, linthresh):
    """A symmetric-log y axis labelled at 0 and at 1 (and 3) times powers of ten outside the linear band.

    Matplotlib's default labels of a symlog axis crowd the linear band (0 and +-linthresh a fraction of a decade
    apart) and drop decades on tall panels; these ticks are fixed by the data range instead.
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    ax.set_yscale("symlog", linthresh=linthresh)
    low, high = ax.get_ylim()
    top = max(abs(low), abs(high))
    if not np.isfinite(top) or top <= linthresh:
        return
    first, last = int(np.floor(np.log10(linthresh))), int(np.ceil(np.log10(top)))
    decades = last - first
    mantissas = (1.0, 3.0) if decades <= 4 else (1.0,)
    step = max(1, decades // 6)  # at most about seven labels on each side
    magnitudes = [m * 10.0**e for e in range(first, last + 1, step) for m in mantissas]
    # +-linthresh is labelled only on short axes, where half a decade (0 to linthresh) leaves room for the labels
    magnitudes = [v for v in magnitudes if (linthresh < v or (decades <= 4 and np.isclose(v, linthresh)))
                  and v <= top * 1.0001]
    ticks = [0.0] + [v for v in magnitudes if v <= high] + [-v for v in magnitudes if -v >= low]
    ax.yaxis.set_major_locator(FixedLocator(sorted(ticks)))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


def _legend_right(ax):
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)


def fits_figure(result):
    """Per network: the measured G4c per quadruple with the fit of every reading, and the residuals in errors."""
    plt = pyplot()
    nets = [n for n in result.networks if n.readings.success]
    if not nets:
        return _nothing(plt, "no network was read (see summary.md)")
    fig, axes = plt.subplots(len(nets), 2, figsize=(12, 3.6 * len(nets)), squeeze=False)
    for row, net in zip(axes, nets):
        r = net.readings
        q = np.arange(1, len(r.values) + 1)
        err = r.errors if r.errors is not None else None
        row[0].errorbar(q, r.values, yerr=err, fmt="k.", ms=4, capsize=2, label="measured G4c")
        for name, fit in r.readings.items():
            colour, marker = _READING_STYLE[name]
            row[0].plot(q, fit.fitted, marker, color=colour, ms=4, mfc="none", label=f"{name} fit ({fit.status})")
            scale = err if err is not None and np.all(err > 0) else np.full(len(q), np.max(np.abs(r.values)) or 1.0)
            row[1].plot(q, fit.residuals / scale, marker, color=colour, ms=4, mfc="none", label=name)
        row[0].set_xlabel("quadruple")
        row[0].set_ylabel("connected 4-point function G4c")
        row[0].set_title(f"{net.label}: selected {r.selected}", fontsize=10)
        row[1].axhline(0.0, color="0.6", lw=0.8)
        row[1].set_xlabel("quadruple")
        row[1].set_ylabel("residual / standard error" if err is not None else "residual / max |G4c|")
        _symlog(row[1], 3.0)
        _legend_right(row[0])
        _legend_right(row[1])
    fig.tight_layout()
    return fig


def couplings_figure(result, reading: str = "tensor"):
    """The bubble classes drawn above bars of each network's fitted couplings (``reading``), with errors and the
    exact values where known."""
    plt = pyplot()
    nets = [n for n in result.networks if n.readings.success and reading in n.readings.readings
            and n.readings.readings[reading].couplings]
    if not nets:
        return _nothing(plt, f"no {reading}-reading couplings were fitted (see summary.md)")
    d = len(result.data.spectra.index_sizes)
    classes = [c for c in quartic_content(d).classes]
    names = [c.name for c in classes]
    fig = plt.figure(figsize=(max(8.0, 2.2 * len(classes)), 2.6 + 3.0 * max(1, len(nets))))
    grid = fig.add_gridspec(1 + max(1, len(nets)), len(classes), height_ratios=[1.0] + [1.3] * max(1, len(nets)))
    for i, c in enumerate(classes):
        draw_bubble(c.bubble, fig.add_subplot(grid[0, i]), title=c.name, legend=(i == len(classes) - 1))
    for k, net in enumerate(nets):
        ax = fig.add_subplot(grid[1 + k, :])
        fit = net.readings.readings[reading]
        present = [n for n in names if n in fit.couplings]
        x = np.arange(len(present))
        values = np.array([fit.couplings[n].value for n in present])
        errors = np.array([fit.couplings[n].error for n in present])
        ax.bar(x, values, yerr=errors, color="C0", alpha=0.7, capsize=3, label=f"fitted ({net.readings.method})")
        exact = [fit.couplings[n].exact for n in present]
        if any(e is not None for e in exact):
            ax.plot(x, [np.nan if e is None else e for e in exact], "D", color="C3", label="exact")
        ax.axhline(0.0, color="0.5", lw=0.8)
        ax.set_xticks(x, present, rotation=20, ha="right")
        ax.set_ylabel("coupling lambda_V")
        ax.set_title(f"{net.label}: couplings of the {reading} reading", fontsize=10)
        _legend_right(ax)
    fig.tight_layout()
    return fig


def flows_figure(result):
    """Per network: the quartic coupling u4(k) of every reading from the fit (band: the fit's errors), and the
    weight-scale reading sigma_W(k) of the selected one."""
    plt = pyplot()
    nets = [n for n in result.networks if n.flows]
    if not nets:
        return _nothing(plt, "no flow was run (see summary.md)")
    fig, axes = plt.subplots(len(nets), 2, figsize=(12, 3.6 * len(nets)), squeeze=False)
    for row, net in zip(axes, nets):
        lines = []
        for name, flow in net.flows.items():
            colour, _ = _READING_STYLE[name]
            traj = flow.trajectory("fit")
            k = np.asarray(traj["k"]) / traj["mass_unit"]
            u4 = np.array([np.nan if v is None else v for v in traj["potential"]["u4"]])
            width = 2.5 if flow.selected else 1.2
            label = f"{name}{' (selected)' if flow.selected else ''}{'' if flow.fits else ', fails its fit'}"
            row[0].plot(k, u4, "-", color=colour, lw=width, label=label)
            lines.append(u4)
            if "u4_error" in traj:
                e = np.array([np.nan if v is None else v for v in traj["u4_error"]])
                row[0].fill_between(k, u4 - e, u4 + e, color=colour, alpha=0.2, lw=0)
            exact = flow.trajectory("exact")
            if exact is not None:
                ue = np.array([np.nan if v is None else v for v in exact["potential"]["u4"]])
                row[0].plot(np.asarray(exact["k"]) / exact["mass_unit"], ue, ":", color=colour, lw=1.2,
                            label=f"{name}, exact couplings")
                lines.append(ue)
            if flow.selected:
                sw = np.array([np.nan if v is None else v for v in traj["sigma_w"]])
                row[1].plot(k, sw, "-", color=colour, lw=2.0, label=f"{name} (selected)")
        # the y range follows the trajectories: near a pole of a shifted flow the linear band is not small, and
        # it is drawn clipped rather than stretching the axis
        finite = np.concatenate([v[np.isfinite(v)] for v in lines]) if lines else np.zeros(1)
        low, high = float(finite.min()), float(finite.max())
        pad = 0.1 * (high - low or abs(high) or 1.0)
        row[0].set_ylim(low - pad, high + pad)
        row[0].set_xscale("log")
        _symlog(row[0], max(1e-6, 0.1 * float(np.median(np.abs(finite)))))
        row[0].set_xlabel("k / m (m: the infrared mass)")
        row[0].set_ylabel("u4(k) = 4! x sum of quartic couplings\n(units of the infrared mass)")
        row[0].set_title(f"{net.label}: flows from the fitted couplings", fontsize=10)
        row[1].set_xscale("log")
        row[1].set_xlabel("k / m")
        row[1].set_ylabel("sigma_W(k) (the running mass as a weight scale)")
        row[1].set_title(f"{net.label}: the sigma_W map", fontsize=10)
        _legend_right(row[0])
        _legend_right(row[1])
    fig.tight_layout()
    return fig

"""Drawing of the active/passive RG overlay and of the ELS set-up's curves (matplotlib imported lazily).

The overlay (:func:`plot_result`) has one column per d_in: on top |u4| against sigma_w, below u4 in units
of the mass, ``u4/m^(4 - d_in)``, divided by its exact active value at sigma_w0 (the active family is a
horizontal line at 1 in the "tensornn" convention). Colours are widths, line styles kinetic functions;
one legend sits below the panels, never over the data.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import InvalidArgumentError
from .figures import figure_function

__all__ = ["plot_els_reproduction", "plot_result"]

_STYLES = {"gauss": "-", "p2": "--"}


def _num(value, spec=".2f") -> str:
    """A number for a title ("n/a" when it is not finite)."""
    if value is None or (isinstance(value, (float, np.floating)) and not math.isfinite(value)):
        return "n/a"
    return format(value, spec)


def _colours():
    import matplotlib

    return matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]


def _draw_case(ax, case, colour, *, normalised=False, dimensionless=False, kinetics=None):
    """One case: active MC points, the exact active line, a passive curve per kinetic function."""
    act = case.active
    g0 = act.in_mass_units(act.u4_exact)[0]
    if dimensionless:
        y_act, y_err = act.in_mass_units() / g0, act.in_mass_units(act.u4_error) / abs(g0)
        y_ex = act.in_mass_units(act.u4_exact) / g0
    else:
        scale = abs(case.u4_ir) if normalised else 1.0
        y_act, y_err, y_ex = act.u4 / scale, act.u4_error / scale, act.u4_exact / scale
    sx = case.sigma_w0 if normalised else 1.0
    ax.errorbar(act.sigma_ws / sx, np.abs(y_act), yerr=y_err, fmt="o", color=colour, ms=4, capsize=2, zorder=3)
    ax.plot(act.sigma_ws / sx, np.abs(y_ex), ":", color=colour, lw=1.2)
    for c in case.comparisons:
        if kinetics is not None and c.kinetic not in kinetics:
            continue
        p = c.passive
        ls, u = p.monotone(p.u4_mass_units / g0 if dimensionless else p.u4 / (abs(case.u4_ir) if normalised else 1.0))
        if ls.size:
            ax.plot(np.exp(ls) / sx, np.abs(u), _STYLES.get(c.kinetic, "-."), color=colour, lw=1.8)


def _legend(fig_or_ax, result, kinetics, *, below=True):
    from matplotlib.lines import Line2D

    colours = _colours()
    widths = sorted({c.width for c in result.cases})
    handles = [Line2D([], [], color=colours[i % len(colours)], lw=3, label=f"N = {w}") for i, w in enumerate(widths)]
    handles += [Line2D([], [], color="k", marker="o", ls="", ms=4, label="active: Monte Carlo"),
                Line2D([], [], color="k", ls=":", lw=1.2, label="active: exact")]
    handles += [Line2D([], [], color="k", ls=_STYLES.get(k, "-."), lw=1.8, label=f"passive flow, kinetic {k}")
                for k in kinetics]
    if below:
        return fig_or_ax.legend(handles=handles, loc="lower center", ncol=min(len(handles), 4), fontsize=8,
                                frameon=False)
    return fig_or_ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)


def _style_axis(a, xlabel, ylabel):
    import matplotlib.ticker

    a.set_xscale("log")
    a.set_yscale("log")
    a.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    lo, hi = a.get_xlim()
    if lo > 0 and hi / lo < 4:  # a narrow range: label the minor ticks too
        a.xaxis.set_minor_formatter(matplotlib.ticker.FormatStrFormatter("%.3g"))
        a.tick_params(axis="x", which="minor", labelsize=7)
    else:
        a.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    a.set_xlabel(xlabel)
    a.set_ylabel(ylabel)
    a.grid(True, which="major", alpha=0.3)


def _panels(result, axes, d_ins, *, dimensionless):
    colours = _colours()
    widths = sorted({c.width for c in result.cases})
    conv = result.parameters.get("convention", "tensornn")
    for a, d in zip(axes, d_ins):
        cases = [c for c in result.cases if c.d_in == d]
        for case in cases:
            _draw_case(a, case, colours[widths.index(case.width) % len(colours)], dimensionless=dimensionless)
        if dimensionless:
            _style_axis(a, r"$\sigma_w$", f"$(u_4/m^{{{4 - d}}})$ / its exact active value at $\\sigma_{{w0}}$")
            dims = cases[0].primary.structural.active_dimensionless if cases else 0
            a.set_title(f"d_in = {d}, in units of the mass: active slope {dims} (exact), passive at k_IR "
                        f"{_num(cases[0].primary.structural.passive_dimensionless_ir, '.1f') if cases else 'n/a'}",
                        fontsize=8)
        else:
            unit = "Z^-2 u4_f, phi^4/4!" if conv == "tensornn" else "raw u4_f, f^4/4!"
            _style_axis(a, r"$\sigma_w$ (active: network; passive: $\sqrt{d_{in} u_2(k)/2}$)", f"$|u_4|$ ({unit})")
            slopes = "\n".join(
                f"N={c.width}: active {_num(c.row()['active_slope'])} +- {_num(c.row()['active_slope_error'])}, passive "
                + ", ".join(f"{k.kinetic} {_num(k.passive_slope)}" for k in c.comparisons) for c in cases)
            a.set_title(f"d_in = {d}, slopes d ln|u4|/d ln sigma_w (structural active "
                        f"{cases[0].active.structural_slope if cases else 'n/a'})\n{slopes}", fontsize=8)


@figure_function
def plot_result(result, ax=None):
    """Draw an :class:`~tensornn.rg.results.ActivePassiveResult` (see its ``plot``).

    Parameters
    ----------
    result : ActivePassiveResult
    ax : None, Axes or sequence of Axes
        None: a new figure, one column per d_in, |u4| on top and u4 in units of the mass below, with
        one legend under the panels. One Axes: every case normalised to its IR point (``u4/u4_IR``
        against ``sigma_w/sigma_w0``, primary kinetic function). A sequence of one Axes per d_in:
        the |u4| panels; of two per d_in: the |u4| panels then the dimensionless ones.

    Returns
    -------
    Figure, Axes or list of Axes
        What was drawn into.
    """
    import matplotlib

    d_ins = sorted({c.d_in for c in result.cases})
    kinetics = result.kinetics
    if ax is None:
        import matplotlib.pyplot as plt

        n = len(d_ins)
        fig, axes = plt.subplots(2, n, figsize=(5.4 * n, 8.6), squeeze=False)
        _panels(result, list(axes[0]), d_ins, dimensionless=False)
        _panels(result, list(axes[1]), d_ins, dimensionless=True)
        _legend(fig, result, kinetics)
        fig.tight_layout(rect=(0, 0.06, 1, 1))
        return fig
    if isinstance(ax, matplotlib.axes.Axes):
        colours = _colours()
        for i, case in enumerate(result.cases):
            _draw_case(ax, case, colours[i % len(colours)], normalised=True, kinetics=kinetics[:1])
        _style_axis(ax, r"$\sigma_w/\sigma_{w0}$", r"$|u_4|/|u_4(\mathrm{IR})|$")
        ax.set_title(f"active (points) vs passive (line, kinetic {kinetics[0] if kinetics else 'n/a'})", fontsize=9)
        from matplotlib.lines import Line2D

        ax.legend(handles=[Line2D([], [], color=colours[i % len(colours)], lw=3, label=f"d_in={c.d_in}, N={c.width}")
                           for i, c in enumerate(result.cases)], loc="upper left", bbox_to_anchor=(1.02, 1.0),
                  fontsize=8, frameon=False)
        return ax
    axes = list(ax)
    if len(axes) == len(d_ins):
        _panels(result, axes, d_ins, dimensionless=False)
    elif len(axes) == 2 * len(d_ins):
        _panels(result, axes[: len(d_ins)], d_ins, dimensionless=False)
        _panels(result, axes[len(d_ins):], d_ins, dimensionless=True)
    else:
        raise InvalidArgumentError(
            f"ax must be None, one Axes, or one Axes per d_in ({len(d_ins)}: {d_ins}) or two per d_in "
            f"({2 * len(d_ins)}), got {len(axes)} Axes")
    _legend(axes[-1], result, kinetics, below=False)
    return axes


@figure_function
def plot_els_reproduction(reproduction, ax=None):
    """Draw an :class:`~tensornn.rg.els.ELSReproduction`: u4 against sigma_w (passive lines, active points).

    Parameters
    ----------
    reproduction : ELSReproduction
    ax : None or a pair of Axes
        None: a new figure with two panels, ``|u4|`` against sigma_w (passive flows and the active
        points, log-log) and ``sigma_w(k)`` against k.

    Returns
    -------
    Figure or the pair of Axes
    """
    if ax is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.8))
    else:
        axes = list(ax)
        if len(axes) != 2:
            raise InvalidArgumentError(f"ax must be None or a pair of Axes, got {len(axes)}")
        fig = None
    from matplotlib.lines import Line2D

    colours = _colours()
    a, b = axes
    for i, c in enumerate(reproduction.curves):
        col = colours[i % len(colours)]
        a.errorbar(c.sigma_ws, np.abs(c.u4), yerr=c.u4_error if c.u4_error is not None else None, fmt="o", ms=3,
                   color=col, capsize=2)
        ls, u = c.passive.monotone()
        a.plot(np.exp(ls), np.abs(u), "-", color=col, lw=1.8)
        b.plot(c.passive.k, c.passive.sigma_w, "-", color=col, lw=1.5)
    _style_axis(a, "sigma_w", "|u4|  (raw u4_f, f^4/4!, mean over the quadruples)")
    a.set_title(f"ELS set-up: active points (u4 ~ sigma_w^{reproduction.curves[0].structural_slope if reproduction.curves else 'n/a'}) "
                f"and passive flows (u6 = {reproduction.parameters['u6']:g}, kinetic {reproduction.parameters['kinetic']})",
                fontsize=8)
    b.set_xscale("log")
    b.set_xlabel("k")
    b.set_ylabel("sigma_w(k) = sqrt(d_in u2(k)/2)")
    b.grid(True, alpha=0.3)
    b.set_title("the passive map sigma_w(k)", fontsize=8)
    handles = [Line2D([], [], color=colours[i % len(colours)], lw=3, label=f"N = {c.width}")
               for i, c in enumerate(reproduction.curves)]
    handles += [Line2D([], [], color="k", marker="o", ls="", ms=3, label="active"),
                Line2D([], [], color="k", lw=1.8, label="passive flow")]
    b.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
    if fig is not None:
        fig.tight_layout()
        return fig
    return axes

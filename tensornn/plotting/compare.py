"""Figures of a comparison of readings (:mod:`tensornn.compare`): G4c against each reading's fit, the fitted
couplings per bubble class, and the flows with their bands and where they stop."""

from __future__ import annotations

import numpy as np

from ..bubbles.draw import draw_bubble
from ..readings.content import quartic_content
from .axes import band, mark_stop, stop_legend_handles, symlog_axis
from .figures import figure_function, pyplot

__all__ = ["fits_figure", "couplings_figure", "flows_figure", "quadruple_patterns", "READING_STYLE"]

#: Colour and marker of each reading in every comparison figure.
READING_STYLE = {"scalar": ("C0", "s"), "vector": ("C1", "^"), "tensor": ("C2", "o"), "full": ("C7", "x")}

#: How many standard errors the residual axis shows; points beyond are drawn on its edge as arrows.
RESIDUAL_RANGE = 8.0


def _nothing(plt, text):
    """A figure that says why it has no data (a network that could not be read draws no panel)."""
    fig, ax = plt.subplots(figsize=(6, 2))
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center")
    return fig


def quadruple_patterns(quadruples) -> list[str]:
    """The coincidence pattern of each sorted input quadruple: 'aaaa', 'aaab', 'aabb', 'aabc' or 'abcd'.

    G4c on coinciding inputs is larger by factors of the variance, so the figures group quadruples by pattern.

    Examples
    --------
    >>> quadruple_patterns([(0, 0, 0, 0), (0, 0, 1, 1), (0, 1, 1, 2), (0, 1, 2, 3), (1, 1, 1, 2)])
    ['aaaa', 'aabb', 'aabc', 'abcd', 'aaab']
    """
    out = []
    for q in np.asarray(quadruples):
        counts = sorted(np.unique(q, return_counts=True)[1].tolist(), reverse=True)
        out.append({(4,): "aaaa", (3, 1): "aaab", (2, 2): "aabb", (2, 1, 1): "aabc"}.get(tuple(counts), "abcd"))
    return out


_PATTERN_ORDER = ("aaaa", "aaab", "aabb", "aabc", "abcd")


def _grouped_order(readings):
    """Positions of the quadruples grouped by pattern, sorted by measured G4c in a group; group spans."""
    patterns = quadruple_patterns(readings.design.quadruples)
    order, spans, x = [], [], 0
    for pattern in _PATTERN_ORDER:
        members = [i for i, p in enumerate(patterns) if p == pattern]
        if not members:
            continue
        members.sort(key=lambda i: readings.values[i])
        order += members
        spans.append((pattern, x, x + len(members) - 1))
        x += len(members) + 1  # one empty slot between groups
    positions = np.empty(len(patterns))
    slot = 0
    for pattern, lo, hi in spans:
        positions[order[slot:slot + hi - lo + 1]] = np.arange(lo, hi + 1)
        slot += hi - lo + 1
    return positions, spans


def _pattern_axis(ax, spans):
    """x ticks at the group centres, named by the coincidence pattern, thin separators between groups."""
    ax.set_xticks([(lo + hi) / 2 for _, lo, hi in spans], [p for p, _, _ in spans])
    for _, lo, hi in spans[1:]:
        ax.axvline(lo - 1, color="0.8", lw=0.6, zorder=0)
    ax.set_xlim(-1, spans[-1][2] + 1)
    ax.set_xlabel("input quadruple, by coinciding inputs")


@figure_function
def fits_figure(result):
    """Per network: the measured G4c with every reading's fit, and the residuals in standard errors.

    Quadruples are grouped by their pattern of coinciding inputs (aaaa, aabb, ...) and sorted by the measured
    value within a group; G4c is drawn on a symmetric-log axis so that the large coincident values hide none of
    the rest. Residuals r_i/sigma_i use the diagonal standard errors sigma_i on a linear axis (±2 shaded); the
    chi^2 in each legend uses the full covariance of the measurement (the caption says so).
    """
    plt = pyplot()
    nets = [n for n in result.networks if n.readings.success]
    if not nets:
        return _nothing(plt, "no network was read (see summary.md)")
    fig, axes, keys = _rows(plt, len(nets), (1.3, 1.0))
    for row, key, net in zip(axes, keys, nets):
        r = net.readings
        x, spans = _grouped_order(r)
        err = r.error
        values = np.asarray(r.values, dtype=float)
        for name, fit in r.readings.items():
            colour, marker = READING_STYLE[name]
            quality = (f"$\\chi^2$/dof = {fit.chi2:.1f}/{fit.dof}, p = {fit.p_value:.2g}" if fit.reference != "none"
                       else f"relative residual {fit.relative_residual:.2g}")
            row[0].plot(x, fit.fitted, marker, color=colour, ms=5, mfc="none", mew=1.1,
                        label=f"{name} fit ({fit.status})\n{quality}")
            if err is not None and np.all(err > 0):
                z = fit.residuals / err
                clipped = np.clip(z, -RESIDUAL_RANGE, RESIDUAL_RANGE)
                inside = np.abs(z) <= RESIDUAL_RANGE
                row[1].plot(x[inside], clipped[inside], marker, color=colour, ms=5, mfc="none", mew=1.1)
                row[1].plot(x[~inside], clipped[~inside], marker, color=colour, ms=5, mew=1.1,
                            mfc=colour, clip_on=False)
                for xi, zi in zip(x[~inside], z[~inside]):
                    row[1].annotate("", (xi, np.sign(zi) * RESIDUAL_RANGE),
                                    xytext=(xi, np.sign(zi) * (RESIDUAL_RANGE - 1.4)),
                                    arrowprops=dict(arrowstyle="->", color=colour, lw=0.8))
            else:
                scale = np.max(np.abs(values)) or 1.0
                row[1].plot(x, fit.residuals / scale, marker, color=colour, ms=5, mfc="none")
        if err is not None:
            row[0].errorbar(x, values, yerr=err, fmt="o", color="black", ms=3, capsize=2, lw=1,
                            label=r"measured $\pm 1\sigma$", zorder=4)
        else:
            row[0].plot(x, values, "o", color="black", ms=3, label="exact", zorder=4)
        finite = np.abs(values[np.isfinite(values)])
        floor = float(np.median(err)) if err is not None and np.all(np.isfinite(err)) else float(np.median(finite))
        row[0].set_ylim(*_padded(np.concatenate([values, *(f.fitted for f in r.readings.values())])))
        symlog_axis(row[0], floor if floor > 0 else 1.0)
        row[0].set_ylabel("$G_4^c$ (data units$^4$)")
        row[0].set_title(f"{net.label}: measured $G_4^c$ and the fits; selected: {r.selected or 'none'}")
        _pattern_axis(row[0], spans)
        if err is not None and np.all(err > 0):
            row[1].axhspan(-2, 2, color="0.92", zorder=0, lw=0)
            row[1].set_ylim(-RESIDUAL_RANGE - 0.3, RESIDUAL_RANGE + 0.3)
            row[1].set_ylabel(r"residual $r_i/\sigma_i$")
        else:
            row[1].set_ylabel(r"residual / max $|G_4^c|$")
        row[1].axhline(0.0, color="0.5", lw=0.8)
        row[1].set_title(f"{net.label}: residuals per quadruple")
        _pattern_axis(row[1], spans)
        key.legend(*row[0].get_legend_handles_labels(), loc="center left", labelspacing=0.9)
    _caption(fig, r"Quadruples are grouped by their coinciding inputs (aabc: two equal) and sorted by the measured "
             r"$G_4^c$ in each group. Residuals $r_i/\sigma_i$ are divided by the diagonal standard errors $\sigma_i$ (not "
             r"whitened; shaded: $\pm 2$; arrows: beyond $\pm$" f"{RESIDUAL_RANGE:g}" r"). $\chi^2$ uses the full "
             r"covariance of the" "\n" r"measured $G_4^c$, so it is not the sum of the squares drawn.")
    return fig


def _rows(plt, n: int, widths, height: float = 4.0):
    """A figure of ``n`` rows of two panels and a column for each row's legend (never over the data)."""
    fig = plt.figure(figsize=(13.5, height * n + 0.6))
    grid = fig.add_gridspec(n, 3, width_ratios=(*widths, 0.62))
    axes = [[fig.add_subplot(grid[i, 0]), fig.add_subplot(grid[i, 1])] for i in range(n)]
    keys = [fig.add_subplot(grid[i, 2]) for i in range(n)]
    for key in keys:
        key.axis("off")
    return fig, axes, keys


def _caption(fig, text):
    """A caption under the panels, and the fixed layout of the rows (margins in inches: no tight-layout pass, which
    measured a fifth of the report folder's time)."""
    fig.text(0.01, 0.005, text, fontsize=8, ha="left", va="bottom")
    height, width = fig.get_figheight(), fig.get_figwidth()
    bottom = (0.85 + 0.17 * text.count("\n")) / height
    fig.subplots_adjust(left=0.85 / width, right=1 - 0.1 / width, bottom=bottom, top=1 - 0.35 / height,
                        wspace=0.3, hspace=0.5 * 4.0 / max(height / max(len(fig.axes) // 3, 1), 1.0))


def _padded(values, pad: float = 0.08):
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return -1.0, 1.0
    low, high = float(v.min()), float(v.max())
    span = high - low or abs(high) or 1.0
    return low - pad * span, high + pad * span


@figure_function
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
    fig = plt.figure(figsize=(max(8.0, 2.4 * len(classes)), 2.9 + 3.0 * max(1, len(nets))))
    grid = fig.add_gridspec(1 + max(1, len(nets)), len(classes), height_ratios=[1.15] + [1.3] * max(1, len(nets)))
    for i, c in enumerate(classes):
        draw_bubble(c.bubble, fig.add_subplot(grid[0, i]), title=c.name, legend=(i == len(classes) - 1))
    for k, net in enumerate(nets):
        ax = fig.add_subplot(grid[1 + k, :])
        fit = net.readings.readings[reading]
        present = [n for n in names if n in fit.couplings]
        x = np.arange(len(present))
        values = np.array([fit.couplings[n].value for n in present])
        errors = np.array([fit.couplings[n].error for n in present])
        ax.bar(x, values, yerr=errors, color="C0", alpha=0.75, capsize=3, label=f"fitted ({net.readings.method})")
        exact = [fit.couplings[n].exact for n in present]
        if any(e is not None for e in exact):
            ax.plot(x, [np.nan if e is None else e for e in exact], "D", color="C3", ms=6, label="exact")
        ax.axhline(0.0, color="0.5", lw=0.8)
        ax.set_xticks(x, present, rotation=15, ha="right")
        ax.set_ylabel(r"coupling $\lambda_V$ (data units$^{-4}$)")
        ax.set_title(f"{net.label}: couplings of the {reading} reading")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


def _series(values):
    return np.array([np.nan if v is None else v for v in values], dtype=float)


@figure_function
def flows_figure(result):
    """Per network: the quartic coupling u4(k) of every reading from its fit (band: the fit's errors), with a
    marker where a flow stops and why, and the weight-scale reading sigma_W(k) of the selected one."""
    plt = pyplot()
    nets = [n for n in result.networks if n.flows]
    if not nets:
        return _nothing(plt, "no flow was run (see summary.md)")
    fig, axes, keys = _rows(plt, len(nets), (1.5, 1.0), height=3.8)
    for row, key, net in zip(axes, keys, nets):
        lines, stops = [], []
        for name, flow in net.flows.items():
            colour, _ = READING_STYLE[name]
            traj = flow.trajectory("fit")
            k = np.asarray(traj["k"]) / traj["mass_unit"]
            u4 = _series(traj["potential"]["u4"])
            width = 2.6 if flow.selected else 1.3
            label = f"{name}{' (selected)' if flow.selected else ''}{'' if flow.fits else ', fails its fit'}"
            row[0].plot(k, u4, "-", color=colour, lw=width, label=label, zorder=3)
            lines.append(u4)
            stops.append((k, u4, traj.get("status", "completed"), colour))
            mc = flow.uncertainty
            if mc is not None and mc.bands is not None:
                band(row[0], mc.k, mc.band("u4", 0.05), mc.band("u4", 0.95), colour, alpha=0.15,
                     label=f"{name}: 5-95% of {mc.n_draws} draws")
                band(row[0], mc.k, mc.band("u4", 0.16), mc.band("u4", 0.84), colour, alpha=0.35,
                     label=f"{name}: 16-84%")
                lines += [mc.band("u4", 0.05), mc.band("u4", 0.95)]
            exact = flow.trajectory("exact")
            if exact is not None:
                ue = _series(exact["potential"]["u4"])
                ke = np.asarray(exact["k"]) / exact["mass_unit"]
                row[0].plot(ke, ue, ":", color=colour, lw=1.3, label=f"{name}, exact couplings")
                lines.append(ue)
                stops.append((ke, ue, exact.get("status", "completed"), colour))
            if flow.selected:
                sw = _series(traj["sigma_w"])
                row[1].plot(k, sw, "-", color=colour, lw=2.0, label=f"{name}, fitted couplings")
                if mc is not None and mc.bands is not None:
                    band(row[1], mc.k, mc.band("sigma_w", 0.05), mc.band("sigma_w", 0.95), colour, alpha=0.15)
                    band(row[1], mc.k, mc.band("sigma_w", 0.16), mc.band("sigma_w", 0.84), colour, alpha=0.35)
                if exact is not None:
                    row[1].plot(np.asarray(exact["k"]) / exact["mass_unit"], _series(exact["sigma_w"]), ":",
                                color=colour, lw=1.3)
        finite = np.concatenate([v[np.isfinite(v)] for v in lines]) if lines else np.zeros(1)
        row[0].set_ylim(*_padded(finite))
        row[0].set_xscale("log")
        symlog_axis(row[0], max(1e-6, 0.1 * float(np.median(np.abs(finite))) if finite.size else 1.0))
        stopped = [mark_stop(row[0], *s) for s in stops]
        for name, flow in net.flows.items():
            _draw_stops(row[0], flow, READING_STYLE[name][0])
        row[0].set_xlabel(r"$k/m$ ($m$: the infrared mass)")
        row[0].set_ylabel(r"$u_4(k)$ (units of $m$)")
        row[0].set_title(f"{net.label}: flows from the fitted couplings")
        row[1].set_xscale("log")
        row[1].set_xlabel(r"$k/m$")
        row[1].set_ylabel(r"$\sigma_W(k)$")
        row[1].set_title(f"{net.label}: the running mass read as a weight scale")
        handles, _ = row[0].get_legend_handles_labels()
        handles += stop_legend_handles({s[2] for s, drawn in zip(stops, stopped) if drawn is not None})
        key.legend(handles=handles, loc="center left")
    _caption(fig, r"$u_4 = 4!\,\times$ the sum of the quartic couplings (the coefficient of $\phi^4/4!$ on a "
             r"constant field), in units of the infrared mass $m$." "\n" r"Bands: 16-84% and 5-95% of the flows "
             r"from Monte-Carlo draws of the fitted couplings (their covariance) that reach $k_{UV}$; ticks on the "
             r"lower edge: where draws stop; dotted: the exact couplings.")
    return fig


def _draw_stops(ax, flow, colour):
    """Ticks on the lower edge of the axes at the scales where Monte-Carlo draws stop, with their count."""
    mc = flow.uncertainty
    if mc is None:
        return
    stopped = mc.stopped
    if stopped.size == 0:
        return
    trans = ax.get_xaxis_transform()
    ax.plot(stopped, np.full(stopped.size, 0.02), "|", color=colour, ms=12, mew=1.2, transform=trans, zorder=4,
            clip_on=False)
    ax.text(float(np.median(stopped)), 0.07, f"{stopped.size} of {mc.n_draws} draws stop", transform=trans,
            color=colour, fontsize=8, ha="center", va="bottom")

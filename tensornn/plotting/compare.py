"""Figures of the tensor/scalar comparison report (:mod:`tensornn.compare`)."""

from __future__ import annotations

import numpy as np

from ..bubbles.draw import draw_bubble
from ..structured.content import quartic_content
from .figures import pyplot

__all__ = ["flows_figure", "sigma_figure", "bubbles_figure"]


def flows_figure(result):
    """Dimensionless mass and quartic sum of both readings against k/m0, one column per reading."""
    plt = pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(11, 8), sharex=True)
    for col, r in enumerate((result.scalar, result.tensor)):
        for tr in (x for x in r.trajectories if x["source"] == result.config.ir_source):
            k = np.asarray(tr["k"]) / tr["m0"]
            dl = tr["dimensionless"]
            legs = np.asarray(r.n_legs)
            names = list(r.names)
            mass = sum(np.asarray(dl[n]) for n, l in zip(names, legs) if l == 2)
            quart = sum(np.asarray(dl[n]) for n, l in zip(names, legs) if l == 4)
            axes[0, col].plot(k, 2 * mass, label=f"N={tr['width']} ({tr['status']})")
            axes[1, col].plot(k, 24 * quart, label=f"N={tr['width']}")
        axes[0, col].set_title(f"{r.name} reading")
        axes[0, col].set_ylabel("u2 / k^2 (dimensionless mass)")
        axes[1, col].set_ylabel("4! x sum of quartic couplings (dimensionless)")
        axes[1, col].set_xlabel("k / m0")
        ng = r.non_gaussian()
        if ng is not None:
            m = 2 * sum(v for (n, v), l in zip(ng["couplings"].items(), r.n_legs) if l == 2)
            axes[0, col].axhline(m, color="grey", ls=":", label="non-Gaussian fixed point")
        for ax in axes[:, col]:
            ax.set_xscale("log")
            ax.set_yscale("symlog", linthresh=1e-3)
            ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def sigma_figure(result):
    """The weight-scale reading sigma_W(k) = sqrt(d_in u2(k)/2) of every trajectory."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 5))
    for r, ls in ((result.scalar, "-"), (result.tensor, "--")):
        for tr in (x for x in r.trajectories if x["source"] == result.config.ir_source):
            sw = np.array([np.nan if v is None else v for v in tr["sigma_w"]])
            ax.plot(np.asarray(tr["k"]) / tr["m0"], sw, ls, label=f"{r.name}, N={tr['width']}")
    ax.set_xscale("log")
    ax.set_xlabel("k / m0")
    ax.set_ylabel("sigma_W(k) = sqrt(d_in u2(k)/2)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def bubbles_figure(result):
    """The quartic bubbles of the CP reading, drawn above a bar chart of their weights."""
    plt = pyplot()
    bc = result.bubble_content
    classes = quartic_content(bc["order"], bc["cp_rank"]).classes
    n = len(classes)
    fig = plt.figure(figsize=(max(7, 2.2 * n), 6))
    grid = fig.add_gridspec(2, n, height_ratios=(1, 1.3))
    for i, c in enumerate(classes):
        draw_bubble(c.bubble, fig.add_subplot(grid[0, i]), title=f"{c.name}\nW_B = {c.weight:g}",
                    legend=(i == n - 1))
    ax = fig.add_subplot(grid[1, :])
    names = [x["name"] for x in bc["classes"]]
    ax.bar(range(len(names)), [x["weight"] for x in bc["classes"]],
           color=["C0" if x["connected"] else "C1" for x in bc["classes"]])
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_ylabel("weight W_B")
    ax.set_title(f"quartic bubble content of the CP reading, d = {bc['order']}, R = {bc['cp_rank']} "
                 "(orange: disconnected)", fontsize=9)
    fig.tight_layout()
    return fig



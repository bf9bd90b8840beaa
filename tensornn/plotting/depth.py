"""Figures of deep networks: kappa and the kernel layer by layer, and the depth flow in several regimes."""

from __future__ import annotations

import numpy as np

from .figures import pyplot

__all__ = ["depth_study_figure", "depth_flow_figure"]


def depth_study_figure(study, input_index: int = 0):
    """Two panels at one input: kappa^(l) (leading order, exact where known, measured with 1-sigma bars) and
    K^(l) (with G2 measured) against the layer l.

    Parameters
    ----------
    study : DepthStudy
        From :func:`tensornn.rg.depth_study.depth_study`.
    input_index : int
    """
    plt = pyplot()
    flow = study.flows[input_index]
    layer = flow.layer
    fig, (ax_k, ax_kernel) = plt.subplots(1, 2, figsize=(10, 4))
    ax_k.plot(layer, flow.kappa, "o-", color="C0", label="leading order (recursion)")
    if flow.kappa_exact is not None:
        ax_k.plot(layer, flow.kappa_exact, "s--", color="C1", label="exact, finite width")
    m = study.measurement
    if m is not None:
        ax_k.errorbar(layer, m.kappa[:, input_index], yerr=m.kappa_error[:, input_index], fmt="D", color="C3",
                      capsize=3, label=f"measured ({m.n_networks} networks)")
    ax_k.set_xlabel("layer l")
    ax_k.set_ylabel(r"$\kappa^{(l)} = G_4^c / (3 G_2^2)$ (dimensionless)")
    ax_k.legend(loc="upper left", frameon=False)
    ax_kernel.plot(layer, flow.kernel, "o-", color="C0", label=r"$K^{(l)}$ (infinite width)")
    ax_kernel.plot(layer, flow.g2, "s--", color="C2", label=r"$K + \delta$ (order 1/n)")
    if m is not None:
        ax_kernel.errorbar(layer, m.g2[:, input_index], yerr=m.g2_error[:, input_index], fmt="D", color="C3",
                           capsize=3, label="measured")
    ax_kernel.set_xlabel("layer l")
    ax_kernel.set_ylabel(r"$G_2^{(l)}(x, x)$")
    ax_kernel.legend(loc="best", frameon=False)
    _integer_layers(ax_k, ax_kernel)
    fig.suptitle(study.network.describe().split(";")[0], fontsize=9)
    fig.tight_layout()
    return fig


def depth_flow_figure(flows, labels):
    """The depth flow in several regimes: K^(l) (log scale) and n kappa^(l) against l, one curve per flow.

    Parameters
    ----------
    flows : sequence of DepthFlow
    labels : sequence of str
        One legend entry per flow (e.g. "tanh, sigma_w = 1 (critical)").
    """
    plt = pyplot()
    fig, (ax_kernel, ax_k) = plt.subplots(1, 2, figsize=(10, 4))
    styles = ("-", "--", "-.", ":", (0, (6, 2, 1, 2)))
    for i, (flow, label) in enumerate(zip(flows, labels)):
        n = flow.network.widths[0]
        style = dict(color=f"C{i}", linestyle=styles[i % len(styles)], linewidth=2.2 - 0.3 * (i % 3), label=label)
        ax_kernel.semilogy(flow.layer, flow.kernel, **style)
        ax_k.plot(flow.layer, n * np.asarray(flow.kappa), **style)
    ax_kernel.set_xlabel("layer l")
    ax_kernel.set_ylabel(r"$K^{(l)}(x, x)$")
    ax_k.set_xlabel("layer l")
    ax_k.set_ylabel(r"$n\,\kappa^{(l)}$ (leading order; $g_4 = -3\kappa$)")
    ax_k.legend(loc="upper left", frameon=False, fontsize=8)
    _integer_layers(ax_kernel, ax_k)
    fig.tight_layout()
    return fig


def _integer_layers(*axes):
    from matplotlib.ticker import MaxNLocator

    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))

"""The report folder of a comparison: report.json, summary.md and four PNG figures, written atomically.

Figures need matplotlib (the ``plot`` extra); without it the JSON and markdown are written and the
summary says which figures are missing and why.
"""

from __future__ import annotations

import math


from .._json import dumps_json
from ..plotting.compare import bubbles_figure, flows_figure, sigma_figure
from ..plotting.figures import available as figures_available
from ..plotting.figures import figure_writer
from ..report import markdown_table, write_report

__all__ = ["summary_markdown", "report_files", "write_compare_report"]


def _theta_text(thetas) -> str:
    """Exponents as text; complex ones (``{"real", "imag"}`` in the JSON) as a+bi."""
    parts = []
    for t in thetas:
        if isinstance(t, dict):
            parts.append(f"{t['real']:.4g}{t['imag']:+.4g}i")
        elif t is not None:
            parts.append(f"{t:.4g}")
    return ", ".join(parts)


def _fp_rows(reading):
    rows = []
    for i, fp in enumerate(reading.fixed_points):
        coup = ", ".join(f"{n}={v:.5g}" for n, v in fp["couplings"].items() if v is not None)
        theta = _theta_text(fp["theta"])
        rows.append([reading.name, i, coup, fp["eta"], theta, fp["nu"] if fp["nu"] is not None else math.nan,
                     fp["n_relevant"], "valid" if fp["valid"] else "spurious: " + "; ".join(fp["flags"])[:80]])
    return rows


def _fmt(x, digits=6):
    return "nan" if x is None or not math.isfinite(x) else f"{x:.{digits}g}"


def summary_markdown(result, figures_note: str = "") -> str:
    """Markdown summary: IR data, both readings side by side, fixed points, trajectories, side results."""
    c = result.config
    s, t = result.scalar, result.tensor
    out = ["# Tensor and scalar readings of one block-structured Gauss-net\n",
           f"Network: d_in = {c.d_in}, blocks D_c = {list(c.block_sizes)}, sigma_c = {list(c.sigma_blocks)}, "
           f"sigma_w = {c.sigma_w}, widths {list(c.widths)}; seed {c.seed}; {c.n_networks} networks per width. "
           f"Runtime {result.runtime:.1f} s.\n",
           "## IR data (field phi = sqrt(Z) f; u4 in the phi^4/4! normalisation)\n",
           f"Z = {_fmt(result.normalisation['Z'])}, m^2 = {_fmt(result.normalisation['mass2'])}, "
           f"kinetic scales a_c/Z = {[float(f'{v:.6g}') for v in result.normalisation['scales']]}.\n",
           markdown_table(["N", "u4 measured", "error", "u4 exact", "pull", "noise-dominated", "u6"],
                          [[ir.width, ir.u4, ir.u4_error, ir.u4_exact, ir.pull, ir.noise_dominated, ir.u6]
                           for ir in result.ir]),
           f"Flows start from the {c.ir_source} u4.\n",
           "## The two readings side by side\n",
           markdown_table(["", "scalar reading", "tensor reading"],
                          [["theory", s.description, t.description],
                           ["couplings", ", ".join(s.names), ", ".join(t.names)],
                           ["canonical dimensions", ", ".join(f"[{n}]={v:g}" for n, v in zip(s.names, s.dimensions)),
                            ", ".join(f"[{n}]={v:g}" for n, v in zip(t.names, t.dimensions))],
                           ["loop dimension (power of k in N_S)", s.loop_dimension, t.loop_dimension],
                           ["autonomous", s.autonomous, t.autonomous]]),
           ]
    head = []
    for r in (s, t):
        ng = r.non_gaussian()
        if ng is None:
            head.append(["none found", math.nan, "", math.nan, ""])
        else:
            head.append([", ".join(f"{n}={v:.5g}" for n, v in ng["couplings"].items() if v is not None), ng["eta"],
                         _theta_text(ng["theta"]), ng["nu"] or math.nan,
                         ng["n_relevant"]])
    out += ["### Non-Gaussian fixed point with the fewest relevant directions\n",
            markdown_table(["", "scalar reading", "tensor reading"],
                           [["g*", head[0][0], head[1][0]], ["eta", head[0][1], head[1][1]],
                            ["theta", head[0][2], head[1][2]], ["nu", head[0][3], head[1][3]],
                            ["relevant directions", head[0][4], head[1][4]]]),
            "### All fixed points\n",
            f"scalar: {s.fixed_point_message}; tensor: {t.fixed_point_message}\n",
            markdown_table(["reading", "#", "g*", "eta", "theta", "nu", "relevant", "status"], _fp_rows(s) + _fp_rows(t)),
            "## Trajectories (integrated upward from k_IR = k_ir_ratio m0)\n"]
    rows = []
    for r in (s, t):
        for tr in r.trajectories:
            rows.append([r.name, tr["width"], tr["source"], tr["status"], tr["k_stop_reached"], tr["u2"][-1], tr["u4"][-1],
                         tr["eta"][-1], tr["sigma_w"][0] if tr["sigma_w"][0] is not None else math.nan,
                         tr["sigma_w"][-1] if tr["sigma_w"][-1] is not None else math.nan])
    out += [markdown_table(["reading", "N", "IR u4", "status", "k reached", "u2(k_end)", "u4 sum(k_end)", "eta(k_end)",
                            "sigma_W(k_IR)", "sigma_W(k_end)"], rows),
            "u2 = 2 g2 is the running mass; u4 sum = 4! x (sum of the quartic couplings), equal to u4 at the zero "
            "mode; sigma_W(k) = sqrt(d_in u2(k)/2).\n",
            "## Active/passive overlay (scalar, plain Gauss-net at d_in)\n"]
    ap = result.active_passive
    if not ap.get("available"):
        out.append(f"Not available: {ap.get('reason')}\n")
    else:
        keys = ["width", "active_slope", "active_slope_error", "predicted_slope", "passive_slope", "chi2", "dof",
                "p_value", "consistent", "verdict"]
        out.append(markdown_table(keys, [[r.get(k) if not isinstance(r.get(k), float) else r[k] for k in keys]
                                         for r in ap["cases"]]))
        out.append(f"One trajectory consistent: {ap['one_trajectory_consistent']}.\n")
    bc = result.bubble_content
    out += [f"## Bubble content of the CP reading (d = {bc['order']}, R = {bc['cp_rank']})\n",
            markdown_table(["bubble", "tuples", "W_B", "|Aut|", "connected"],
                           [[x["name"], x["multiplicity"], x["weight"], x["automorphisms"], x["connected"]]
                            for x in bc["classes"]]),
            "## Time per stage (s)\n",
            markdown_table(["stage", "seconds"], [[k, v] for k, v in result.timings.items()]),
            "## Figures\n",
            "flows.png (dimensionless couplings of both readings), sigma_w_map.png, active_passive.png, bubbles.png. "
            + figures_note + "\n"]
    return "\n".join(out)


def report_files(result) -> dict:
    """The files of the report folder: name -> text or a writer callable."""
    files = {}
    note = ""
    if figures_available():
        files["flows.png"] = figure_writer(flows_figure(result))
        files["sigma_w_map.png"] = figure_writer(sigma_figure(result))
        if result.experiment is not None:
            files["active_passive.png"] = figure_writer(result.experiment.plot())
        else:
            note += f" active_passive.png not drawn: {result.active_passive.get('reason')}"
        files["bubbles.png"] = figure_writer(bubbles_figure(result))
    else:
        note = "matplotlib is not installed: no figures were drawn (install the 'plot' extra)."
    files["report.json"] = dumps_json(result.to_dict())
    files["summary.md"] = summary_markdown(result, note)
    return files


def write_compare_report(result, folder, *, overwrite: bool = False):
    """Write ``result`` to ``folder`` (complete or not at all, see :func:`tensornn.report.write_report`)."""
    return write_report(folder, report_files(result), overwrite=overwrite)

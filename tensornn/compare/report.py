"""The report folder of a comparison: report.json, summary.md and the figures, written atomically.

summary.md opens with its conclusion, one paragraph per network (the reading the data select with its
chi^2/dof and p, the fitted couplings against the exact ones, what the selected flow says), then the tables.
Figures need matplotlib (the ``plot`` extra); without it the JSON and markdown are written and the summary
says which figures are missing and why.
"""

from __future__ import annotations

import math

from .._json import dumps_json
from ..plotting.compare import couplings_figure, fits_figure, flows_figure
from ..plotting.data import spectra_figure
from ..plotting.figures import available as figures_available
from ..plotting.figures import figure_writer
from ..report import markdown_table, write_report

__all__ = ["summary_markdown", "report_files", "write_compare_report"]

FIGURES = {
    "fits": "measured G4c per quadruple against each reading's fit, with the residuals in standard errors",
    "couplings": "the bubble classes and each network's fitted tensor-reading couplings, exact values beside",
    "flows": "u4(k) of every reading from the fitted couplings (bands: 16-84% and 5-95% of the Monte-Carlo draws "
             "over the fit's covariance that reach k_UV; ticks: where draws stop; markers: where a flow stops), and "
             "the sigma_W map",
    "spectra": "the data's full, product and per-colour covariance spectra",
}

#: Every figure is written in each of these formats (PNG to look at, PDF for a paper).
FIGURE_FORMATS = ("png", "pdf")


def _n(x, digits=4):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:.{digits}g}"


def _theta_text(thetas) -> str:
    parts = []
    for t in thetas:
        if isinstance(t, dict):
            parts.append(f"{t['real']:.4g}{t['imag']:+.4g}i")
        elif t is not None:
            parts.append(f"{t:.4g}")
    return ", ".join(parts)


def _verdict_rows(result):
    rows = []
    for net in result.networks:
        r = net.readings
        fits = list(r.readings.values()) + ([r.reference_fit] if r.reference_fit is not None else [])
        for fit in fits:
            rows.append([net.label, fit.reading + (" (selected)" if fit.reading == r.selected else ""),
                         f"{_n(fit.chi2)}/{fit.dof}", _n(fit.p_value, 3), _n(fit.aic), _n(fit.relative_residual, 3),
                         fit.status])
    return rows


def _nested_rows(result):
    rows = []
    for net in result.networks:
        d = getattr(net.readings, "decision", None)
        for t in getattr(d, "nested", ()) or ():
            df = f"{t.df1}, {t.df2}" if t.df2 is not None else f"{t.df1}"
            rows.append([net.label, f"{t.smaller} -> {t.larger}", f"{t.reference}({df})", _n(t.statistic),
                         _n(t.p_value, 3), _n(getattr(t, "power", None), 3), _n(getattr(t, "size", None), 3),
                         _n(getattr(t, "detectable", None), 3)])
    return rows


def _verdict_lines(result):
    lines = []
    for net in result.networks:
        d = getattr(net.readings, "decision", None)
        if d is None:
            continue
        extra = [f"p = {_n(d.p_value, 3)}" if d.p_value is not None else "",
                 f"power {d.power:.2f}" if d.power is not None else "",
                 f"about {d.networks_needed} networks would resolve it" if d.networks_needed else ""]
        said = "; ".join(e for e in extra if e)
        reason = d.reason[:1].upper() + d.reason[1:]
        lines.append(f"- **{net.label}: {d.selected}**" + (f" ({said})" if said else "") + f". {reason}.")
    return lines


def _coupling_rows(result):
    rows = []
    for net in result.networks:
        r = net.readings
        for reading, fit in r.readings.items():
            for name, c in fit.couplings.items():
                pull = c.pull
                rows.append([net.label, reading, name, _n(c.value), _n(c.error, 3), _n(c.exact),
                             "n/a" if pull is None else f"{pull:+.2f}"])
    return rows


def _flow_rows(result):
    rows = []
    for net in result.networks:
        for name, flow in net.flows.items():
            for traj in flow.trajectories:
                sw = [s for s in traj["sigma_w"] if s is not None]
                rows.append([net.label, name + (" (selected)" if flow.selected else ""), traj["ir_source"],
                             traj["status"], _n(traj["k_stop_reached"] / traj["mass_unit"]),
                             _n(traj["potential"]["u2"][-1]), _n(traj["potential"]["u4"][-1]),
                             "n/a" if len(sw) < 2 else f"{sw[0]:.4g} -> {sw[-1]:.4g}"])
    return rows


def _q(mc, name, q):
    values = mc.band(name, q)
    return None if values is None else float(values[-1])


def _uncertainty_rows(result):
    rows = []
    for net in result.networks:
        for name, flow in net.flows.items():
            mc = flow.uncertainty
            if mc is None:
                continue
            stops = mc.stop_quantiles()
            lo_hi = mc.stop_range()
            fate = {"completes": "completes", "undecided": "undecided",
                    "stops": "stops" if lo_hi is None else f"stops at k/m {lo_hi[0]:.3g}-{lo_hi[1]:.3g}"}[mc.fate]
            band = lambda key: (f"{_n(_q(mc, key, 0.5))} [{_n(_q(mc, key, 0.05))}, {_n(_q(mc, key, 0.95))}]"  # noqa: E731
                                if mc.bands is not None else "n/a")
            rows.append([net.label, name, mc.n_draws, f"{mc.completed_fraction:.0%}",
                         ", ".join(f"{c} {s}" for s, c in mc.counts.items() if s != "completed") or "none",
                         "n/a" if stops is None else f"{stops['q05']:.3g} / {stops['q50']:.3g} / {stops['q95']:.3g}",
                         f"{fate} ({mc.fate_fraction:.0%})", band("u2"), band("u4"), band("sigma_w")])
    return rows


def _fixed_point_rows(result):
    rows, seen = [], set()
    for net in result.networks:
        for name, flow in net.flows.items():
            ideal = flow.idealised
            if ideal is None or (name, ideal.truncation) in seen:
                continue
            seen.add((name, ideal.truncation))
            if not ideal.schemes:
                rows.append([name, ideal.note, "", "none", "", "", "", ""])
            for scheme in ideal.schemes:
                couplings = scheme["couplings"] or {}
                rows.append([name, ideal.truncation.rsplit(", ", 1)[0], scheme["scheme"] + (" (reported)" if
                             scheme["configured"] else ""), _n(scheme["nu"]), _n(scheme["eta"]),
                             "n/a" if scheme["n_relevant"] is None else scheme["n_relevant"],
                             ", ".join(f"{k}={v:.4g}" for k, v in couplings.items() if v is not None) or "n/a",
                             "yes" if scheme["nu"] is not None else "no non-Gaussian fixed point"])
            f = ideal.functional_lpa
            if f is not None:
                rows.append([name, f["label"], "functional LPA", _n(f["nu"]), _n(f["eta"]),
                             "n/a" if f["n_relevant"] is None else f["n_relevant"], "the whole potential", f["status"]])
    return rows


def _idealisation_notes(result):
    notes, seen = [], set()
    for net in result.networks:
        for name, flow in net.flows.items():
            ideal = flow.idealised
            if ideal is None or not ideal.schemes:
                continue
            spread = ideal.spread()
            text = (f"- {net.label}, {name}: " + (f"nu spans {spread[0]:.4g}-{spread[1]:.4g} over the schemes. "
                                                   if spread else "")
                    + (f"{ideal.comparison[0].upper()}{ideal.comparison[1:]}. " if ideal.comparison else "")
                    + (f"{ideal.continuum}." if ideal.continuum else ""))
            if text not in seen:
                seen.add(text)
                notes.append(text)
    return notes


def summary_markdown(result, figures_note: str = "") -> str:
    """Markdown summary: the conclusion first, then the data, the verdicts, the couplings, the flows."""
    c = result.config
    d = result.data
    k = d.kronecker
    out = [f"# Which field theory do these networks have? Data: {d.data.name}\n", "## Conclusion\n"]
    out += [p + "\n" for p in result.conclusion()]
    floor = "" if k.noise_floor is None else f" (sampling floor {k.noise_floor:.3g})"
    plausible = "consistent with a Kronecker product" if d.kronecker_plausible else "far from a Kronecker product"
    out += ["## Data\n",
            f"{d.data.name}: P = {d.data.n_samples} samples of shape {tuple(d.data.index_sizes)}. The relative distance "
            f"of its covariance from the nearest Kronecker product is {k.distance:.3g}{floor}: {plausible}, so a "
            f"reading with one kinetic spectrum per colour is {'plausible' if d.kronecker_plausible else 'an approximation'}.\n",
            "## Readings (fits of G4c on the quartic classes)\n",
            f"Method: {result.networks[0].readings.method if result.networks else c.method}. The verdict is the smallest "
            f"reading that the nested tests (the classes a larger reading adds, at alpha = {c.alpha}) do not reject, "
            "provided the test that requires it rejects its sub-model, the test against the next reading has power "
            ">= 0.8, and the reading fits; otherwise it is 'undetermined' (too little power to tell the readings "
            "apart) or 'none' (no reading fits). The p-value of each goodness of fit is against its reference "
            "distribution (Hotelling's T^2 for Monte-Carlo fits). 'full' is every class together, a reference for the "
            "basis.\n",
            "\n".join(_verdict_lines(result)) + "\n",
            markdown_table(["network", "reading", "chi^2/dof", "p", "AIC", "rel. residual", "status"],
                           _verdict_rows(result)),
            "\n### Nested tests\n",
            "Each test asks whether the data need the classes the larger model adds ('empty': G4c = 0). power: at the "
            "reference coupling size ('size', an added class half as visible as what the smaller model fits); "
            "detectable: the coupling size resolved at power 0.8.\n",
            markdown_table(["network", "test", "reference", "statistic", "p", "power", "size", "detectable"],
                           _nested_rows(result)),
            "\n## Fitted couplings\n",
            "lambda_V multiplies the vertex V[phi] of the quartic action (docs/readings.md); pull = (fit - exact)/error.\n",
            markdown_table(["network", "reading", "class", "fit", "error", "exact", "pull"], _coupling_rows(result)),
            "\n## Flows from the fitted couplings\n",
            "Every reading is run from its own fit (failed readings are flagged in the verdicts); 'exact' rows start from "
            "the exact couplings where the network has them. k in units of the infrared mass m; u2, u4 at the last scale.\n",
            markdown_table(["network", "reading", "IR source", "status", "k_stop/m", "u2", "u4", "sigma_W"],
                           _flow_rows(result)),
            "\n## The selected flows over the fit's uncertainty\n",
            f"Each selected reading's flow is run from {c.flow_draws} Monte-Carlo draws of its fitted couplings (their "
            "full covariance). 'completed': the share that reaches k_UV; the stopping scale k/m of the others "
            "(5% / 50% / 95%); the fate at least 90% of the draws share (a divergence is the network's only when at "
            "least 95% diverge); u2, u4 and sigma_W at k_UV: median [5%, 95%] of the completed draws.\n",
            markdown_table(["network", "reading", "draws", "completed", "stopped", "k_stop/m (5/50/95%)", "fate",
                            "u2(k_UV)", "u4(k_UV)", "sigma_W(k_UV)"], _uncertainty_rows(result)),
            "\n## Fixed points of the continuum idealisations\n",
            "Each reading's idealisation makes every colour a continuum of modes with kinetic p^2; it is labelled by "
            "its truncation and scheme and does not depend on the data (the same for every data set and network). "
            "The phi^4 polynomial truncation is not the LPA: the functional LPA (the whole potential) is shown beside "
            "it. Every scheme the package has is shown: LPA' with eta in or out of the regulator derivative d_t R, "
            "and LPA.\n",
            markdown_table(["reading", "idealisation", "scheme", "nu", "eta", "relevant", "couplings",
                            "non-Gaussian"], _fixed_point_rows(result)),
            "\n" + "\n".join(_idealisation_notes(result)) + "\n",
            "\n## Time per stage (s)\n",
            markdown_table(["stage", "seconds"], [[key, f"{v:.2f}"] for key, v in result.timings.items()]
                           + [["total", f"{result.runtime:.2f}"]]),
            "\n## Figures\n",
            "\n".join(f"- {name}.png ({', '.join(FIGURE_FORMATS[1:])} beside): {text}" for name, text in FIGURES.items()) + "\n" + figures_note + "\n"]
    return "\n".join(out)


def report_files(result) -> dict:
    """The files of the report folder: name -> text or a writer callable."""
    files = {}
    note = ""
    if figures_available():
        figures = {"fits": fits_figure(result), "couplings": couplings_figure(result), "flows": flows_figure(result),
                   "spectra": spectra_figure(result.data)}
        for name, fig in figures.items():
            for fmt in FIGURE_FORMATS:
                files[f"{name}.{fmt}"] = figure_writer(fig, close=fmt == FIGURE_FORMATS[-1])
    else:
        note = "matplotlib is not installed: no figures were drawn (install the 'plot' extra)."
    files["report.json"] = dumps_json(result.to_dict())
    files["summary.md"] = summary_markdown(result, note)
    return files


def write_compare_report(result, folder, *, overwrite: bool = False):
    """Write ``result`` to ``folder`` (complete or not at all, see :func:`tensornn.report.write_report`)."""
    return write_report(folder, report_files(result), overwrite=overwrite)

"""Figures honour their file suffix and dpi, mark where flows stop, label symlog axes in decades, and draw bubbles
with their names and without crossings where a planar drawing exists."""

import math
import re

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")

from tensornn.bubbles import enumerate_bubbles, pillow, tetrahedron  # noqa: E402
from tensornn.bubbles.draw import _crossings, _layout, bubble_pages, bubble_title, save_bubble_drawings  # noqa: E402
from tensornn.cli.main import main  # noqa: E402
from tensornn.errors import InvalidArgumentError  # noqa: E402
from tensornn.flow import derive_flow, run_flow  # noqa: E402
from tensornn.plotting.axes import STOP_MARKERS, mark_stop, symlog_axis  # noqa: E402
from tensornn.plotting.figures import figure_format, pyplot, save_figure  # noqa: E402
from tensornn.plotting.flow import flow_figure  # noqa: E402
from tensornn.theory import ContinuumColour, Theory, scalar_truncation  # noqa: E402

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "svg": b"<?xml"}
FLOW = ["flow", "run", "scalar", "--dim", "3", "--order", "2", "--set", "g2=-0.01", "--set", "g4=0.1",
        "--k-start", "1", "--k-stop", "0.1"]


def _png_size(path):
    data = path.read_bytes()
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _small_figure():
    fig, ax = pyplot().subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1])
    return fig


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_the_suffix_chooses_the_format(tmp_path, fmt):
    path = save_figure(_small_figure(), tmp_path / f"f.{fmt.upper() if fmt == 'pdf' else fmt}")
    assert path.read_bytes()[:len(MAGIC[fmt])] == MAGIC[fmt]


def test_svg_keeps_text_as_text_and_pdf_embeds_truetype(tmp_path):
    fig = _small_figure()
    fig.axes[0].set_xlabel("scale k")
    svg = save_figure(fig, tmp_path / "f.svg").read_text()
    assert "scale k" in svg  # svg.fonttype none: a label is searchable text, not glyph paths
    fig = _small_figure()
    pdf = save_figure(fig, tmp_path / "f.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf  # pdf.fonttype 42: TrueType fonts embedded


@pytest.mark.parametrize("name", ["f.jpg", "f", "f.png.txt"])
def test_an_unknown_suffix_is_refused_before_anything_is_written(tmp_path, name):
    with pytest.raises(InvalidArgumentError, match=r"\.png, \.pdf or \.svg"):
        save_figure(_small_figure(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_dpi_scales_png_pixels(tmp_path):
    # the same figure at twice the dpi has twice the pixels on each side (up to one pixel of rounding)
    w1, h1 = _png_size(save_figure(_small_figure(), tmp_path / "a.png", dpi=50))
    w2, h2 = _png_size(save_figure(_small_figure(), tmp_path / "b.png", dpi=100))
    assert abs(w2 - 2 * w1) <= 2 and abs(h2 - 2 * h1) <= 2
    with pytest.raises(InvalidArgumentError, match="dpi"):
        save_figure(_small_figure(), tmp_path / "c.png", dpi=0)


def test_figure_functions_take_path_and_dpi(tmp_path):
    flow = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)))
    result = run_flow(flow, [-0.01, 0.1], k_start=1.0, k_stop=0.1, n_points=5)
    fig = flow_figure(result, path=tmp_path / "flow.pdf", dpi=72)
    assert fig.axes and (tmp_path / "flow.pdf").read_bytes()[:5] == b"%PDF-"
    with pytest.raises(InvalidArgumentError):
        flow_figure(result, path=tmp_path / "flow.gif")


@pytest.mark.parametrize("fmt", ["pdf", "svg"])
def test_flow_run_plot_writes_the_format_of_its_suffix(tmp_path, fmt, capsys):
    out = tmp_path / f"f.{fmt}"
    assert main([*FLOW, "--plot", str(out)]) == 0
    assert out.read_bytes()[:len(MAGIC[fmt])] == MAGIC[fmt]


def test_figure_format_names_the_argument():
    assert figure_format("x.Svg") == "svg"
    with pytest.raises(InvalidArgumentError, match="--plot must end in"):
        figure_format("x.jpeg", argument="--plot")


def test_a_pole_is_marked_where_the_flow_stops(tmp_path):
    # g2 = -0.3 drives 1 + 2 g2/k^2 through zero at k ~ 0.72: the flow stops with status "pole"
    flow = derive_flow(Theory((ContinuumColour(3),), "real", scalar_truncation(2)))
    result = run_flow(flow, [-0.3, 0.1], k_start=1.0, k_stop=1e-3, n_points=20)
    assert result.status == "pole"
    fig = flow_figure(result)
    ax = fig.axes[0]
    marker = STOP_MARKERS["pole"][0]
    stops = [line for line in ax.lines if line.get_marker() == marker]
    assert len(stops) == len(result.names)
    assert [float(line.get_xdata()[0]) for line in stops] == pytest.approx([result.k_stop_reached] * len(stops))
    assert any(t.get_text() == "flow stops: pole" for t in ax.get_legend().get_texts())


def test_a_divergence_off_scale_is_drawn_on_the_edge_pointing_out():
    fig, ax = pyplot().subplots()
    x = np.array([1.0, 2.0, 3.0])
    ax.plot(x, [0.0, 1.0, 2.0])
    ax.set_ylim(-1, 1.5)
    point = mark_stop(ax, x, [0.0, 1.0, 1e6], "diverged", "C0")
    assert point.get_marker() == "^" and point.get_ydata()[0] == pytest.approx(1.5)
    assert mark_stop(ax, x, [0.0, 1.0, 2.0], "completed", "C0") is None


def test_symlog_axes_are_labelled_in_decades_with_the_linear_band_marked():
    fig, ax = pyplot().subplots()
    ax.plot([0, 1, 2], [-500.0, 0.05, 2000.0])
    ax.set_ylim(-600, 2500)
    symlog_axis(ax, 0.3)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "$0$" in labels and "$10^{3}$" in labels and "$-10^{2}$" in labels
    assert ax.get_yscale() == "symlog" and ax.yaxis.get_transform().linthresh == pytest.approx(0.1)
    assert any(t.get_text().strip() == "linear" for t in ax.texts)


@pytest.mark.parametrize("span, linthresh, must, must_not", [
    ((-1500.0, 2e4), 0.01, {"$0$", "$10^{-1}$", "$10^{0}$", "$10^{2}$", "$10^{4}$", "$-10^{3}$"},
     {"$10^{-2}$", "$-10^{-2}$"}),
    ((-4.0, 4.0), 1.0, {"$0$", "$10^{0}$", "$-10^{0}$"}, set()),
    ((-12.0, 11.0), 1.0, {"$0$", "$10^{0}$", "$10^{1}$", "$-10^{1}$"}, set()),
])
def test_symlog_axes_label_every_decade_and_keep_the_linear_band_clear(span, linthresh, must, must_not):
    # every decade is labelled on a tall axis; ±linthresh, next to 0, only on axes of at most four decades
    fig, ax = pyplot().subplots()
    ax.plot([0, 1], list(span))
    ax.set_ylim(*span)
    symlog_axis(ax, linthresh)
    labels = {ax.yaxis.get_major_formatter()(v, i) for i, v in enumerate(ax.get_yticks())}
    pyplot().close(fig)
    assert must <= labels and not (labels & must_not), labels


def test_bubble_titles_carry_names_and_marks():
    assert bubble_title(pillow(3, 2)).splitlines() == ["pillow of colour 2", "melonic, ω = 0, |Aut| = 2"]
    assert bubble_title(tetrahedron()).startswith("tetrahedron\n")


@pytest.mark.parametrize("bubble", [pillow(3, 1), pillow(4, 2), tetrahedron(), *enumerate_bubbles(3, 3, "complex")],
                         ids=lambda b: repr(b)[:40])
def test_planar_bubbles_are_drawn_without_crossings(bubble):
    import networkx as nx

    simple = nx.Graph(bubble.graph)
    if nx.check_planarity(simple)[0]:
        assert _crossings(simple, _layout(bubble)) == 0


def test_long_lists_are_paged(tmp_path):
    # the 4 complex rank-3 bubbles of order 2, 3 to a page: 2 pages (3 + 1), numbered across pages
    bubbles = list(enumerate_bubbles(3, 2, "complex"))
    pages = bubble_pages(bubbles, per_page=3, columns=3)
    assert len(pages) == 2
    titles = [ax.get_title() for fig in pages for ax in fig.axes if ax.get_title()]
    assert [t.split()[0] for t in titles] == ["#0", "#1", "#2", "#3"]
    for fig in pages:
        pyplot().close(fig)
    written = save_bubble_drawings(bubbles, tmp_path / "b.pdf", per_page=3, columns=3, dpi=40)
    assert written == [tmp_path / "b.pdf"]
    assert len(re.findall(rb"/Type /Page\b(?!s)", written[0].read_bytes())) == 2
    pngs = save_bubble_drawings(bubbles, tmp_path / "b.png", per_page=3, columns=3, dpi=40)
    assert [p.name for p in pngs] == ["b-1.png", "b-2.png"]

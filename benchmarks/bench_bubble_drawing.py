"""Drawing a long list of bubbles: pages of 24 (the figure functions) against one grid of every bubble.

The 49 complex bubbles of rank 4 and order 3 are written (a) as one grid figure of every bubble (how
``tensornn bubbles draw`` wrote them before pages: 6 columns, one PNG) and (b) with ``save_bubble_drawings`` as a
three-page PDF and as three PNG pages. Both are timed in the same run; ratio = one grid / pages.

Run: python benchmarks/bench_bubble_drawing.py [--rank 4] [--order 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_time  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rank", type=int, default=4)
    parser.add_argument("--order", type=int, default=3)
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    from tensornn.bubbles import enumerate_bubbles
    from tensornn.bubbles.draw import draw_bubble_grid, save_bubble_drawings
    from tensornn.plotting.figures import save_figure

    bubbles = list(enumerate_bubbles(args.rank, args.order, "complex"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        grid, _ = best_time(lambda: save_figure(draw_bubble_grid(bubbles), folder / "grid.png", dpi=100), 1)
        pdf, _ = best_time(lambda: save_bubble_drawings(bubbles, folder / "pages.pdf"), 1)
        png, written = best_time(lambda: save_bubble_drawings(bubbles, folder / "pages.png"), 1)
    print(f"{len(bubbles)} bubbles of rank {args.rank}, order {args.order}:")
    print(f"  one grid (PNG, 100 dpi):      {grid:6.1f} s")
    print(f"  pages of 24 (PDF):            {pdf:6.1f} s   ratio grid/pages {grid / pdf:.2f}")
    print(f"  pages of 24 ({len(written)} PNGs, 200 dpi): {png:6.1f} s   ratio grid/pages {grid / png:.2f}")


if __name__ == "__main__":
    main()

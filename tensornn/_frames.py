"""Tabular results as pandas DataFrames (pandas is optional: ``pip install 'tensornn[pandas]'``) and their notebook
display.

A tabular result defines ``_table()``, returning ``(columns, index name or None)`` where ``columns`` maps a column
name to a sequence of values (one per row). :func:`to_frame` builds the DataFrame; :func:`repr_html` shows the
result's ``repr`` above the table in a notebook (``_repr_html_``), the table from the same columns, without pandas.
"""

from __future__ import annotations

import html
import math

from .errors import MissingDependencyError

__all__ = ["to_frame", "repr_html", "MAX_HTML_ROWS"]

#: Rows shown by the notebook display (the head and the tail beyond it).
MAX_HTML_ROWS = 20


def to_frame(result):
    """``result._table()`` as a pandas DataFrame.

    Raises
    ------
    MissingDependencyError
        pandas is not installed; the message says how to install it.
    """
    try:
        import pandas as pd
    except ImportError as exc:
        raise MissingDependencyError(f"{type(result).__name__}.to_frame() needs pandas: pip install "
                                     "'tensornn[pandas]' (or pip install pandas)") from exc
    columns, index = result._table()
    frame = pd.DataFrame({name: list(values) for name, values in columns.items()})
    return frame.set_index(index) if index is not None else frame


def _cell(value) -> str:
    if isinstance(value, float):
        return "nan" if not math.isfinite(value) else format(value, ".6g")
    return html.escape(str(value))


def repr_html(result) -> str:
    """HTML for a notebook: the ``repr`` of ``result`` and its table (head and tail when long)."""
    columns, _ = result._table()
    names = list(columns)
    rows = list(zip(*(columns[n] for n in names))) if names else []
    if len(rows) > MAX_HTML_ROWS:
        half = MAX_HTML_ROWS // 2
        rows = rows[:half] + [("...",) * len(names)] + rows[-half:]
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return (f"<div><pre>{html.escape(repr(result))}</pre><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")

"""Describe a matplotlib figure by the data it plots."""

from __future__ import annotations

import base64
import io
from typing import Any

MAX_POINTS = 200
PNG_DPI = 60


def describe_figure(fig: Any) -> dict[str, Any]:
    """Return the figure's lines (x, y, label), legends, axis labels and a small PNG."""
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        return {"is_figure": False, "type": type(fig).__name__}
    axes = []
    for ax in fig.get_axes():
        legend = ax.get_legend()
        axes.append(
            {
                "title": ax.get_title(),
                "xlabel": ax.get_xlabel(),
                "ylabel": ax.get_ylabel(),
                "legend": [t.get_text() for t in legend.get_texts()] if legend else None,
                "lines": [
                    {
                        "label": str(line.get_label()),
                        "x": [float(v) for v in list(line.get_xdata())[:MAX_POINTS]],
                        "y": [float(v) for v in list(line.get_ydata())[:MAX_POINTS]],
                    }
                    for line in ax.get_lines()
                ],
            }
        )
    figure_legends = [[t.get_text() for t in lg.get_texts()] for lg in fig.legends]
    return {"is_figure": True, "axes": axes, "figure_legends": figure_legends, "png": png_base64(fig)}


def png_base64(fig: Any) -> str:
    """Render the figure to a small PNG, base64-encoded (for the HTML report)."""
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=PNG_DPI)
    except Exception:  # noqa: BLE001 - a broken figure still gets judged by its data
        return ""
    return base64.b64encode(buffer.getvalue()).decode("ascii")

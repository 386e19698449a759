"""One metric of a fan-out comparison as a horizontal bar per strategy."""

from __future__ import annotations

from textual_plotext import PlotextPlot


class FanoutChart(PlotextPlot):
    """A plotext bar chart; the screen hands it a metric's title, the plan names and their values."""

    def show(self, title: str, labels: list[str], values: list[float]) -> None:
        plot = self.plt
        plot.clear_data()
        plot.clear_figure()
        plot.title(title)
        if labels:
            plot.bar(labels, values, orientation="horizontal", width=0.6)
        self.refresh()

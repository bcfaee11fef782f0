"""The sales chart: a 900x450 PNG, gaps for missing periods, an empty chart when nothing is in."""

from __future__ import annotations

import struct
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.lead_up import periods, reports
from bot.lead_up.chart import ChartPoint, chart_points, sales_chart, thousands
from tests.factories import T0

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a valid PNG has first."""
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def months(count: int) -> list[str]:
    return periods.recent("2026-11", count)


@pytest.mark.parametrize("count", [1, 5, 12])
def test_full_series_is_a_900_by_450_png(count: int) -> None:
    points = [ChartPoint(p, 1000.0 * i, 1500.0, 9000.0 + i) for i, p in enumerate(months(count))]
    data = sales_chart(points, title="Ann: sales")
    assert png_size(data) == (900, 450)
    assert data.endswith(b"IEND\xaeB`\x82")


def test_gaps_and_partial_points_do_not_crash() -> None:
    points = [ChartPoint(p) if i % 3 == 0 else ChartPoint(p, 1200.0 * i, None, 5000.0)
              for i, p in enumerate(months(12))]
    points[1] = ChartPoint(points[1].period, None, 1500.0, None)
    assert png_size(sales_chart(points, title="Gaps")) == (900, 450)


@pytest.mark.parametrize("points", [[], [ChartPoint(p) for p in periods.recent("2026-W48", 12)]])
def test_no_figures_still_draws(points: list[ChartPoint]) -> None:
    assert png_size(sales_chart(points, title="Nothing yet")) == (900, 450)


def test_more_than_twelve_points_keep_the_last_twelve() -> None:
    many = [ChartPoint(p, 10.0, 20.0, 30.0) for p in months(24)]
    assert sales_chart(many, title="x") == sales_chart(many[-12:], title="x")


def test_thousands_separators() -> None:
    assert thousands(1234567.0) == "1,234,567"
    assert thousands(0.0) == "0"


def test_charts_render_in_threads() -> None:
    points = [ChartPoint(p, 100.0, 200.0, 300.0) for p in months(12)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        images = list(pool.map(lambda i: sales_chart(points, title=f"t{i}"), range(8)))
    assert all(png_size(image) == (900, 450) for image in images)


def test_chart_points_from_the_stored_series(sessions) -> None:
    with sessions.begin() as session:
        for period, sales in (("2026-09", 800.0), ("2026-11", 1200.0)):
            figures = reports.Figures(period, sales, 1000.0, 5000.0)
            reports.store(session, "T1", "UANN", figures, T0, source="csv")
        series = reports.series(session, "T1", "UANN", "2026-11", count=4)
    points = chart_points(series)
    assert [p.period for p in points] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert points[0] == ChartPoint("2026-08") and points[2] == ChartPoint("2026-10")
    assert points[1] == ChartPoint("2026-09", 800.0, 1000.0, 5000.0)
    assert points[3].sales == 1200.0
    assert png_size(sales_chart(points, title="Ann")) == (900, 450)

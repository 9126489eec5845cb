"""Stage `prepare`: raw flights → one row per completed flight with pre-departure features.

Features are what is known before departure: schedule (hour, minute, weekday), carrier, route,
distance, the plane's age and size, and the weather at the origin airport in the scheduled hour.
Nothing observed after departure (dep_time, dep_delay, arr_time, air_time) is kept, except the
label's source `arr_delay`. Flights without an arrival delay (cancelled or diverted, 2.8 %) are
dropped: the label is undefined for them.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import yaml

RAW = Path("data/raw")
OUT = Path("data/processed")
WEATHER_COLUMNS = [
    "temp",
    "dewp",
    "humid",
    "wind_dir",
    "wind_speed",
    "wind_gust",
    "precip",
    "pressure",
    "visib",
]


def build(flights: pl.DataFrame, weather: pl.DataFrame, planes: pl.DataFrame, threshold: int):
    """Return the processed flights table."""
    # Weather has a few repeated (origin, hour) rows around DST changes; keep the first.
    weather = weather.unique(subset=["origin", "time_hour"], keep="first", maintain_order=True)
    planes = planes.select("tailnum", pl.col("year").alias("plane_year"), "seats")
    return (
        flights.with_row_index("flight_id")
        .filter(pl.col("arr_delay").is_not_null())
        .join(
            weather.select("origin", "time_hour", *WEATHER_COLUMNS),
            on=["origin", "time_hour"],
            how="left",
        )
        .join(planes, on="tailnum", how="left")
        .with_columns(
            pl.col("time_hour").str.to_datetime("%Y-%m-%dT%H:%M:%SZ", time_zone="UTC"),
            pl.date("year", "month", "day").dt.weekday().alias("weekday"),
            (pl.col("arr_delay") > threshold).alias("is_delayed"),
        )
        .select(
            "flight_id",
            "year",
            "month",
            "day",
            "weekday",
            "hour",
            "minute",
            "time_hour",
            "carrier",
            "flight",
            "tailnum",
            "origin",
            "dest",
            "distance",
            "sched_dep_time",
            "sched_arr_time",
            *WEATHER_COLUMNS,
            "plane_year",
            "seats",
            "arr_delay",
            "is_delayed",
        )
        .sort("time_hour", "flight_id")
    )


def main() -> None:
    params = yaml.safe_load(Path("params.yaml").read_text())["prepare"]
    processed = build(
        pl.read_parquet(RAW / "flights.parquet"),
        pl.read_parquet(RAW / "weather.parquet"),
        pl.read_parquet(RAW / "planes.parquet"),
        params["delay_threshold_minutes"],
    )
    OUT.mkdir(parents=True, exist_ok=True)
    processed.write_parquet(OUT / "flights.parquet")
    reference = processed.filter(pl.col("month").is_in(params["reference_months"]))
    current = processed.filter(pl.col("month").is_in(params["current_months"]))
    reference.write_parquet(OUT / "reference.parquet")
    current.write_parquet(OUT / "current.parquet")
    print(
        f"processed: {processed.height:,} flights ({processed['is_delayed'].mean():.1%} delayed); "
        f"reference {reference.height:,}, current {current.height:,}"
    )


if __name__ == "__main__":
    main()

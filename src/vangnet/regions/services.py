"""Sync the regions from ``regions/data/*.csv`` (idempotent upserts)."""

from __future__ import annotations

from pathlib import Path

from vangnet.core.reference_data import read_csv, upsert

DATA_DIR = Path(__file__).resolve().parent / "data"


def sync_regions(data_dir: Path = DATA_DIR) -> dict[str, int]:
    from vangnet.regions.models import Municipality, PoliceUnit, Province

    provinces = [Province(code=r["code"], cbs_code=r["cbs_code"], name=r["name"])
                 for r in read_csv(data_dir / "provinces.csv")]
    units = [PoliceUnit(code=r["code"], name=r["name"]) for r in read_csv(data_dir / "police_units.csv")]
    municipalities = [
        Municipality(cbs_code=r["cbs_code"], name=r["name"], province_id=r["province_code"],
                     police_unit_id=r["police_unit_code"])
        for r in read_csv(data_dir / "municipalities.csv")
    ]
    return {
        "provinces": upsert(Province, provinces, "code"),
        "police_units": upsert(PoliceUnit, units, "code"),
        "municipalities": upsert(Municipality, municipalities, "cbs_code"),
    }

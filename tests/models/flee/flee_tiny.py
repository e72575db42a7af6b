"""The tiny Flee scenario of docs/flee/FORMAT.md §10 and a file writer, shared by the Flee tests."""

from __future__ import annotations

from pathlib import Path


def write_files(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


#: The 4-location example of docs/flee/FORMAT.md §10 (hand-made, as in Flee's docs).
TINY = {
    "input/locations.csv": (
        "#name,region,country,latitude,longitude,location_type,conflict_date,population\n"
        "A,RegionA,Homeland,0.0,0.0,conflict_zone,0,10000\n"
        "B,RegionB,Homeland,0.0,1.0,town,,5000\n"
        "C,RegionC,Homeland,1.0,1.0,conflict_zone,5,8000\n"
        "Z,RegionZ,Neighbour,0.0,2.0,camp,,3000\n"
    ),
    "input/routes.csv": (
        "#name1,name2,distance,forced_redirection\nA,B,100,0\nB,C,150,0\nB,Z,250,0\nC,Z,400,0\n"
    ),
    "input/closures.csv": (
        "#closure_type,name1,name2,closure_start,closure_end\ncountry,Homeland,Neighbour,0,3\n"
    ),
    "input/conflicts.csv": "#Day,A,B,C,Z\n"
    + "".join(f"{d},1,0,{1 if d >= 5 else 0},0\n" for d in range(10)),
    "input/sim_period.csv": "StartDate,2020-01-01\nLength,10\n",
    "input/registration_corrections.csv": "",
    "data/data_layout.csv": "total,refugees.csv\nZ,camp-z.csv\n",
    "data/refugees.csv": "Date,Refugee_numbers\n2020-01-01,0\n2020-01-05,400\n2020-01-10,1000\n",
    "data/camp-z.csv": "DateTime,Z\n2020-01-01,0\n2020-01-10,800\n",
}

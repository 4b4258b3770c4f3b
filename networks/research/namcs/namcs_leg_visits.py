"""Tables of US office visits for a leg complaint, from the NAMCS public-use files 1995-2010.

This script is a research tool, not part of crampnet: it needs ``pyreadr``
and ``pandas`` and the NAMCS files, which are not shipped. It writes the two
small CSV tables beside it, which the network's sourced numbers quote and
``tests/test_s54_namcs.py`` reads.

Data: the National Ambulatory Medical Care Survey (NAMCS) public-use files,
National Center for Health Statistics (US public domain), as the RDS
conversions of the CDC fixed-width files that Outcomes Insights committed in
github.com/outcomesinsights/namcs_nhamcs_tools at 8ceb1e1 (``data/namcs95.rds``
to ``data/namcs2010.rds``; removed from that repository's later tree, still in
its history). Code labels (reason for visit, ICD-9-CM, ``SEX`` 1 = female,
2 = male) were checked against the NCHS SAS format files ``nam00for.txt``,
``nam05for.txt``, ``nam09for.txt`` and ``nam10for.txt`` copied in
github.com/abhivishnu/Health-Service-Utilization-in-NAMCS at 5d6f76a
(``Archive/``).

Usage::

    git -C MIRROR show 8ceb1e1:data/namcs2010.rds > DIR/namcs2010.rds   # and the other years
    python networks/research/namcs/namcs_leg_visits.py DIR

A visit is a leg-complaint visit when its first-listed reason for visit
(``RFV1``, "the most important") is pain, cramps, weakness or swelling of the
hip, leg, knee, ankle or foot (RFV codes 19151-19155, 19201-19205,
19251-19255, 19301-19305, 19351-19355; the fourth digit-pair 1 pain, 2 cramps,
4 weakness, 5 swelling). Numbness and restlessness have RFV codes without a
body site (12200-12204, 11250), so they are counted apart, as ``unsited``.
Adults only (``AGE`` 18 or more). ``PATWT`` weights give national estimates.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadr

HERE = Path(__file__).resolve().parent
SITES = {19150: "hip", 19200: "leg", 19250: "knee", 19300: "ankle", 19350: "foot"}
KINDS = {1: "pain", 2: "cramps", 4: "weakness", 5: "swelling"}
UNSITED = {12200: "numbness_or_tingling", 12201: "numbness_or_tingling", 12202: "numbness_or_tingling",
           12203: "numbness_or_tingling", 12204: "numbness_or_tingling", 11250: "restlessness"}
#: ICD-9-CM code prefixes (NAMCS writes 5 characters, '-' padded) per crampnet condition, on any of DIAG1-3.
DX = {
    "nocturnal_leg_cramps": ["72982", "32752"],
    "restless_legs_syndrome": ["33394"],
    "peripheral_arterial_disease": ["4439", "44020", "44021", "4402-", "4404"],
    "critical_limb_ischemia": ["44022", "44023", "44024"],
    "acute_limb_ischemia": ["4442"],
    "venous_insufficiency": ["45981", "4540", "4541", "4542", "4548", "4549", "4597"],
    "deep_vein_thrombosis": ["4534", "4511"],  # acute DVT of the leg (from Oct 2004); phlebitis of deep leg veins
    "local_calf_pathology": ["6826", "4510", "72751", "92410"],  # leg cellulitis, superficial phlebitis, popliteal cyst, lower-leg contusion
    "peripheral_neuropathy": ["3560", "3561", "3562", "3563", "3564", "3568", "3569", "357", "2506"],
    "lumbar_radiculopathy": ["7244", "7243", "72210", "72273"],  # lumbosacral radiculitis, sciatica, lumbar disc displacement (with myelopathy)
    "lumbar_spinal_stenosis": ["72402", "72403", "7240-", "72400", "72409"],
    "arthritis": ["714", "715", "716"],
    "thyroid_disease": ["240", "241", "242", "243", "244", "245", "246"],
    "electrolyte_disturbance": ["2761", "2768", "2752", "2754", "2767"],
    "motor_neuron_disease": ["3352"],
}


def load(folder: Path) -> pd.DataFrame:
    """Adult visits of every year's file, with the columns used here."""
    frames = []
    for path in sorted(folder.glob("namcs*.rds")):
        df = next(iter(pyreadr.read_r(str(path), encoding="latin1").values()))
        keep = [c for c in ("vyear", "age", "sex", "rfv1", "diag1", "diag2", "diag3", "patwt", "cstratm", "cpsum") if c in df.columns]
        frames.append(df[keep])
    d = pd.concat(frames, ignore_index=True)
    d["year"] = np.where(d["vyear"] < 100, 1900 + d["vyear"], d["vyear"])
    d = d[d["age"] >= 18].copy()
    d["age_band"] = pd.cut(d["age"], [17, 39, 64, 200], labels=["under_40", "40_to_64", "65_plus"]).astype(str)
    d["sex_name"] = d["sex"].map({1: "female", 2: "male"})
    site = (d["rfv1"] // 50 * 50).where((d["rfv1"] // 50 * 50).isin(list(SITES)))
    kind = (d["rfv1"] - site).map(KINDS)
    d["site"] = site.map(SITES).fillna("unsited")
    d["kind"] = kind.where(site.notna()).fillna(d["rfv1"].map(UNSITED))
    return d


def conditions(d: pd.DataFrame, columns: tuple[str, ...] = ("diag1", "diag2", "diag3")) -> pd.DataFrame:
    """One boolean column per condition of :data:`DX` (a code on any of ``columns``), and ``none`` (none of them)."""
    out = pd.DataFrame(index=d.index)
    codes = [d[c].astype(str) for c in columns]
    for name, prefixes in DX.items():
        out[name] = np.logical_or.reduce([s.str.startswith(tuple(prefixes)) for s in codes])
    out["none"] = ~out.any(axis=1)
    return out


def main(folder: Path) -> None:
    """Write the two tables beside this script and print the presenting age and sex mix."""
    d = load(folder)
    d["period"] = np.where(d["year"] >= 2006, "2006-2010", "1995-2005")
    visits = d[d["kind"].notna()]
    by_age_sex = visits.groupby(["period", "site", "kind", "age_band", "sex_name"]).agg(visits=("patwt", "size"), weighted=("patwt", "sum")).reset_index()
    by_age_sex.to_csv(HERE / "leg_visits_by_age_sex.csv", index=False)
    rows = []
    for listed, columns in (("first", ("diag1",)), ("any", ("diag1", "diag2", "diag3"))):
        flags = conditions(visits, columns)
        for name in flags.columns:
            sub = visits[flags[name]]
            g = sub.groupby(["period", "site", "kind"]).agg(visits=("patwt", "size"), weighted=("patwt", "sum")).reset_index()
            g.insert(0, "listed", listed)
            g.insert(0, "condition", name)
            rows.append(g)
    pd.concat(rows).to_csv(HERE / "leg_visits_by_condition.csv", index=False)
    print(f"{len(d)} adult visits, {len(visits)} with a leg complaint (sited or unsited) first")
    presenting_mix(d)



def share_se(y: pd.Series, w: pd.Series, strata: pd.Series, psu: pd.Series) -> tuple[float, float]:
    """Weighted share of ``y`` and its Taylor-linearised standard error (PSUs with replacement within strata)."""
    total = w.sum()
    p = float((w * y).sum() / total)
    z = pd.DataFrame({"z": w * (y - p) / total, "h": strata, "j": psu}).groupby(["h", "j"])["z"].sum().reset_index()
    var = 0.0
    for _, g in z.groupby("h"):
        n = len(g)
        if n > 1:
            var += n / (n - 1) * float(((g["z"] - g["z"].mean()) ** 2).sum())
    return p, var**0.5


def presenting_mix(d: pd.DataFrame) -> None:
    """Print the age and sex shares of 2006-2010 sited leg-complaint visits in ``d`` (:func:`load`), with design-based standard errors."""
    v = d[(d["year"] >= 2006) & (d["site"] != "unsited") & d["kind"].notna()]
    for label, y in [("under_40", v["age_band"] == "under_40"), ("40_to_64", v["age_band"] == "40_to_64"),
                     ("65_plus", v["age_band"] == "65_plus"), ("female", v["sex_name"] == "female")]:
        p, se = share_se(y.astype(float), v["patwt"].astype(float), v["year"].astype(str) + "-" + v["cstratm"].astype(str), v["cpsum"])
        print(f"{label}: {p:.4f} (SE {se:.4f}; 95% CI {p - 1.96 * se:.3f}-{p + 1.96 * se:.3f}; {int(y.sum())} of {len(v)} visits)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

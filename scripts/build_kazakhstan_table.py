#!/usr/bin/env python3
"""Build src/akimsim/data/kazakhstan.csv from the cited raw inputs.

Inputs (scripts/kazakhstan_raw/):
  regions.csv    20 first-level units (17 oblasts + Astana, Almaty, Shymkent)
                 with a cited population each.
  districts.csv  165 districts (audandar) and 37 cities of regional
                 significance under the oblasts (statistical division of
                 1 Jan 2023), with cited population where found.

Output: src/akimsim/data/kazakhstan.csv (comment header lines start with '#';
schema: unit_id,name,tier,parent_id,kind,voters,rural_posts,rural_voters,
voters_basis,rural_basis).

Sources
  [S1] the project domain notes (docs/sources.md#territory-units,
       docs/sources.md#voter-register-2023) (election-commission statements, national
       statistics and encyclopaedia entries quoted there): national voter
       register 11,970,000 (Jan 2023); about 2,345 rural akim units in 2022
       (2,179 rural okrugs + 92 villages + 29 settlement okrugs + 48 cities of
       district significance); 1,209,817 voters in 730 rural races on
       25 Jul 2021 (about 1,660 voters per race).
  [S2] docs/sources.md#voter-register-2023: registered voters Turkistan Region 1,177,507 (largest) and
       Ulytau Region 138,277 (smallest), Jan 2023.
  [S3] de.wikipedia region articles (infobox population, citing the Bureau of
       National Statistics, 1 Jan 2023) and en.wikipedia Mangystau Region
       (1 Jan 2022).
  [S4] citypopulation.de, Kazakhstan: Administrative Division (population
       estimate 2023-01-01, Bureau of National Statistics): Abai and Almaty
       region totals, all Abai units, three Almaty-region districts.
  [S5] de.wikipedia district / city articles and the Zhetisu district table
       (population 1 Jan 2023, Bureau of National Statistics).
  [S6] inbusiness.kz / BaigeNews reports of May 2023 citing the Bureau of
       National Statistics (Turkistan, Ulytau, Astana, Almaty, Shymkent
       populations; spring 2023; Ulytau and Almaty rounded).

Derivation rules (also written into the CSV header)
  [D1] Region voters. Turkistan and Ulytau are cited [S2]. Every other region
       gets population x (11,970,000 - 1,177,507 - 138,277) /
       (sum of all 20 region populations - Turkistan pop - Ulytau pop),
       rounded; the rounding remainder is added to the largest of these
       regions so the 20 regions sum to exactly 11,970,000.
  [D2] District / regional-city voters. A unit with a cited population gets
       region voters x unit population / region population. The remainder
       (region voters - those shares) is split over the units without a cited
       population by weights: 1 per unit, except the oblast's administrative
       centre (a regional city), which gets weight 5 (Konaev, the Almaty
       Region centre since 2022 and a small town, keeps weight 1). Stated reason for
       departing from plain equal shares: the capitals hold far more people
       than a rural district; in the cited cases the capital holds 3.7x
       (Taldykorgan), 5.4x (Taraz) and 10.5x (Semey) the mean of the other
       units of its region, so 5 is a rounded middle value (an assumption).
       Integers by largest remainder. Every oblast capital is listed as a
       regional city, so no oblast keeps "own" voters: sum(district voters) =
       region voters. Republican cities have no district rows; all their
       voters are their own.
  [D3] Rural akim posts (rural_posts). No per-district okrug counts were
       found, so: each city of regional significance gets 1 post (a stand-in
       for the rural/settlement okrugs many such cities administer; an
       assumption); the remaining 2,345 - (number of regional cities) posts are
       spread over districts in proportion to district voters (a proxy for
       population, see D1/D2), at least 1 per district, integers by largest
       remainder, so the national sum is exactly 2,345. Region rows and
       republican cities: 0.
  [D4] Voters in rural akim units (rural_voters) = min(district voters,
       rural_posts x 1,660), 1,660 being the mean electorate per rural race in
       2021 [S1]; the national total then lands near 2,345 x 1,660 = 3.9 M.
       A minimum unit size of 150 voters per post is assumed: if a unit's
       voters are fewer than rural_posts x 150, the conflict is resolved by
       setting rural_voters = voters and logging it (none occur with the
       current inputs). Region rows: 0.

Run:  python scripts/build_kazakhstan_table.py
Needs Python 3.11 and pandas (numpy comes with it); no network.
"""
from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "scripts" / "kazakhstan_raw"
OUT = ROOT / "src" / "akimsim" / "data" / "kazakhstan.csv"

NATIONAL_VOTERS = 11_970_000  # [S1]
CITED_VOTERS = {"KZ-TUR": 1_177_507, "KZ-ULT": 138_277}  # [S2]
NATIONAL_RURAL_POSTS = 2_345  # [S1]
VOTERS_PER_RURAL_RACE = 1_660  # [S1] 1,209,817 / 730
MIN_VOTERS_PER_POST = 150  # assumption, see D4
CAPITAL_WEIGHT = 5  # assumption, see D2
REGIONAL_CITY_POSTS = 1  # assumption, see D3

# Administrative centre of each oblast (all are listed as regional cities).
# Almaty Region's centre Konaev is given weight 1, not the capital weight:
# it became the centre only in 2022 and is a small town next to the much
# larger suburban districts (stated exception to D2).
CAPITALS = {
    "KZ-ABA": "Semey", "KZ-AKM": "Kokshetau", "KZ-AKT": "Aktobe",
    "KZ-ALM": None, "KZ-ATY": "Atyrau", "KZ-ZAP": "Oral",
    "KZ-ZHA": "Taraz", "KZ-ZHT": "Taldykorgan", "KZ-KAR": "Karaganda",
    "KZ-KUS": "Kostanay", "KZ-KZY": "Kyzylorda", "KZ-MAN": "Aktau",
    "KZ-PAV": "Pavlodar", "KZ-SEV": "Petropavl", "KZ-TUR": "Turkistan",
    "KZ-ULT": "Zhezkazgan", "KZ-VOS": "Oskemen",
}

# Which [S*] a raw population_source string corresponds to.
def _pop_source_tag(src: str, region: bool = False) -> str | None:
    s = str(src)
    if region and (s.startswith("de.wikipedia") or s.startswith("en.wikipedia")):
        return "S3"
    if s.startswith("citypopulation.de"):
        return "S4"
    if s.startswith("de.wikipedia") and "Gebiet" in s and "table" not in s:
        return "S3"
    if s.startswith("de.wikipedia"):
        return "S5"
    if s.startswith("en.wikipedia"):
        return "S3"
    if "inbusiness" in s or "BaigeNews" in s:
        return "S6"
    return None


def largest_remainder(weights: list[float], total: int, floor_each: int = 0) -> list[int]:
    """Integers proportional to weights summing to total (Hamilton method),
    each at least floor_each."""
    n = len(weights)
    if n == 0:
        if total != 0:
            raise ValueError("cannot allocate a non-zero total over no units")
        return []
    base = [floor_each] * n
    rest = total - floor_each * n
    if rest < 0:
        raise ValueError("total too small for the per-unit floor")
    wsum = float(sum(weights))
    if wsum <= 0:
        weights = [1.0] * n
        wsum = float(n)
    quotas = [rest * w / wsum for w in weights]
    ints = [math.floor(q) for q in quotas]
    left = rest - sum(ints)
    order = sorted(range(n), key=lambda i: (quotas[i] - ints[i], weights[i]), reverse=True)
    for i in order[:left]:
        ints[i] += 1
    return [b + x for b, x in zip(base, ints, strict=False)]


def build() -> tuple[pd.DataFrame, list[str]]:
    log: list[str] = []
    reg = pd.read_csv(RAW / "regions.csv", dtype={"population": "Int64"})
    dis = pd.read_csv(RAW / "districts.csv", dtype={"population": "Int64", "rural_okrugs": "Int64"})
    if reg["population"].isna().any():
        raise SystemExit("D1 needs a population for every region: " +
                         ", ".join(reg.loc[reg["population"].isna(), "unit_id"]))

    # ---- D1: region voters -------------------------------------------------
    cited = reg["unit_id"].isin(CITED_VOTERS)
    rest_voters = NATIONAL_VOTERS - sum(CITED_VOTERS.values())
    rest_pop = int(reg.loc[~cited, "population"].sum())
    ratio = rest_voters / rest_pop
    voters = {}
    for r in reg.itertuples():
        voters[r.unit_id] = CITED_VOTERS[r.unit_id] if r.unit_id in CITED_VOTERS else round(r.population * ratio)
    derived_ids = reg.loc[~cited, "unit_id"].tolist()
    remainder = NATIONAL_VOTERS - sum(voters.values())
    largest = max(derived_ids, key=lambda u: voters[u])
    voters[largest] += remainder
    log.append(f"D1: {ratio:.5f} voters per inhabitant outside Turkistan/Ulytau; "
               f"rounding remainder {remainder:+d} added to {largest}")

    reg_basis = {}
    for r in reg.itertuples():
        if r.unit_id in CITED_VOTERS:
            reg_basis[r.unit_id] = "cited:S2"
        else:
            tag = _pop_source_tag(r.population_source, region=True)
            reg_basis[r.unit_id] = (f"cited:{tag};" if tag else "") + "cited:S1;derived:D1"

    # ---- D2: district voters -----------------------------------------------
    dis = dis.copy()
    dis["voters"] = 0
    dis["voters_basis"] = ""
    for r in reg.itertuples():
        sub = dis.index[dis["parent_id"] == r.unit_id]
        if len(sub) == 0:
            continue  # republican city: all voters are own voters
        V = voters[r.unit_id]
        P = int(r.population)
        known = [i for i in sub if pd.notna(dis.at[i, "population"])]
        unknown = [i for i in sub if pd.isna(dis.at[i, "population"])]
        known_pop = sum(int(dis.at[i, "population"]) for i in known)
        scale = 1.0
        if known_pop > P or (known_pop == P and unknown):
            # Mixed dates could make cited parts exceed the region figure.
            scale = 0.9 * P / known_pop if unknown else P / known_pop
            log.append(f"D2: {r.unit_id} cited district populations ({known_pop}) >= region "
                       f"population ({P}); cited shares scaled by {scale:.4f}")
        shares = {i: V * int(dis.at[i, "population"]) * scale / P for i in known}
        rem = V - sum(shares.values())
        cap = CAPITALS.get(r.unit_id)
        w_unknown = {i: (CAPITAL_WEIGHT if (dis.at[i, "kind"] == "regional_city" and dis.at[i, "name"] == cap) else 1)
                     for i in unknown}
        wsum = sum(w_unknown.values())
        for i in unknown:
            shares[i] = rem * w_unknown[i] / wsum
        if not unknown and abs(rem) > 1e-6:
            log.append(f"D2: {r.unit_id} all units cited; {rem:+.1f} voters of rounding spread proportionally")
        ids = list(shares)
        ints = largest_remainder([shares[i] for i in ids], V, floor_each=0)
        for i, v in zip(ids, ints, strict=False):
            dis.at[i, "voters"] = v
            if i in known:
                tag = _pop_source_tag(dis.at[i, "population_source"]) or "S5"
                dis.at[i, "voters_basis"] = f"cited:{tag};derived:D2"
            else:
                dis.at[i, "voters_basis"] = "derived:D2"

    # ---- D3: rural posts ---------------------------------------------------
    is_city = dis["kind"] == "regional_city"
    n_cities = int(is_city.sum())
    dis["rural_posts"] = 0
    dis.loc[is_city, "rural_posts"] = REGIONAL_CITY_POSTS
    d_idx = dis.index[~is_city].tolist()
    cited_okr = dis.loc[d_idx, "rural_okrugs"]
    fixed = {i: int(cited_okr[i]) for i in d_idx if pd.notna(cited_okr[i])}
    free = [i for i in d_idx if i not in fixed]
    to_spread = NATIONAL_RURAL_POSTS - n_cities * REGIONAL_CITY_POSTS - sum(fixed.values())
    alloc = largest_remainder([float(dis.at[i, "voters"]) for i in free], to_spread, floor_each=1)
    for i, p in fixed.items():
        dis.at[i, "rural_posts"] = p
    for i, p in zip(free, alloc, strict=False):
        dis.at[i, "rural_posts"] = p
    dis["rural_basis"] = ""
    for i in dis.index:
        dis.at[i, "rural_basis"] = "cited:okrugs;derived:D4" if i in fixed else "derived:D3;derived:D4"
    log.append(f"D3: {n_cities} regional cities x {REGIONAL_CITY_POSTS} post; {len(fixed)} districts with "
               f"cited okrug counts; {to_spread} posts spread over {len(free)} districts by voters")

    # ---- D4: rural voters --------------------------------------------------
    rv = []
    for i in dis.index:
        v = int(dis.at[i, "voters"])
        p = int(dis.at[i, "rural_posts"])
        x = min(v, p * VOTERS_PER_RURAL_RACE)
        if x < p * MIN_VOTERS_PER_POST:
            log.append(f"D4 conflict: {dis.at[i, 'unit_id']} voters {v} < {p} posts x {MIN_VOTERS_PER_POST}; "
                       f"rural_voters set to all voters")
            x = v
        rv.append(x)
    dis["rural_voters"] = rv
    log.append(f"D4: national rural_voters {sum(rv):,} (target about "
               f"{NATIONAL_RURAL_POSTS * VOTERS_PER_RURAL_RACE:,})")

    # ---- assemble ----------------------------------------------------------
    rows = []
    for r in reg.itertuples():
        rows.append(dict(unit_id=r.unit_id, name=r.name, tier="region", parent_id="", kind=r.kind,
                         voters=voters[r.unit_id], rural_posts=0, rural_voters=0,
                         voters_basis=reg_basis[r.unit_id], rural_basis="none"))
    order = {u: k for k, u in enumerate(reg["unit_id"])}
    dis["_o"] = dis["parent_id"].map(order)
    dis = dis.sort_values(["_o", "unit_id"], kind="stable")
    for d in dis.itertuples():
        rows.append(dict(unit_id=d.unit_id, name=d.name, tier="district", parent_id=d.parent_id, kind=d.kind,
                         voters=int(d.voters), rural_posts=int(d.rural_posts), rural_voters=int(d.rural_voters),
                         voters_basis=d.voters_basis, rural_basis=d.rural_basis))
    out = pd.DataFrame(rows, columns=["unit_id", "name", "tier", "parent_id", "kind", "voters",
                                      "rural_posts", "rural_voters", "voters_basis", "rural_basis"])
    check(out)
    return out, log


def check(t: pd.DataFrame) -> None:
    regs = t[t["tier"] == "region"]
    dists = t[t["tier"] == "district"]
    assert len(regs) == 20, "20 regions expected"
    assert t["unit_id"].is_unique, "unit ids must be unique"
    assert set(dists["parent_id"]) <= set(regs["unit_id"]), "every district's parent must be a region"
    assert int(regs["voters"].sum()) == NATIONAL_VOTERS, "region voters must sum to the national register"
    by_parent = dists.groupby("parent_id")["voters"].sum()
    for u, v in regs.set_index("unit_id")["voters"].items():
        assert int(by_parent.get(u, 0)) <= int(v), f"districts of {u} exceed the region"
    assert int(t["rural_posts"].sum()) == NATIONAL_RURAL_POSTS, "national rural posts must be 2,345"
    assert (dists["rural_voters"] <= dists["voters"]).all(), "rural_voters must not exceed voters"
    assert (t["voters"] > 0).all(), "every voters value must be > 0"
    assert (t["rural_posts"] >= 0).all()
    assert (t["rural_voters"] >= 0).all()
    assert (regs["rural_posts"] == 0).all()
    assert (regs["rural_voters"] == 0).all()
    for col in ("unit_id", "name", "parent_id", "kind", "voters_basis", "rural_basis"):
        assert not t[col].astype(str).str.contains("#").any(), f"'#' in column {col}"


HEADER = """\
# akimsim: Kazakhstan units for the akim-selection simulation (regions, districts, cities of regional significance)
# built {date} by scripts/build_kazakhstan_table.py from scripts/kazakhstan_raw/regions.csv and districts.csv
# territorial division: 17 oblasts + 3 republican cities; 165 districts + 37 regional cities (statistical division of 1 Jan 2023; see scripts/kazakhstan_raw/README.md for gaps)
# voters = registered voters in the unit incl. everything below it; rural_posts = rural akim posts (rural okrugs + villages + settlement okrugs + cities of district significance); rural_voters = voters living in those units
# Sources:
# [S1] project domain notes docs/sources.md#territory-units and docs/sources.md#voter-register-2023 (election commission and statistics figures as quoted by news agencies): national voter register 11970000 (Jan 2023); about 2345 rural akim units (2022); 1209817 voters in 730 rural races of 25 Jul 2021 (about 1660 per race)
# [S2] docs/sources.md#voter-register-2023: registered voters Turkistan Region 1177507 and Ulytau Region 138277 (Jan 2023)
# [S3] de.wikipedia region articles citing the Bureau of National Statistics (population 1 Jan 2023); en.wikipedia Mangystau Region (1 Jan 2022)
# [S4] citypopulation.de Kazakhstan Administrative Division (population estimate 2023-01-01; Bureau of National Statistics)
# [S5] de.wikipedia district and city articles and the Zhetisu district table (population 1 Jan 2023; Bureau of National Statistics)
# [S6] inbusiness.kz and BaigeNews reports of May 2023 citing the Bureau of National Statistics (Turkistan Ulytau Astana Almaty Shymkent; spring 2023)
# Derivation rules:
# [D1] region voters: Turkistan and Ulytau cited [S2]; others = population x (11970000 - 1177507 - 138277) / (national population - Turkistan - Ulytau); rounded; rounding remainder added to the largest derived region so the 20 regions sum to 11970000
# [D2] district voters: units with cited population get region voters x population share; the remainder is split over units without population by weight 1 each (weight {cw} for the oblast capital city except Konaev: an assumption from cited capitals holding 3.7x-10.5x a mean unit); largest-remainder integers; oblasts keep no own voters because every capital is listed; republican cities have no district rows
# [D3] rural_posts: each regional city 1 (assumption); remaining 2345 - cities spread over districts in proportion to district voters (min 1); largest-remainder integers; national sum exactly 2345; no per-district okrug counts were found
# [D4] rural_voters = min(voters; rural_posts x 1660) [S1]; assumed minimum unit size 150 voters per post: a unit below rural_posts x 150 gets rural_voters = voters (none with current inputs)
# basis columns: cited:Sx = the figure or its population input comes from source x; derived:Dx = computed by rule x; none = not applicable
"""


def main() -> None:
    table, log = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="ascii", newline="") as f:
        f.write(HEADER.format(date=_dt.date.today().isoformat(), cw=CAPITAL_WEIGHT))
        table.to_csv(f, index=False, lineterminator="\n")
    for line in log:
        print(line)
    regs = table[table["tier"] == "region"]
    dists = table[table["tier"] == "district"]
    print(f"wrote {OUT} : {len(regs)} regions, {(dists['kind'] == 'district').sum()} districts, "
          f"{(dists['kind'] == 'regional_city').sum()} regional cities; voters {int(regs['voters'].sum()):,}; "
          f"rural posts {int(table['rural_posts'].sum()):,}; rural voters {int(table['rural_voters'].sum()):,}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes scenarios/leicester-city.json and scenarios/leicestershire.json from public figures:
council papers (cited in each description by council, document and date), DfE's EHCP statistics
and national cost figures. Every figure is either quoted with its source or marked as an
assumption in the scenario's description. Run from the repository root:

    python3 scenarios/tools/make_examples.py

`otherSpend` (High Needs spend that is not a placement: support services, therapies, EOTAS...)
is the one calibrated figure: it is set so that the in-year deficit of the least-cost plan in the
first year matches the council's own forecast. The calibration reads our solver's placement
spend, so it is done once, here, and the number is written into the file.
"""
import json, subprocess, sys, os

NEEDS = ["ASD", "ASD-specialist", "SLCN", "SEMH", "SEMH-specialist", "MLD", "SLD-PMLD", "SENSORY-PHYSICAL", "OTHER"]
MAINSTREAM_NEEDS = ["ASD", "SLCN", "SEMH", "MLD", "SENSORY-PHYSICAL", "OTHER"]
SPECIALIST = ["ASD-specialist", "SEMH-specialist", "SLD-PMLD"]


# Age groups in national curriculum years (README, "Ages and phase transfers"): Reception (0) to Year 6, Years 7 to 11,
# Years 12 to 14 (16 to 18), and 19 to 25.
AGES = [{"id": "primary", "name": "Primary (Reception to Year 6)", "from": 0, "to": 6},
        {"id": "secondary", "name": "Secondary (Years 7 to 11)", "from": 7, "to": 11},
        {"id": "post16", "name": "Post-16 (Years 12 to 14, ages 16 to 18)", "from": 12, "to": 14},
        {"id": "post19", "name": "Post-19 (ages 19 to 25)", "from": 15, "to": 20}]

# EHC plans by primary need and age, Leicestershire, January 2025: DfE, "Education, health and care
# plans" (2025 release, explore-education-statistics), sen_needs file, breakdown "Child or young
# persons age", time period 202425; ages at 31 August mapped to curriculum years (age − 4), the six
# plans at age 3 counted in primary. Needs grouped as the scenarios group them (SLD with PMLD; HI,
# VI, MSI and PD as sensory and physical; other with SpLD and not recorded). 7,196 plans in all.
AGE_PROFILE = {
    "ASD": {"primary": 655, "secondary": 726, "post16": 333, "post19": 276},
    "SLCN": {"primary": 739, "secondary": 340, "post16": 163, "post19": 135},
    "SEMH": {"primary": 288, "secondary": 630, "post16": 317, "post19": 161},
    "MLD": {"primary": 240, "secondary": 405, "post16": 182, "post19": 133},
    "SLD-PMLD": {"primary": 199, "secondary": 266, "post16": 148, "post19": 132},
    "SENSORY-PHYSICAL": {"primary": 145, "secondary": 114, "post16": 77, "post19": 70},
    "OTHER": {"primary": 62, "secondary": 135, "post16": 73, "post19": 52},
}
PROFILE_OF = {"ASD-specialist": "ASD", "SEMH-specialist": "SEMH"}


def split_by_age(need, total, groups=None):
    """`total` children of `need` split over `groups` (default all) in the shares of AGE_PROFILE,
    whole children, the remainder to the largest group."""
    profile = AGE_PROFILE[PROFILE_OF.get(need, need)]
    groups = groups or [g["id"] for g in AGES]
    weight = sum(profile[g] for g in groups)
    split = {g: round(total * profile[g] / weight) for g in groups}
    largest = max(groups, key=lambda g: profile[g])
    split[largest] += total - sum(split.values())
    return {g: v for g, v in split.items() if v > 0}


def add_ages(scenario, setting_ages, split_settings):
    """Phases for a scenario: age groups, demand by need and group, each setting's groups, the
    resource bases split into primary and secondary units, incumbents split by their setting's groups."""
    scenario["ages"] = AGES
    scenario["demand"]["base"] = {n: split_by_age(n, v) for n, v in scenario["demand"]["base"].items()}
    settings, renamed = [], {}
    for setting in scenario["settings"]:
        if setting["id"] in split_settings:
            primary = split_settings[setting["id"]]
            renamed[setting["id"]] = []
            for phase, places in (("primary", primary), ("secondary", setting["capacity"] - primary)):
                copy = dict(setting, id=f'{setting["id"]}-{phase}', name=f'{setting["name"]}, {phase}', ages=[phase], capacity=places)
                settings.append(copy)
                renamed[setting["id"]].append(copy["id"])
        else:
            settings.append(dict(setting, ages=setting_ages[setting["id"]]))
    scenario["settings"] = settings
    ages_of = {s["id"]: s["ages"] for s in settings}
    incumbents = []
    for incumbent in scenario["incumbents"]:
        targets = renamed.get(incumbent["setting"], [incumbent["setting"]])
        groups = [g for t in targets for g in ages_of[t]]
        for group, children in split_by_age(incumbent["need"], incumbent["children"], groups).items():
            setting = next(t for t in targets if group in ages_of[t])
            incumbents.append({"setting": setting, "need": incumbent["need"], "age": group, "children": children})
    scenario["incumbents"] = incumbents
    return scenario


def split_demand(total):
    """National shares of primary need among EHCPs, January 2025 (DfE, "Education, health and care plans", January 2025): ASD 31.5%,
    SLCN 21.3%, SEMH 20.7%, MLD 10.6%, the rest 15.9%, split here as SLD+PMLD 4.7%,
    sensory and physical 5.9%, other 5.3% (assumed). ASD and SEMH are split by level of
    support: 45% of ASD and 35% of SEMH need a specialist place (assumed)."""
    shares = {"ASD": 0.315 * 0.55, "ASD-specialist": 0.315 * 0.45, "SLCN": 0.213, "SEMH": 0.207 * 0.65,
              "SEMH-specialist": 0.207 * 0.35, "MLD": 0.106, "SLD-PMLD": 0.047, "SENSORY-PHYSICAL": 0.059, "OTHER": 0.053}
    demand = {n: round(total * shares[n]) for n in NEEDS}
    demand["OTHER"] += total - sum(demand.values())
    return demand


def solve_spend(path):
    out = subprocess.run([".build/release/sufficiency-solve", "solve", path, "--format", "json", "--no-timings"],
                         capture_output=True, text=True)
    report = json.loads(out.stdout)
    return [row["placementSpend"] for row in report["finance"]], report


def write(path, scenario):
    with open(path, "w") as f:
        json.dump(scenario, f, indent=2, ensure_ascii=False)
        f.write("\n")


def calibrate_grant(path, scenario, target_first_year_gap, other, growth):
    """Sets the first year's grant so that spend + other - grant matches the forecast gap; later
    years grow by `growth`."""
    scenario["finance"]["otherSpend"] = other
    write(path, scenario)
    spend, _ = solve_spend(path)
    grant0 = round((spend[0] + other - target_first_year_gap) / 100000) * 100000
    scenario["finance"]["grant"] = {y: round(grant0 * (1 + growth) ** t) for t, y in enumerate(scenario["years"])}
    scenario["description"] = scenario["description"].replace("GRANT", f"£{grant0/1e6:.1f}m")
    write(path, scenario)
    return grant0


def calibrate(path, scenario, target_first_year_gap):
    scenario["finance"]["otherSpend"] = 0
    write(path, scenario)
    spend, _ = solve_spend(path)
    grant0 = scenario["finance"]["grant"][scenario["years"][0]]
    other = round((target_first_year_gap - (spend[0] - grant0)) / 100000) * 100000
    scenario["finance"]["otherSpend"] = other
    scenario["description"] = scenario["description"].replace("OTHER_SPEND", f"£{other/1e6:.1f}m")
    write(path, scenario)
    return other


def leicester_city():
    years = ["2026/27", "2027/28", "2028/29", "2029/30", "2030/31"]
    demand = split_demand(4175)
    # Current placements by setting and need (January 2026 totals from DfE's EHCP statistics: 151 independent,
    # 319 SEN units / resourced provision, 28.2% = 1,177 state special, 53.6% = 2,238 mainstream,
    # the remaining 290 in AP and post-16). The split of each total by need is assumed.
    settings = [
        {"id": "mainstream", "name": "Mainstream schools (EHCP top-up)", "type": "mainstream", "serves": MAINSTREAM_NEEDS,
         "capacity": None, "costPerPlace": 8700, "transportPerPlace": 500},
        {"id": "dsp-communication", "name": "DSP units: communication and autism (26 units of 10)", "type": "dsp",
         "serves": ["ASD", "ASD-specialist", "SLCN"], "capacity": 260, "costPerPlace": 19000, "transportPerPlace": 3000},
        {"id": "dsp-learning-sensory", "name": "DSP units: learning, sensory and physical (7 units of 10)", "type": "dsp",
         "serves": ["MLD", "SENSORY-PHYSICAL"], "capacity": 70, "costPerPlace": 19000, "transportPerPlace": 3000},
        {"id": "special-communication", "name": "Special schools: communication and interaction", "type": "special",
         "serves": ["ASD-specialist", "SLCN"], "capacity": 560, "costPerPlace": 25000, "transportPerPlace": 6500},
        {"id": "special-semh", "name": "Special school: SEMH", "type": "special",
         "serves": ["SEMH-specialist"], "capacity": 170, "costPerPlace": 26000, "transportPerPlace": 6500},
        {"id": "special-complex", "name": "Special schools: complex learning needs", "type": "special",
         "serves": ["ASD-specialist", "MLD", "SLD-PMLD", "SENSORY-PHYSICAL"], "capacity": 480, "costPerPlace": 26000,
         "costByNeed": {"SLD-PMLD": 34000}, "transportPerPlace": 6500},
        {"id": "ap", "name": "Alternative provision (incl. internal AP units of 10)", "type": "ap",
         "serves": ["SEMH", "SEMH-specialist"], "capacity": 120, "costPerPlace": 23000, "transportPerPlace": 3000},
        {"id": "post16", "name": "Post-16: FE colleges and specialist post-16", "type": "post16",
         "serves": ["ASD", "SLCN", "MLD", "SENSORY-PHYSICAL", "OTHER", "SEMH"], "capacity": 180, "costPerPlace": 11000,
         "transportPerPlace": 2500},
        {"id": "independent", "name": "Independent and non-maintained special schools", "type": "independent",
         "serves": SPECIALIST + ["SENSORY-PHYSICAL", "SLCN", "MLD"], "capacity": None, "costPerPlace": 63500,
         "costByNeed": {"SLD-PMLD": 90000}, "transportPerPlace": 12000, "outOfArea": True},
    ]
    incumbents = []
    def place(setting, counts):
        for need, children in counts.items():
            incumbents.append({"setting": setting, "need": need, "children": children})
    place("independent", {"ASD-specialist": 75, "SEMH-specialist": 55, "SLD-PMLD": 6, "SENSORY-PHYSICAL": 15})
    place("special-communication", {"ASD-specialist": 430, "SLCN": 112})
    place("special-semh", {"SEMH-specialist": 165})
    place("special-complex", {"SLD-PMLD": 190, "MLD": 200, "SENSORY-PHYSICAL": 80})
    place("dsp-communication", {"ASD-specialist": 90, "ASD": 60, "SLCN": 100})
    place("dsp-learning-sensory", {"MLD": 30, "SENSORY-PHYSICAL": 39})
    place("ap", {"SEMH-specialist": 80, "SEMH": 40})
    place("post16", {"ASD": 50, "SLCN": 40, "MLD": 30, "SENSORY-PHYSICAL": 20, "OTHER": 30})
    grant = {y: round(88.6e6 * 1.03 ** (t + 1)) for t, y in enumerate(years)}
    description = (
        "Leicester City Council, five years from 2026/27. SOURCES: 4,175 EHCPs in January 2026, "
        "53.6% in mainstream, 319 in SEN units / resourced provision, 28.2% in state special schools, 151 in independent "
        "special schools (DfE, 'Education, health and care plans', January 2026, Leicester City); DSP units and internal AP units of 10 places "
        "(Spinney Hills, Babington, Beaumont Leys) and the High Needs Block of £88.6m for 2025/26 (Leicester City Council, Children, Young People and Education Scrutiny Commission, 3 March 2026 (High Needs Block Task Group report)); "
        "cumulative DSG deficit forecast £44.8m by March 2026 (same meeting, minutes of 20 January 2026), the brought-forward deficit here. "
        "NATIONAL FIGURES used as assumptions (published national figures: DfE 'Education, health and care plans' (January 2026), DfE high needs benchmarking, NAO 'Support for children and young people with SEND' (2024)): mainstream EHCP top-up £8,700; DSP place £6k + top-up = £19,000; "
        "special school £25,000–26,000 (£34,000 for SLD/PMLD, assumed); AP £23,000; independent £63,500 (£90,000 for SLD/PMLD, "
        "assumed); primary-need shares ASD 31.5%, SLCN 21.3%, SEMH 20.7%, MLD 10.6%. ASSUMED: demand grows 7% a year "
        "(below England's +12.5% in 2025/26, as the city has reduced EHCP numbers, minutes of 20 January 2026); 45% of ASD and 35% of SEMH "
        "need a specialist place; the split of each setting's children by need; transport per child (£500 mainstream, "
        "£3,000 DSP/AP, £6,500 city special schools, £12,000 out-of-area independent, against the NAO's £8,100 average); "
        "leaving rates by setting type; the grant grows 3% a year from £88.6m; capacities are today's placements plus a "
        "little spare (the Task Group found units full). CALIBRATED: other High Needs spend of OTHER_SPEND a year, set so the "
        "first year's in-year deficit of the least-cost plan is about £16.6m, the pace of the council's forecast from £44.8m "
        "(March 2026) to 'as high as £78m by 2027/28' (minutes of 20 January 2026). Unmet penalty £500,000 a year: a child without a "
        "place is a statutory failure, so the penalty is set above the cost of any placement over the whole horizon "
        "(a lower one, such as £150,000, lets the model leave a child unplaced for a year rather than lock them into "
        "an independent placement just before new local places open).")
    return {
        "format": "sufficiency/1",
        "name": "Leicester City: placements 2026/27 to 2030/31",
        "description": description,
        "metadata": {"sources": ["Leicester City Council, Executive response to the High Needs Block Task Group, 27 May 2026", "Leicester City Council, Children, Young People and Education Scrutiny Commission, 3 March 2026 (High Needs Block Task Group report)"], "generator": "scenarios/tools/make_examples.py"},
        "years": years,
        "needs": NEEDS,
        "unmetPenalty": 500000,
        "discountRate": 0.035,
        "inflation": 0.02,
        "demand": {"base": demand, "growth": 0.07},
        "defaults": {"leavingRate": {"mainstream": 0.15, "dsp": 0.2, "special": 0.12, "independent": 0.12, "ap": 0.4, "post16": 0.35}},
        "settings": settings,
        "incumbents": incumbents,
        "finance": {"grant": grant, "otherSpend": 0, "broughtForwardDeficit": 44800000, "transport": "generalFund"},
    }, 16.6e6


SCHOOL = ["primary", "secondary"]
ALL_THROUGH = ["primary", "secondary", "post16"]


def open_colleges(scenario):
    """With ages, 16 to 25 year olds need post-16 places: FE colleges take every learner with a plan
    who applies (ASSUMED: unlimited places at the post-16 cost)."""
    for setting in scenario["settings"]:
        if setting["id"] == "post16":
            setting["capacity"] = None
    return scenario


def leicester_city_phases(scenario):
    open_colleges(scenario)
    return add_ages(scenario, {
        "mainstream": SCHOOL, "special-communication": ALL_THROUGH, "special-semh": SCHOOL,
        "special-complex": ALL_THROUGH, "ap": ["secondary"], "post16": ["post16", "post19"],
        "independent": [g["id"] for g in AGES]},
        {"dsp-communication": 150, "dsp-learning-sensory": 40})


def leicestershire_phases(scenario):
    open_colleges(scenario)
    return add_ages(scenario, {
        "mainstream": SCHOOL, "special-ci": ALL_THROUGH, "special-semh": SCHOOL, "special-complex": ALL_THROUGH,
        "ap": ["secondary"], "post16": ["post16", "post19"], "independent": [g["id"] for g in AGES]},
        {"rb-communication": 170, "rb-semh": 80})


PHASES_NOTE = (
    " PHASES: age groups primary (Reception to Year 6), secondary (Years 7 to 11), post-16 (Years 12 to 14) and post-19 "
    "(ages 19 to 25); demand and today's placements are split by age in the shares of Leicestershire's EHC plans by need "
    "and age in January 2025 (DfE, 'Education, health and care plans', 2025 release, age breakdown; applied to the city "
    "as an assumption); FE colleges take every 16 to 25 year old with a plan (post-16 places unlimited, ASSUMED); resource bases are split into primary and secondary units (ASSUMED split), special schools "
    "for complex and communication needs are all-through to 19, the SEMH special school and mainstream take school "
    "ages only, AP takes secondary pupils, post-16 provision takes 16 to 25, independent schools every age.")


def leicestershire():
    years = ["2026/27", "2027/28", "2028/29", "2029/30"]
    demand = split_demand(8812)
    settings = [
        {"id": "mainstream", "name": "Mainstream schools (EHCP top-up)", "type": "mainstream", "serves": MAINSTREAM_NEEDS,
         "capacity": None, "costPerPlace": 8700, "transportPerPlace": 1200},
        {"id": "rb-communication", "name": "Resource bases: communication and interaction", "type": "dsp",
         "serves": ["ASD", "ASD-specialist", "SLCN"], "capacity": 310, "costPerPlace": 19000, "transportPerPlace": 5000},
        {"id": "rb-semh", "name": "Resource bases: SEMH", "type": "dsp",
         "serves": ["SEMH", "SEMH-specialist"], "capacity": 180, "costPerPlace": 19000, "transportPerPlace": 5000},
        {"id": "special-ci", "name": "Special schools: communication and interaction (incl. Fusion, 80 places)", "type": "special",
         "serves": ["ASD-specialist", "SLCN"], "capacity": 560, "costPerPlace": 25000, "transportPerPlace": 8100},
        {"id": "special-semh", "name": "Special schools: SEMH (incl. Foxfields 60, Bowman 60)", "type": "special",
         "serves": ["SEMH-specialist"], "capacity": 330, "costPerPlace": 26000, "transportPerPlace": 8100},
        {"id": "special-complex", "name": "Special schools: complex learning needs (7 expanded schools)", "type": "special",
         "serves": ["ASD-specialist", "MLD", "SLD-PMLD", "SENSORY-PHYSICAL"], "capacity": 1450, "costPerPlace": 26000,
         "costByNeed": {"SLD-PMLD": 34000}, "transportPerPlace": 8100},
        {"id": "ap", "name": "Oakfield Short Stay School and other AP", "type": "ap",
         "serves": ["SEMH", "SEMH-specialist"], "capacity": 260, "costPerPlace": 23000, "transportPerPlace": 5000},
        {"id": "post16", "name": "Post-16: FE colleges and specialist post-16 (incl. Block K)", "type": "post16",
         "serves": ["ASD", "SLCN", "MLD", "SENSORY-PHYSICAL", "OTHER", "SEMH"], "capacity": 480, "costPerPlace": 11000,
         "transportPerPlace": 4000},
        {"id": "independent", "name": "Independent and non-maintained special schools", "type": "independent",
         "serves": SPECIALIST + ["SENSORY-PHYSICAL", "SLCN", "MLD"], "capacity": None, "costPerPlace": 63500,
         "costByNeed": {"SLD-PMLD": 90000}, "transportPerPlace": 14000, "outOfArea": True},
    ]
    incumbents = []
    def place(setting, counts):
        for need, children in counts.items():
            incumbents.append({"setting": setting, "need": need, "children": children})
    place("independent", {"ASD-specialist": 300, "SEMH-specialist": 210, "SLD-PMLD": 20, "SENSORY-PHYSICAL": 40, "SLCN": 20})
    place("rb-communication", {"ASD": 120, "ASD-specialist": 100, "SLCN": 80})
    place("rb-semh", {"SEMH": 100, "SEMH-specialist": 80})
    place("special-ci", {"ASD-specialist": 420, "SLCN": 120})
    place("special-semh", {"SEMH-specialist": 320})
    place("special-complex", {"ASD-specialist": 330, "MLD": 500, "SLD-PMLD": 390, "SENSORY-PHYSICAL": 200})
    place("ap", {"SEMH-specialist": 30, "SEMH": 220})
    place("post16", {"ASD": 120, "SLCN": 100, "MLD": 90, "SENSORY-PHYSICAL": 60, "OTHER": 90})
    grant = {}
    description = (
        "Leicestershire County Council over the High Needs forecast horizon 2026/27 to 2029/30. SOURCES "
        ": 8,812 EHCPs in January 2026, 480 in SEN units / resourced provision, 590 in "
        "independent special schools (DfE, 'Education, health and care plans', January 2026, Leicestershire); 5,547 HNB-funded placements forecast for 2024/25 "
        "and HNB DSG £81.96m in 2024/25 (Leicestershire County Council Schools Forum, High Needs Development Plan update, 2021); the deficits brought forward 2019/20 to 2025/26 sum to £111.88m, "
        "the brought-forward deficit here, and the BEST programme's planned mitigations are £15.363m, £33.403m, £49.634m and £66.146m "
        "in 2026/27 to 2029/30, the mitigations here (Leicestershire County Council, Children and Families Overview and Scrutiny Committee, 3 March 2026 (BEST programme; High Needs Financial Forecast, January 2026)); new schools "
        "Fusion (C&I, 80 places), Foxfields and Bowman (SEMH, 60 places each), 17 resource bases and 7 special school "
        "expansions, Oakfield Short Stay School (AP) and Block K post-16 (Leicestershire County Council Schools Forum, High Needs Development Plan update, 2021). NATIONAL FIGURES "
        "used as assumptions (published national figures: DfE 'Education, health and care plans' (January 2026), DfE high needs benchmarking, NAO 'Support for children and young people with SEND' (2024)): costs per place as in the Leicester City scenario, SEND transport £8,100 "
        "(NAO) for special schools. ASSUMED: demand grows 9% a year (EHCPs +12.5% in England in 2025/26; the county's "
        "pre-mitigation gap grows 23–27% a year in the January 2026 forecast); the split by need and setting; other High Needs "
        "spend (support services, therapies, EOTAS) of £15m a year; capacities are today's placements plus a little "
        "spare. CALIBRATED: the forecast gives the gap but no grant for 2026/27 onwards, so the grant is "
        "set to GRANT in 2026/27, growing 5% a year, which makes the first year's in-year deficit of the least-cost "
        "plan before mitigations equal to the forecast's pre-mitigation funding gap of £87.88m. Home-to-school transport "
        "is paid by the General Fund (finance.transport generalFund), as in England, so it is not in the gap; the grant "
        "was calibrated on High Needs spend without it.")
    return {
        "format": "sufficiency/1",
        "name": "Leicestershire: placements over the funding-gap horizon 2026/27 to 2029/30",
        "description": description,
        "metadata": {"sources": ["Leicestershire County Council Schools Forum, High Needs Development Plan update, 2021", "Leicestershire County Council, Children and Families Overview and Scrutiny Committee, 3 March 2026 (BEST programme; High Needs Financial Forecast, January 2026)", "Leicestershire County Council, Children and Families Overview and Scrutiny Committee, 19 January 2021 (SEND update)"], "generator": "scenarios/tools/make_examples.py"},
        "years": years,
        "needs": NEEDS,
        "unmetPenalty": 500000,
        "discountRate": 0.035,
        "inflation": 0.02,
        "demand": {"base": demand, "growth": 0.09},
        "defaults": {"leavingRate": {"mainstream": 0.15, "dsp": 0.2, "special": 0.12, "independent": 0.12, "ap": 0.4, "post16": 0.35}},
        "settings": settings,
        "incumbents": incumbents,
        "finance": {"grant": grant, "otherSpend": 0, "broughtForwardDeficit": 111880000, "transport": "generalFund",
                    "mitigations": [{"name": "BEST programme planned mitigations",
                                     "amount": dict(zip(years, [15363000, 33403000, 49634000, 66146000]))}]},
    }, 87.88e6


def leicester_city_capital(base):
    """The Leicester City scenario with the capital options a planner would weigh."""
    scenario = json.loads(json.dumps(base))
    scenario["name"] = "Leicester City: capital programme options 2026/27 to 2030/31"
    scenario["metadata"]["basedOn"] = "scenarios/leicester-city.json"
    scenario["capitalOptions"] = [
        {"id": "dsp-communication-1", "name": "New 10-place communication and autism DSP unit",
         "newSetting": {"id": "dsp-new-1", "name": "New DSP unit 1 (communication and autism)", "type": "dsp",
                        "serves": ["ASD", "ASD-specialist", "SLCN"], "ages": ["primary"], "costPerPlace": 19000, "transportPerPlace": 3000},
         "places": 10, "capitalCost": 210000, "leadTimeYears": 1},
        {"id": "dsp-communication-2", "name": "Second new 10-place communication and autism DSP unit",
         "newSetting": {"id": "dsp-new-2", "name": "New DSP unit 2 (communication and autism)", "type": "dsp",
                        "serves": ["ASD", "ASD-specialist", "SLCN"], "ages": ["secondary"], "costPerPlace": 19000, "transportPerPlace": 3000},
         "places": 10, "capitalCost": 210000, "leadTimeYears": 1, "requires": ["dsp-communication-1"]},
        {"id": "dsp-semh-1", "name": "New 10-place SEMH resource base",
         "newSetting": {"id": "dsp-semh-new", "name": "New SEMH resource base", "type": "dsp",
                        "serves": ["SEMH", "SEMH-specialist"], "ages": ["secondary"], "costPerPlace": 21000, "transportPerPlace": 3000},
         "places": 10, "capitalCost": 250000, "leadTimeYears": 1},
        {"id": "iap-2", "name": "Second 10-place internal AP unit (Beaumont Leys model)",
         "expands": "ap", "places": 10, "capitalCost": 150000, "leadTimeYears": 1},
        {"id": "special-semh-expansion", "name": "Expand the SEMH special school by 30 places",
         "expands": "special-semh", "places": 30, "capitalCost": 1800000, "leadTimeYears": 2,
         "excludes": ["new-special-school"]},
        {"id": "new-special-school", "name": "New 60-place special school (SEMH and autism)",
         "newSetting": {"id": "special-new", "name": "New special school (SEMH and autism)", "type": "special",
                        "serves": ["SEMH-specialist", "ASD-specialist"], "ages": ["secondary", "post16"], "costPerPlace": 26000, "transportPerPlace": 6500},
         "places": 60, "capitalCost": 6600000, "leadTimeYears": 3},
    ]
    scenario["capital"] = {"budget": 8000000, "accounting": "annualised", "assetLifeYears": 40}
    scenario["description"] = (
        "The Leicester City scenario (scenarios/leicester-city.json, where every placement figure comes from) with six "
        "capital options. SOURCES: DSP and internal AP units of 10 places, and Leicester's priorities: "
        "expand DSP units in mainstream and invest locally to cut out-of-area and independent placements (Leicester City Council, Children, Young People and Education Scrutiny Commission, 3 March 2026, High Needs Block Task Group recommendations; Leicester City Council, Executive response to the High Needs Block Task Group, 27 May 2026); no SEND capital budget is given (minutes of 20 January 2026). NATIONAL FIGURES used as assumptions "
        "(published costs of new specialist places and lead times, DfE and council capital programmes): a resource base place costs £11–31k to build (£21k and £25k a place here), a specialist place "
        "£50–74k (£60k a place for the 30-place expansion), a new special school £92–150k a place (£110k: £6.6m for 60 "
        "places); lead times (leadTimeYears): a resource base 6–18 months (one year), an expansion two years, a new special "
        "free school three years or more (three years), so the first openings are 2027/28, 2028/29 and 2029/30. ASSUMED: a SEND capital budget of £8m over the five years; "
        "the second DSP unit only after the first; the expansion and the new school share a site (they exclude each other). "
        "Capital is charged as an annuity over 40 years at the 3.5% discount rate (annualised accounting), so an option "
        "opened late in the horizon is judged on the years it runs rather than on its whole cost.")
    return scenario


def ehcp_series():
    """EHC plans in Leicestershire each January, 2018/19 to 2025/26: DfE, "Education, health and
    care plans" (2026 release), caseload file, breakdown "All EHC plans" (the in-repo copy)."""
    import csv
    path = "Tests/SufficiencyTests/Fixtures/dfe-ehcp/caseload_2026_leicestershire.csv"
    series = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["breakdown_topic"] == "All EHC plans" and row["la_name"] == "Leicestershire":
                series[int(row["time_period"])] = int(row["ehcplans"])
    return dict(sorted(series.items()))


def leicestershire_futures():
    """Leicestershire with the capital options of its High Needs Development Plan and three
    futures of EHCP growth from the county's own series (SPEC §2 "Futures")."""
    with open("scenarios/leicestershire.json") as f:
        scenario = json.load(f)
    series = ehcp_series()
    periods = list(series)
    def cagr(a, b):
        return (series[b] / series[a]) ** (1 / (periods.index(b) - periods.index(a))) - 1
    low, central, high = cagr(202021, 202324), cagr(201819, 202526), cagr(202324, 202526)
    scenario["name"] = "Leicestershire: a capital programme for low, central and high EHCP growth"
    scenario["metadata"]["basedOn"] = "scenarios/leicestershire.json"
    base = scenario["demand"]["base"]
    scenario["demand"] = {"base": base, "growth": round(central, 4)}
    scenario["futures"] = [
        {"id": "low", "name": f"Low: {low:.1%} a year (2020/21 to 2023/24, the slowest three years)", "probability": 0.3,
         "demand": {"base": base, "growth": round(low, 4)}},
        {"id": "central", "name": f"Central: {central:.1%} a year (2018/19 to 2025/26)", "probability": 0.4},
        {"id": "high", "name": f"High: {high:.1%} a year (2023/24 to 2025/26, person-level years)", "probability": 0.3,
         "demand": {"base": base, "growth": round(high, 4)}},
    ]
    scenario["robust"] = {"objective": "expected"}
    scenario["capitalOptions"] = [
        {"id": "fusion", "name": "New 80-place communication and interaction special school (Fusion)",
         "newSetting": {"id": "special-fusion", "name": "Fusion special school (communication and interaction)", "type": "special",
                        "serves": ["ASD-specialist", "SLCN"], "ages": ["primary", "secondary"], "costPerPlace": 25000, "transportPerPlace": 8100},
         "places": 80, "capitalCost": 8800000, "leadTimeYears": 3},
        {"id": "foxfields", "name": "New 60-place SEMH special school (Foxfields)",
         "newSetting": {"id": "special-foxfields", "name": "Foxfields special school (SEMH)", "type": "special",
                        "serves": ["SEMH-specialist"], "ages": ["secondary"], "costPerPlace": 26000, "transportPerPlace": 8100},
         "places": 60, "capitalCost": 6600000, "leadTimeYears": 3},
        {"id": "bowman", "name": "New 60-place SEMH special school (Bowman)",
         "newSetting": {"id": "special-bowman", "name": "Bowman special school (SEMH)", "type": "special",
                        "serves": ["SEMH-specialist"], "ages": ["primary", "secondary"], "costPerPlace": 26000, "transportPerPlace": 8100},
         "places": 60, "capitalCost": 6600000, "leadTimeYears": 3},
        {"id": "resource-bases-communication", "name": "Four new 10-place communication resource bases (primary)",
         "expands": "rb-communication-primary", "places": 40, "capitalCost": 840000, "leadTimeYears": 1},
        {"id": "resource-bases-semh", "name": "Three new 10-place SEMH resource bases (secondary)",
         "expands": "rb-semh-secondary", "places": 30, "capitalCost": 750000, "leadTimeYears": 1},
        {"id": "special-complex-expansion", "name": "Expand the complex needs special schools by 50 places",
         "expands": "special-complex", "places": 50, "capitalCost": 3000000, "leadTimeYears": 2},
    ]
    scenario["capital"] = {"budget": 25000000, "accounting": "annualised", "assetLifeYears": 40}
    first = periods[0]
    scenario["description"] += (
        f" FUTURES: EHC plans in Leicestershire were {series[first]:,} in January 2019 and {series[periods[-1]]:,} in January 2026 "
        f"(DfE, 'Education, health and care plans', 2026 release, caseload, all EHC plans: "
        + ", ".join(f"{series[p]:,}" for p in periods)
        + f" for 2018/19 to 2025/26); three futures of demand growth from that series: low {low:.1%} a year (the slowest "
        f"three years, 2020/21 to 2023/24), central {central:.1%} (the whole series), high {high:.1%} (the two person-level years "
        "2023/24 to 2025/26), with probabilities 0.3, 0.4 and 0.3 (Swanson's weights for the 10th, 50th and 90th percentiles; ASSUMED). "
        "CAPITAL OPTIONS modelled on the county's list of new schools, resource bases and expansions (Leicestershire County Council "
        "Schools Forum, High Needs Development Plan update, 2021): Fusion (communication and interaction, 80 places), Foxfields and "
        "Bowman (SEMH, 60 places each), new resource bases and a special school expansion; costs per place built as in the Leicester "
        "City capital scenario (national figures: £110k a place in a new special school, £60k in an expansion, £21k–£25k in a "
        "resource base) and lead times of one to three years; a SEND capital budget of £25m (ASSUMED); capital charged as a 40-year "
        "annuity at the 3.5% discount rate.")
    write("scenarios/leicestershire-futures.json", scenario)
    return low, central, high


if __name__ == "__main__" and sys.argv[1:] == ["futures"]:
    print("leicestershire-futures: growth low, central, high", leicestershire_futures())
elif __name__ == "__main__":
    scenario, gap = leicester_city()
    scenario = leicester_city_phases(scenario)
    scenario["description"] += PHASES_NOTE
    print("leicester-city: otherSpend", calibrate("scenarios/leicester-city.json", scenario, gap))
    write("scenarios/leicester-city-capital.json", leicester_city_capital(scenario))
    scenario, gap = leicestershire()
    scenario = leicestershire_phases(scenario)
    scenario["description"] += PHASES_NOTE.replace("applied to the city as an assumption", "the county's own figures")
    print("leicestershire: grant", calibrate_grant("scenarios/leicestershire.json", scenario, gap, 15e6, 0.05))
    print("leicestershire-futures: growth low, central, high", leicestershire_futures())

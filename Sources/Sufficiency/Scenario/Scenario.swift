import Crypto
import Foundation

/// The kind of place a setting offers.
public enum SettingType: String, Sendable, Equatable, CaseIterable, Codable, Comparable {
    case mainstream, dsp, special, independent, ap, post16

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A checked scenario: every reference resolved to an index, every number in range.
///
/// Build one with ``ScenarioDecoder``. Years, needs, zones and settings are referred to by their
/// position in the arrays below. A scenario without zones has one implicit zone (``zoneCount`` = 1).
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var description: String
    public var years: [String]
    public var needs: [String]
    /// Declared zones; empty when the scenario has none.
    public var zones: [String]
    /// Penalty per unmet child per year, by need.
    public var unmetPenalty: [Double]
    public var discountRate: Double
    public var inflation: Double
    /// Age groups, youngest first (empty: one implicit group that does not age, as in v1).
    public var ages: [AgeGroup] = []
    /// Children by year, zone, need and age group:
    /// `demand[((t * zoneCount + z) * needs.count + n) * ageCount + a]`.
    public var demand: [Double]
    /// Existing settings, then the new settings that capital options would open.
    public var settings: [Setting]
    public var incumbents: [Incumbent]
    public var policies: [Policy]
    public var capitalOptions: [CapitalOption]
    public var capital: CapitalRules
    public var finance: Finance
    /// Explicit (zone, setting) journeys.
    public var travel: [TravelLink]
    /// Longest journey allowed, by need (nil: no limit).
    public var maxTravelMinutes: [Double?]
    /// The files the scenario was read from (the scenario first, then its CSV tables), for a
    /// report's provenance.
    public var inputs: [InputFile] = []
    /// Changes applied to the file before it was read (`compare --set`, `sweep --vary`).
    public var edits: [String] = []
    /// Defaults applied where the scenario is silent (for a report's provenance).
    public var defaultsApplied: [String] = []
    /// Demand futures (SPEC §2 "Futures"): the capital decisions are shared, everything else is
    /// per future. Empty: one future, ``demand``.
    public var futures: [Future] = []
    /// How a plan over ``futures`` is chosen.
    public var robustObjective: RobustObjective = .expected

    /// One possible future: its probability and its demand (same layout as ``demand``).
    public struct Future: Sendable, Equatable {
        public var id: String
        public var name: String
        public var probability: Double
        public var demand: [Double]
    }

    /// The objective of a plan over futures: the expected cost, or the largest regret.
    public enum RobustObjective: String, Sendable, Equatable, Codable {
        case expected, regret
    }

    /// The scenario as future `f` alone: its demand, no futures.
    public func future(_ f: Int) -> Scenario {
        var copy = self
        copy.demand = futures[f].demand
        copy.futures = []
        copy.name = "\(name) — future \(futures[f].id)"
        return copy
    }

    /// The mean future: demand Σ_f p_f D_f, no futures (its best plan gives the EEV of SPEC §3).
    public func meanFuture() -> Scenario {
        var copy = self
        copy.demand = demand.indices.map { k in futures.reduce(0) { $0 + $1.probability * $1.demand[k] } }
        copy.futures = []
        copy.name = "\(name) — the mean future"
        return copy
    }

    /// A file read as input and its SHA-256.
    public struct InputFile: Sendable, Equatable, Codable {
        public var name: String
        public var bytes: Int
        public var sha256: String

        public init(name: String, content: [UInt8]) {
            self.name = name
            bytes = content.count
            sha256 = SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
        }
    }

    public var zoneCount: Int { max(1, zones.count) }
    /// The number of age groups: 1 without `ages`.
    public var ageCount: Int { max(1, ages.count) }
    /// m_a, the share of group a that moves up a group each year (1 / width; from the last group
    /// they leave). 0 for the one implicit group of a scenario without `ages`.
    public var movingUp: [Double] { ages.isEmpty ? [0] : ages.map { 1 / Double($0.width) } }
    /// Age group names for reports ("all ages" without `ages`).
    public var ageNames: [String] { ages.isEmpty ? ["all ages"] : ages.map(\.id) }
    public var zoneNames: [String] { zones.isEmpty ? ["all"] : zones }

    public func demand(year t: Int, zone z: Int, need n: Int, age a: Int = 0) -> Double {
        demand[((t * zoneCount + z) * needs.count + n) * ageCount + a]
    }

    /// δ_t = (1 + r)^−t.
    public func discountFactor(year t: Int) -> Double { pow(1 + discountRate, -Double(t)) }
    /// The yearly charge of `capitalCost` annualised over `capital.assetLifeYears` at the discount
    /// rate: C · r / (1 − (1 + r)^−L), or C / L when r = 0. Written with log1p / expm1 so that a
    /// tiny rate (1e-320 is a valid number ≥ 0) does not divide zero by zero.
    public func annuity(of capitalCost: Double) -> Double {
        let life = Double(capital.assetLifeYears), r = discountRate
        guard r > 0 else { return capitalCost / life }
        return capitalCost * r / -expm1(-life * log1p(r))
    }

    /// (1 + i)^t for placement and transport costs.
    public func inflationFactor(year t: Int) -> Double { pow(1 + inflation, Double(t)) }
}

public struct Setting: Sendable, Equatable {
    public var id: String
    public var name: String
    public var type: SettingType
    /// Whether the setting serves each need.
    public var serves: [Bool]
    /// Whether the setting serves each age group (one entry without `ages`).
    public var servesAge: [Bool] = [true]
    /// Caps on one age group's places, by group then year (nil: no cap that year).
    public var capacityByAge: [Int: [Double?]] = [:]
    /// Places by year (nil: unlimited). A new setting's base is 0: its places come from options.
    public var capacity: [Double?]
    /// Caps on one need's places, by need then year (nil: no cap that year).
    public var capacityByNeed: [Int: [Double?]]
    /// Cost per place per year at year-0 prices, by need (costByNeed applied).
    public var costByNeed: [Double]
    public var transportPerPlace: Double
    public var leavingRate: Double
    /// Open for opensYear ≤ t < closesYear.
    public var opensYear: Int
    public var closesYear: Int
    public var outOfArea: Bool
    public var zone: Int?
    /// The capital option whose `newSetting` this is.
    public var createdByOption: Int?

    public func isOpen(_ t: Int) -> Bool { t >= opensYear && t < closesYear }
}

/// Children already placed at the start of the first year.
public struct Incumbent: Sendable, Equatable {
    public var setting: Int
    public var need: Int
    public var zone: Int
    public var children: Double
    /// The age group at the census before the first year (0 without `ages`).
    public var age: Int = 0
}

/// An age group in national curriculum years (Reception = 0, Year 12 = 12).
public struct AgeGroup: Sendable, Equatable {
    public var id: String
    public var name: String
    public var from: Int
    public var to: Int
    /// w = to − from + 1.
    public var width: Int { to - from + 1 }

    public init(id: String, name: String, from: Int, to: Int) {
        self.id = id
        self.name = name
        self.from = from
        self.to = to
    }
}

/// A limit on the children placed in a group of settings, applied in every year.
public struct Policy: Sendable, Equatable {
    /// "type independent" or "settings a, b" for reports.
    public var label: String
    public var settings: [Int]
    public var maxShare: Double?
    public var minShare: Double?
    /// By year; nil: no bound that year.
    public var maxChildren: [Double?]
    public var minChildren: [Double?]
    /// Whether the policy counts each age group (all, without `ages` on the policy).
    public var ages: [Bool] = [true]
}

public struct CapitalOption: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The setting the places are added to (an existing one, or this or another option's new setting).
    public var setting: Int
    /// Whether this option creates ``setting`` (a `newSetting`) rather than expanding it.
    public var createsSetting: Bool
    public var places: Double
    public var capitalCost: Double
    public var earliestYear: Int
    public var latestYear: Int
    public var excludes: [Int]
    public var requires: [Int]
    public var fractional: Bool
    /// Years between the decision and the opening ("decide by" = opening year − lead time).
    public var leadTimeYears: Int = 0
    /// What the plan may do with the option: the optimiser decides (`on`, the default), never
    /// build it (`off`), or build it in its window, the year optimised (`forced`: a project
    /// already agreed). The what-if page's switches; a variant records them in its file.
    public enum Decision: String, Sendable, Equatable, CaseIterable { case on, off, forced }
    public var decision: Decision = .on
}

public struct CapitalRules: Sendable, Equatable {
    public enum Accounting: String, Sendable, Equatable, Codable { case upfront, annualised }
    public var budget: Double?
    public var budgetByYear: [Double?]
    public var accounting: Accounting
    public var assetLifeYears: Int
}

/// The High Needs Block as a council keeps it (SPEC §2 `finance`, §3 finance table).
public struct Finance: Sendable, Equatable {
    /// Which budget pays home-to-school transport.
    public enum TransportBudget: String, Sendable, Equatable, Codable {
        /// The council's General Fund (the default, as in England): outside the deficit.
        case generalFund
        /// The High Needs Block: transport counts in the deficit.
        case highNeeds
    }
    /// A planned saving the placement mix does not model (plans ceased, tribunal costs avoided).
    public struct Mitigation: Sendable, Equatable {
        public var name: String
        /// By year (a missing year is 0).
        public var amount: [Double]
    }
    /// By year (a missing year is 0).
    public var grant: [Double]
    public var otherSpend: [Double]
    /// Other money into the High Needs Block by year (a schools-block transfer, say).
    public var income: [Double] = []
    public var mitigations: [Mitigation] = []
    public var transport: TransportBudget = .generalFund
    public var broughtForwardDeficit: Double
    public var maxCumulativeDeficit: Double?
    /// Whether the scenario gave a `finance` section at all.
    public var given: Bool

    /// Whether transport is High Needs spend (and so in the deficit and an unmet child's value).
    public var transportInHighNeeds: Bool { transport == .highNeeds }
    /// Mitigations of year t, all names together.
    public func mitigation(year t: Int) -> Double { mitigations.reduce(0) { $0 + $1.amount[t] } }
    /// What year t adds to the deficit besides placements: other spend − mitigations − grant − income.
    public func fixedInYear(year t: Int) -> Double {
        otherSpend[t] - mitigation(year: t) - grant[t] - (income.indices.contains(t) ? income[t] : 0)
    }
}

public struct TravelLink: Sendable, Equatable {
    public var zone: Int
    public var setting: Int
    public var minutes: Double?
    public var cost: Double?
}

import Foundation

/// The linear or mixed-integer programme of SPEC §3 built from a ``Scenario``, with the maps
/// from its columns and rows back to children, settings, options and years.
///
/// Only placements that can be non-zero get a column: the setting serves the need, is open that
/// year, and is reachable from the zone. Everything is held in flat arrays.
///
/// Persistence is built in by a change of variables rather than one row per placement: each
/// placement column is the number of children *starting* there that year, `y[z,n,s,t] ≥ 0`, and
/// the children placed are `x[t] = (1 − leave) · x[t−1] + y[t]` (with `x[−1]` the incumbents).
/// With age groups and the demand cap r of SPEC §3 the same holds with
/// `x[a,t] = (1 − leave) · r · ((1 − m_a) · x[a,t−1] + m_{a−1} · x[a−1,t−1]) + y[a,t]`, the older
/// term only where the setting serves both groups; each x is then a fixed combination of starts
/// (its *expansion*, computed once).
/// `x[t] ≥ (1 − leave) · x[t−1]` is then exactly `y[t] ≥ 0`, so the model is the SPEC's, with the same
/// optimum and the same duals on demand, capacity and policy rows, but without its
/// largest family of rows (one per placement and year), which GLPK's simplex handles badly.
/// ``placementValues(_:)`` recovers `x`.
public struct PlacementModel: Sendable {
    public let scenario: Scenario
    public internal(set) var program: LinearProgram

    // Placement columns are 0 ..< placementCount, in (year, zone, need, setting) order: children
    // starting a placement in (zone, need, setting, year).
    public internal(set) var placementCount = 0
    /// The same placement the year before (−1 when none: the first year, or the setting was closed).
    public internal(set) var placementPrevious: [Int32] = []
    /// Share of the year before's children in that placement who stay in this one:
    /// (1 − leaving rate) · r · (1 − m_a).
    public internal(set) var placementStay: [Double] = []
    /// The placement of the group below the year before, in the same setting (−1 when none).
    public internal(set) var placementYounger: [Int32] = []
    /// Share of those who move up into this group and keep their place: (1 − leave) · r · m_{a−1}.
    public internal(set) var placementAgeIn: [Double] = []
    /// Incumbents who stay into the first year (ageing and the demand cap applied), for each
    /// first-year placement column (0 otherwise).
    public internal(set) var placementIncumbents: [Double] = []
    public internal(set) var placementAge: [Int32] = []
    /// The demand cap r of SPEC §3 for each (year, zone, cohort) slot.
    public internal(set) var demandCap: [Double] = []
    /// Each placement column's x as a combination of start columns: the entries
    /// `expansionStart[c] ..< expansionStart[c + 1]` of `expansionColumn` and `expansionFactor`,
    /// plus the constant `placementConstant[c]` (staying incumbents).
    public internal(set) var expansionStart: [Int] = [0]
    public internal(set) var expansionColumn: [Int32] = []
    public internal(set) var expansionFactor: [Double] = []
    public internal(set) var placementConstant: [Double] = []
    public internal(set) var placementZone: [Int32] = []
    public internal(set) var placementNeed: [Int32] = []
    public internal(set) var placementSetting: [Int32] = []
    public internal(set) var placementYear: [Int32] = []
    /// Transport cost per child in year-t money, for each placement column.
    public internal(set) var placementTransport: [Double] = []
    /// Journey in minutes for each placement column (0 within a zone or to a county-wide setting
    /// unless a travel entry says otherwise).
    public internal(set) var placementMinutes: [Float] = []
    /// Placement cost per child in year-t money, for each placement column.
    public internal(set) var placementCost: [Double] = []
    /// Column of u[z,n,a,t] at ``PlacementIndex/slot(year:zone:cohort:)``.
    public internal(set) var unmetColumn: [Int] = []
    /// What an unmet child of (t, z, n) is counted at in the finance table and the deficit cap
    /// (SPEC §3 constraint 7): the dearest placement cost (plus its transport when
    /// `finance.transport` is `highNeeds`) in year-t money among the existing settings that could
    /// take them (settings only a capital option would create count only when no existing one
    /// can), 0 when none can. With the cheapest, a cap could be met by leaving children unplaced.
    public internal(set) var unmetValue: [Double] = []
    /// Whether any setting can take children of (t, z, n).
    public internal(set) var hasPlacement: [Bool] = []
    /// First column of b[o, ·]; the option's years run earliestYear ... latestYear.
    public internal(set) var optionColumnStart: [Int] = []

    /// Row of each demand constraint, by slot.
    public internal(set) var demandRow: [Int] = []
    /// Row of the capacity constraint of setting s in year t at `s * yearCount + t`, or -1.
    public internal(set) var capacityRow: [Int] = []
    public internal(set) var policyRows: [(policy: Int, year: Int, row: Int)] = []
    /// The children already placed who stay, moved from each row's terms to its bounds (by row):
    /// a row's activity plus this is the count the scenario speaks of.
    public internal(set) var rowConstant: [Int: Double] = [:]
    public internal(set) var deficitRows: [Int] = []

    /// Conflicts found while building that make the model infeasible before any solve
    /// (a minimum above a maximum, say), in words a planner reads.
    public internal(set) var conflicts: [String] = []

    /// The order of every key: (year, zone, need), (setting, year), placements.
    public let index: PlacementIndex

    public var yearCount: Int { scenario.years.count }
    public var needCount: Int { scenario.needs.count }
    public var zoneCount: Int { scenario.zoneCount }
    public var ageCount: Int { scenario.ageCount }

    /// Builds the model. Throws only on an internal inconsistency (a bug), never on user input,
    /// which ``ScenarioDecoder`` has already checked.
    public init(scenario: Scenario, relax: Bool = false) throws(LinearProgramError) {
        try self.init(scenario: scenario, relax: relax, mutations: [])
    }

    /// Deliberate defects in the model builder, for the mutation test of the verifier: a model built
    /// with any of them still solves and verifies against itself, and only the independent check
    /// against the scenario (``ScenarioCheck``) can tell it is wrong.
    struct Mutations: OptionSet {
        let rawValue: Int
        /// Children placed do not stay: every leaving rate taken as 1.
        static let dropPersistence = Mutations(rawValue: 1 << 0)
        /// Placements count against capacity with the wrong sign.
        static let flipCapacitySign = Mutations(rawValue: 1 << 1)
        /// Placement costs halved in the objective.
        static let halveCosts = Mutations(rawValue: 1 << 2)
        /// Incumbents left out of the model.
        static let dropIncumbents = Mutations(rawValue: 1 << 3)
        static let all: [Mutations] = [.dropPersistence, .flipCapacitySign, .halveCosts, .dropIncumbents]
    }

    init(scenario: Scenario, relax: Bool, mutations: Mutations) throws(LinearProgramError) {
        self.scenario = scenario
        self.program = LinearProgram()
        index = PlacementIndex(scenario: scenario)
        var assembly = Assembly(scenario: scenario, index: index,
                                builder: LinearProgram.Builder(name: LinearProgram.fit(Self.sanitize(scenario.name.isEmpty ? "sufficiency" : scenario.name), number: 0)))
        assembly.mutations = mutations
        // One family at a time, in this order (it fixes the column and row numbers).
        addPlacementColumns(&assembly)
        addPlacementCosts(&assembly)
        demandRow = addDemandRows(&assembly)
        addOptionColumns(&assembly, relax: relax)
        capacityRow = addCapacityRows(&assembly)
        policyRows = addPolicyRows(&assembly)
        addOptionLogicRows(&assembly)
        addBudgetRows(&assembly)
        deficitRows = addDeficitRows(&assembly)
        rowConstant = assembly.rowConstant
        program = try assembly.finish()
    }

    /// An id as it appears in row and column names: letters, digits and `_ . / ( ) ! " $ & ; ? @
    /// { } | ' -` as they are; every other byte (space, `,`, `[`, `]`, `#`, `%`, `~`, anything
    /// outside ASCII) as `%XX`. The mapping is one to one, so distinct ids give distinct names, in
    /// GLPK and in the LP and MPS files it writes (its LP writer turns `-` into `~`, which no
    /// encoded id contains). Long names are shortened by ``LinearProgram`` (`…#number`).
    static func sanitize(_ id: String) -> String {
        var result = ""
        result.reserveCapacity(id.utf8.count)
        for byte in id.utf8 {
            if Self.keptInNames[Int(byte)] {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                result.unicodeScalars.append("%")
                result.unicodeScalars.append(hex[Int(byte >> 4)])
                result.unicodeScalars.append(hex[Int(byte & 15)])
            }
        }
        return result
    }

    private static let keptInNames: [Bool] = (0..<256).map { byte in
        guard byte < 0x80, let scalar = Unicode.Scalar(byte) else { return false }
        return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || "_./()!\"$&;?@{}|'-".unicodeScalars.contains(scalar)
    }

    /// Children placed, `x`, for each placement column, from a solution's column values (`y`).
    public func placementValues(_ columnValues: [Double]) -> [Double] {
        var placed = [Double](repeating: 0, count: placementCount)
        for column in 0..<min(placementCount, columnValues.count) {
            let previous = Int(placementPrevious[column]), younger = Int(placementYounger[column])
            placed[column] = columnValues[column] + placementIncumbents[column]
                + (previous >= 0 ? placementStay[column] * placed[previous] : 0)
                + (younger >= 0 ? placementAgeIn[column] * placed[younger] : 0)
        }
        return placed
    }

    static func children(_ value: Double) -> String {
        ReportText.children(value)
    }
}

/// What a solve reports (SPEC §4), ready to be formatted as a table, JSON, etc.
///
/// Money is in pounds; per-year figures are undiscounted (year-t money), the total cost is the
/// objective (a present value). Keys of the JSON form are stable; see README "JSON report".
public struct Report: Codable, Sendable, Equatable {
    public var format = "sufficiency-report/1"
    public var scenario: String
    /// `optimal`, `feasible`, `infeasible`, `unbounded`, `no solution in time`, `solver failure`.
    public var status: String
    /// The total cost (present value) when a solution exists.
    public var objective: Double?
    /// Why there is no solution, in a planner's words (infeasible scenarios), else empty.
    public var explanation: [String]
    /// What the reader should know about how far the run went (a time limit that cut the option
    /// comparisons short), else empty.
    public var notes: [String] = []
    public var years: [String]
    public var costs: Costs?
    public var placements: [PlacementLine]
    public var placementsByType: [TypeLine]
    public var settings: [SettingLine]
    public var unmet: [UnmetLine]
    public var options: [OptionLine]
    /// With capital options: budget available and used, spend by year.
    public var capital: CapitalSummary?
    public var policies: [PolicyLine]
    public var unusedPlacements: [UnusedPlacement]
    public var finance: [FinanceLine]
    public var zones: [ZoneLine]
    /// With age groups: children placed and unmet by group and year (empty without `ages`).
    public var ages: [AgeLine] = []
    /// With `capacityByAge`: places, children and utilisation of each capped group.
    public var ageCapacity: [AgeCapacityLine] = []
    /// Children who move up a group while their setting does not serve the new one (SPEC §2 Ages).
    public var phaseTransfers: [PhaseTransferLine] = []
    /// The best plan with no capital option opened, for the "with and without the programme" comparison.
    public var withoutOptions: Alternative?
    public var verification: VerificationReport
    public var solver: SolverStatistics
    /// The tool, the inputs and their SHA-256, every rate and default applied.
    public var provenance: Provenance?
    /// With futures: the plan over every future, each future's cost, and the measures of SPEC §3.
    public var robust: RobustSummary?

    public struct Costs: Codable, Sendable, Equatable {
        /// The objective: discounted sum of every year's total.
        public var presentValue: Double
        public var byYear: [YearCost]
    }

    public struct YearCost: Codable, Sendable, Equatable {
        public var year: String
        public var placements: Double
        public var transport: Double
        public var capitalCharge: Double
        public var unmetPenalty: Double
        public var total: Double
        public var discountFactor: Double
    }

    /// Children of one need in one setting, by year.
    public struct PlacementLine: Codable, Sendable, Equatable {
        public var need: String
        /// The age group, with `ages` (nil without).
        public var age: String?
        public var setting: String
        public var type: String
        public var children: [Double]
    }

    public struct AgeLine: Codable, Sendable, Equatable {
        public var age: String
        public var placed: [Double]
        public var unmet: [Double]
    }

    public struct AgeCapacityLine: Codable, Sendable, Equatable {
        public var setting: String
        public var age: String
        /// nil: no cap that year (or closed).
        public var capacity: [Double?]
        public var children: [Double]
        public var utilisation: [Double?]
    }

    /// Phase transfers into one group in one year, for one need: children whose setting does not
    /// serve the group they move up to, so they need a new placement.
    public struct PhaseTransferLine: Codable, Sendable, Equatable {
        public var year: String
        public var need: String
        public var fromAge: String
        public var toAge: String
        public var children: Double
        /// Average yearly cost (placement + transport, that year's money) of the places they leave.
        public var costOfPlaceLeft: Double
        /// Average yearly cost (placement + transport) of the group's new placements that year;
        /// nil when the plan starts none (the children moving up are then unmet).
        public var costOfNewPlace: Double?
        /// nil when there is no new place.
        public var newPlaceDearer: Bool?
    }

    public struct TypeLine: Codable, Sendable, Equatable {
        public var type: String
        public var children: [Double]
        public var cost: [Double]
    }

    public struct SettingLine: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var type: String
        public var outOfArea: Bool
        /// Places by year, options opened included; nil: unlimited or closed.
        public var capacity: [Double?]
        public var children: [Double]
        /// children ÷ capacity; nil when unlimited or closed.
        public var utilisation: [Double?]
        /// £ saved in that year by one more place (capacity dual ÷ δ_t); nil where no capacity row.
        public var marginalValue: [Double?]
    }

    public struct UnmetLine: Codable, Sendable, Equatable {
        public var need: String
        public var children: [Double]
        /// Of which: children no setting in the scenario can take at all (none serves or reaches them).
        public var noSuitableSetting: [Double]
    }

    public struct OptionLine: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var setting: String
        public var chosen: Bool
        /// Opening year when chosen.
        public var openingYear: String?
        /// Share built (1 for a whole option; a fraction for `fractional` or relaxed options).
        public var amount: Double
        public var places: Double
        public var capitalCost: Double
        /// For an option not chosen: how much more (present value) the best plan that opens it costs,
        /// i.e. the extra saving it would have needed to be chosen.
        public var savingNeeded: Double?
        /// For a chosen option: the average yearly spend it saves (placements, transport and the
        /// cost of unmet children at the dearest suitable place, undiscounted) against the best plan without it.
        public var yearlySaving: Double?
        /// For a chosen option: capital cost ÷ yearly saving (years); the capital of the options
        /// that require it is included when they are (see ``savingIncludes``).
        public var paybackYears: Double?
        /// Years between the decision and the opening.
        public var leadTimeYears: Int = 0
        /// For a chosen option: the year by which it must be decided (opening − lead time), or
        /// "N years before FIRST" when that lies before the horizon (a project already under way).
        public var decideBy: String?
        /// Chosen options that require this one: the saving and payback are of the group, as
        /// removing this option removes them too (SPEC §4), so nothing is credited twice unseen.
        public var savingIncludes: [String] = []
        /// How the saving or extra cost was worked out, or why it was not.
        public var comparison: String?
    }

    /// The capital programme against its budget.
    public struct CapitalSummary: Codable, Sendable, Equatable {
        /// `upfront` or `annualised` (how the capital charge enters the cost; cash is by opening year).
        public var accounting: String
        /// The total budget (nil: no limit).
        public var budget: Double?
        /// Capital cost of every option opened.
        public var used: Double
        /// budget − used (nil without a budget).
        public var left: Double?
        public var byYear: [CapitalYear]
    }

    public struct CapitalYear: Codable, Sendable, Equatable {
        public var year: String
        /// The year's budget (nil: no limit that year).
        public var budget: Double?
        /// Capital cost of the options opening that year.
        public var spend: Double
        /// Ids of the options opening that year.
        public var opening: [String]
    }

    public struct PolicyLine: Codable, Sendable, Equatable {
        public var policy: String
        public var year: String
        public var children: Double
        public var minimum: Double?
        public var maximum: Double?
        /// £ per child in that year's money the bound costs (dual ÷ δ_t); 0 when not binding.
        public var marginalValue: Double?
    }

    /// A placement the optimum does not use, and how far its cost would need to fall to be used.
    public struct UnusedPlacement: Codable, Sendable, Equatable {
        public var need: String
        public var setting: String
        public var year: String
        /// Reduced cost ÷ δ_t, £ per child per year (smallest over zones).
        public var reducedCost: Double
    }

    /// One year of the High Needs finance table, in the shape of a DSG management plan (SPEC §3):
    /// undiscounted, in that year's money. Positive in-year and cumulative figures are deficits.
    public struct FinanceLine: Codable, Sendable, Equatable {
        public var year: String
        /// The High Needs Block DSG allocation.
        public var grant: Double
        /// Other money into the block (a schools-block transfer, say).
        public var income: Double
        /// Placement fees, every setting type (transport not included).
        public var placementSpend: Double
        /// Placement fees by setting type, in the order of ``SettingType``: every type the scenario has.
        public var placementSpendByType: [TypeSpend]
        /// Home-to-school transport of the children placed.
        public var transport: Double
        /// Whether transport is paid from the High Needs Block (`finance.transport: highNeeds`);
        /// otherwise it is a General Fund line outside the deficit.
        public var transportInHighNeeds: Bool
        public var otherSpend: Double
        /// placementSpend (+ transport when in the block) + otherSpend.
        public var highNeedsSpend: Double
        /// Planned savings by name, and their total.
        public var mitigations: [MitigationAmount]
        public var mitigationsTotal: Double
        /// highNeedsSpend − mitigations − grant − income (positive: deficit).
        public var inYear: Double
        /// broughtForwardDeficit + Σ inYear.
        public var cumulative: Double
        /// Children left without a place this year.
        public var unmetChildren: Double
        /// Of which: children no setting in the scenario can take at all.
        public var noSuitableSetting: Double
        /// Unmet children at the dearest existing place that could take them (see `PlacementModel.unmetValue`).
        public var unmetCost: Double
        /// cumulative + Σ unmetCost to this year: the deficit if every child were placed.
        public var cumulativeIfAllPlaced: Double
        /// `finance.maxCumulativeDeficit`, the cap on ``cumulativeIfAllPlaced`` (nil: none).
        public var cap: Double?
        /// Whether the cap binds this year (the plan would be cheaper with more headroom).
        public var capBinds: Bool?
        /// What £1 more headroom under the cap this year would save (present value, £ per £).
        public var capMarginalValue: Double?
    }

    public struct TypeSpend: Codable, Sendable, Equatable {
        public var type: String
        public var spend: Double
    }

    public struct MitigationAmount: Codable, Sendable, Equatable {
        public var name: String
        public var amount: Double
    }

    /// Another plan solved for comparison.
    /// A plan over demand futures (SPEC §3 "Futures").
    public struct RobustSummary: Codable, Sendable, Equatable {
        /// `expected` or `regret`.
        public var objective: String
        /// How the plan was found (the extensive form's size).
        public var method: String
        /// The objective: the expected cost (RP) or the largest regret (R), £ present value.
        public var value: Double?
        /// RP: the plan's expected cost over the futures.
        public var expectedCost: Double?
        /// WS: Σ p_f × each future's own optimum.
        public var waitAndSee: Double?
        /// EEV: the expected cost of the mean future's best plan.
        public var meanFuturePlanCost: Double?
        /// EVPI = RP − WS.
        public var evpi: Double?
        /// VSS = EEV − RP (with `expected`).
        public var vss: Double?
        /// Why EEV (and VSS) is not defined, when it is not.
        public var eevNotDefined: String?
        /// The plan's cost with the scenario's own (top-level) demand; the report's costs, placements and finance are of it.
        public var ownDemandCost: Double? = nil
        /// The decomposition's bounds on the expected cost (nil for the extensive form).
        public var lowerBound: Double? = nil
        public var upperBound: Double? = nil
        public var futures: [FutureLine]
        /// The measures in a planner's words, one line each.
        public var sentences: [String]
        public var checks: [String]
        public var failures: [String]
    }

    public struct FutureLine: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var probability: Double
        /// The plan's cost in this future (£ present value, capital included).
        public var cost: Double
        /// This future's own best plan's cost (W_f).
        public var ownBest: Double
        /// cost − ownBest.
        public var regret: Double
        public var unmetChildren: [Double]
        public var cumulativeDeficit: [Double]
        /// Children in the places the plan adds, by year.
        public var newPlacesUsed: [Double]
    }

    public struct Alternative: Codable, Sendable, Equatable {
        public var status: String
        public var objective: Double?
        public var finance: [FinanceLine]
        /// Children left unplaced, by year (empty when the plan has no solution).
        public var unmetChildren: [Double]
        /// Children placed in independent settings, by year.
        public var independentChildren: [Double]
    }

    public struct ZoneLine: Codable, Sendable, Equatable {
        public var zone: String
        public var placed: [Double]
        public var unmet: [Double]
        public var transportCost: [Double]
        /// Average journey of the children placed, minutes, by year (nil when none placed).
        public var averageMinutes: [Double?]
        /// Longest journey of any child placed, minutes, by year.
        public var maxMinutes: [Double?]
    }

    public struct VerificationReport: Codable, Sendable, Equatable {
        public var passed: Bool
        public var summary: String
        /// Checks of the model (rows, bounds, integrality, objective, duals).
        public var model: Verification?
        /// Checks made directly against the scenario, independent of the model builder.
        public var scenarioChecks: [String]
        public var scenarioFailures: [String]
    }

    public struct SolverStatistics: Codable, Sendable, Equatable {
        public var glpk: String
        public var method: String
        public var rows: Int
        public var columns: Int
        public var nonzeros: Int
        public var integerColumns: Int
        public var iterations: Int
        public var nodes: Int
        public var mipGap: Double?
        public var buildSeconds: Double?
        public var solveSeconds: Double?
        public var verifySeconds: Double?

        /// The sizes of `program` and, when given, what the solve of it reported.
        init(program: LinearProgram, solution: Solution?, buildSeconds: Double? = nil) {
            glpk = SolverBackend.glpk.version
            method = solution?.method.rawValue ?? "none"
            rows = program.rowCount
            columns = program.columnCount
            nonzeros = program.nonzeroCount
            integerColumns = program.integerCount
            iterations = solution?.iterations ?? 0
            nodes = solution?.nodes ?? 0
            mipGap = solution?.mipGap
            self.buildSeconds = buildSeconds
            solveSeconds = solution?.solveSeconds
        }
    }

    /// The exit code of SPEC §5 for this outcome.
    public var exitCode: Int32 {
        switch status {
        case ModelStatus.optimal.rawValue, ModelStatus.feasible.rawValue: return verification.passed ? 0 : 3
        case ModelStatus.solverFailure.rawValue: return 70
        default: return 2
        }
    }

    /// Drops timings, so two runs give the same bytes.
    public mutating func removeTimings() {
        solver.buildSeconds = nil
        solver.solveSeconds = nil
        solver.verifySeconds = nil
        provenance?.runAt = nil
    }
}

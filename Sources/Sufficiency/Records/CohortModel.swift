import Foundation

/// The expected-value Markov cohort model `project` fits to a council's transitions (SPEC §8).
///
/// A state is (academic year a, need n, setting s). From each state a child, one year on, leaves
/// or is in some state (n′, s′) at academic year a + 1; the shares are the means of a Dirichlet
/// posterior: the state's own counts plus a prior of weight κ (``priorWeight``, one child by
/// default) spread as the whole academic year behaves — its leaving share ℓ_a, staying share σ_a
/// and moving share μ_a, the movers spread over where that year's movers went. A state seen once
/// is therefore neither 0 nor 1. Joiners at academic year a arrive at a Poisson rate λ_a whose
/// posterior under the uninformative Gamma(0, 0) prior has mean J_a / Y (per year, or per head of
/// population when given): a steady county stays steady, and an age where nobody joined gets
/// nobody. They are split over (n, s) by a Dirichlet posterior (counts + κ × the split of all
/// joiners). Everything is pooled over the fitted years.
public struct CohortModel: Sendable {
    /// The transitions' labelled needs and settings.
    public let needs: [String]
    public let settings: [String]
    /// Academic years modelled: the youngest in the records to the oldest a child can reach
    /// (the oldest in the records, or the valid-states maximum when later); children leave after the last.
    public let academicYears: ClosedRange<Int>
    /// The calendar years of the transitions the model was fitted to.
    public let fittedYears: ClosedRange<Int>
    public let priorWeight: Double
    /// Whether joiners are a rate per head of population.
    public let perHead: Bool
    /// Yearly growth of the joiner rate from the middle of the fitted years (0: pooled, no trend;
    /// see ``fittedJoinerGrowth``).
    public var joinerGrowth: Double = 0
    /// The fitted years' total joiners (per head when fitted so), for the trend.
    public let joinersByYear: [Int: Double]
    /// What the fit noticed and went on with (inconsistent valid states, joiners where the population is 0).
    public var warnings: [String] = []

    /// One outcome of a state: a destination (index n·S + s at a + 1) or ``leave``.
    struct Outcomes: Sendable {
        var targets: [Int]
        var alpha: [Double]
        var total: Double { alpha.reduce(0, +) }
    }
    /// Posterior parameters by academic year (a − lo) and origin (n·S + s).
    var outcomes: [[Outcomes]]
    /// Joiners' Poisson rate posterior Gamma(shape, rate) and split Dirichlet by academic year.
    var joinerShape: [Double]
    var joinerRate: [Double]
    var joinerSplit: [Outcomes]

    var cells: Int { needs.count * settings.count }
    var leave: Int { cells }

    public struct FitError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Fits the model to the rows of `records` whose calendar year is in `years`.
    public static func fit(_ records: TransitionRecords, years: ClosedRange<Int>, population: PopulationTable? = nil,
                           valid: ValidStates? = nil, priorWeight: Double = 1) throws(FitError) -> CohortModel {
        let rows = records.rows.filter { years.contains($0.calendarYear) }
        guard !rows.isEmpty else { throw FitError(description: "no transitions in calendar years \(years.lowerBound) to \(years.upperBound)") }
        let S = records.settings.count, NS = records.needs.count * S, leave = NS
        let ages = rows.flatMap { [$0.from?.academicYear, $0.to?.academicYear].compactMap { $0 } }
        let lo = records.rows.flatMap { [$0.from?.academicYear, $0.to?.academicYear].compactMap { $0 } }.min() ?? ages.min()!
        // The oldest year a child can reach: the valid states' last, else the oldest the records show (after it, everyone leaves).
        let hi = max(valid?.maxAcademicYear ?? 0, records.rows.flatMap { [$0.from?.academicYear, $0.to?.academicYear].compactMap { $0 } }.max() ?? ages.max()!)
        let A = hi - lo + 1
        func cell(_ s: TransitionRecords.State) -> Int { s.need * S + s.setting }
        func state(_ a: Int, _ j: Int) -> TransitionRecords.State { .init(academicYear: a, need: j / S, setting: j % S) }

        // Counts: by academic year and origin, the outcomes; pooled by academic year.
        var counts = [[Int: Double]](repeating: [:], count: A * NS)
        var pooledLeave = [Double](repeating: 0, count: A), pooledStay = pooledLeave, pooledMove = pooledLeave
        var moverTargets = [[Int: Double]](repeating: [:], count: A)
        var joiners = [[Int: Double]](repeating: [:], count: A)
        var joinersByYear = [Int: [Double]]()
        for row in rows {
            if let from = row.from {
                let a = from.academicYear - lo, i = cell(from)
                if let to = row.to {
                    let j = cell(to)
                    counts[a * NS + i][j, default: 0] += 1
                    if j == i { pooledStay[a] += 1 } else { pooledMove[a] += 1; moverTargets[a][j, default: 0] += 1 }
                } else {
                    counts[a * NS + i][leave, default: 0] += 1
                    pooledLeave[a] += 1
                }
            } else if let to = row.to {
                let a = to.academicYear - lo
                joiners[a][cell(to), default: 0] += 1
                joinersByYear[row.calendarYear, default: [Double](repeating: 0, count: A)][a] += 1
            }
        }
        let observed = (0..<A).filter { pooledLeave[$0] + pooledStay[$0] + pooledMove[$0] > 0 }
        guard !observed.isEmpty else {
            throw FitError(description: "the transitions follow no child in SEND from one census to the next (every row is a joiner): there is nothing to fit leaving and moving from")
        }
        /// The academic year whose pooled behaviour a year without observations borrows: the nearest (the younger on a tie).
        func nearest(_ a: Int) -> Int { observed.min { (abs($0 - a), $0) < (abs($1 - a), $1) }! }

        var outcomes = [[Outcomes]](repeating: [], count: A)
        for a in 0..<A {
            let p = nearest(a)
            let n = pooledLeave[p] + pooledStay[p] + pooledMove[p]
            let ell = (pooledLeave[p] + 0.5) / (n + 1)
            let sigma = (1 - ell) * (pooledStay[p] + 0.5) / (pooledStay[p] + pooledMove[p] + 1)
            let mu = 1 - ell - sigma
            let movers = moverTargets[p].values.reduce(0, +)
            var row: [Outcomes] = []
            row.reserveCapacity(NS)
            for i in 0..<NS {
                let origin = state(a + lo, i)
                var prior: [Int: Double] = [:]
                if a + lo < hi {
                    func allowed(_ j: Int) -> Bool {
                        guard let valid else { return true }
                        let target = state(a + lo + 1, j)
                        return valid.allows(target) && valid.allowsMove(from: origin.setting, to: target.setting)
                    }
                    prior[leave] = ell
                    if allowed(i) { prior[i, default: 0] += sigma }
                    if movers > 0 {
                        for (j, count) in moverTargets[p] where allowed(j) { prior[j, default: 0] += mu * count / movers }
                    } else if allowed(i) {
                        prior[i, default: 0] += mu
                    }
                } else {
                    prior[leave] = 1
                }
                // Summed in key order: a dictionary's own order changes from run to run, and the bands must not.
                let mass = prior.keys.sorted().reduce(0) { $0 + prior[$1]! }
                var alpha = counts[a * NS + i]
                for (k, share) in prior { alpha[k, default: 0] += priorWeight * share / mass }
                let targets = alpha.keys.sorted()
                row.append(Outcomes(targets: targets, alpha: targets.map { alpha[$0]! }))
            }
            outcomes[a] = row
        }

        // Joiners: the rate, and the split (counts plus κ × the split of all joiners at valid states).
        var shape = [Double](repeating: 0, count: A), rate = [Double](repeating: 0, count: A)
        var warnings: [String] = []
        if let valid {
            // Children the records hold in states the valid-states file does not allow: kept (the data win), and said.
            var outside = 0, example: TransitionRecords.State?
            for row in rows { for state in [row.from, row.to].compactMap({ $0 }) where !valid.allows(state) { outside += 1; if example == nil { example = state } } }
            if outside > 0, let e = example {
                warnings.append("\(outside) child-states in the transitions are not allowed by the valid-states file (the first: setting \(records.settings[e.setting]), need \(records.needs[e.need]), academic year \(e.academicYear)); their observed moves are kept, but no prior share goes to such states")
            }
        }
        let fitted = Array(Set(rows.map(\.calendarYear))).sorted()
        for a in 0..<A {
            shape[a] += joiners[a].values.reduce(0, +)
            if let population {
                var total = 0.0
                for c in fitted {
                    guard let p = population.value(year: c, academicYear: a + lo) else {
                        throw FitError(description: "\(population.file) has no row for calendar-year \(c), academic-year \(a + lo); joiner rates per head need every fitted year and academic year the transitions hold")
                    }
                    total += p
                }
                rate[a] = total
                if total == 0 && shape[a] > 0 {
                    warnings.append("\(population.file): \(Int(shape[a])) joiners at academic year \(a + lo) were seen but the population there is 0 in every fitted year; they are left out")
                    shape[a] = 0
                }
            } else {
                rate[a] = Double(fitted.count)
            }
        }
        var allJoiners: [Int: Double] = [:]
        for a in 0..<A { for (j, c) in joiners[a] { allJoiners[j, default: 0] += c } }
        var split: [Outcomes] = []
        for a in 0..<A {
            var prior: [Int: Double] = [:]
            let validHere = { (j: Int) in valid?.allows(state(a + lo, j)) ?? true }
            for (j, c) in allJoiners where validHere(j) { prior[j] = c }
            if prior.isEmpty {
                // No joiner seen anywhere at a valid state: spread over the states children are seen in at this age.
                for i in 0..<NS where validHere(i) && !counts[a * NS + i].isEmpty { prior[i] = 1 }
            }
            let mass = prior.keys.sorted().reduce(0) { $0 + prior[$1]! }
            var alpha = joiners[a]
            if mass > 0 { for (j, c) in prior { alpha[j, default: 0] += priorWeight * c / mass } }
            if alpha.isEmpty { shape[a] = 0 }  // nowhere a joiner of this age could go
            let targets = alpha.keys.sorted()
            split.append(Outcomes(targets: targets, alpha: targets.map { alpha[$0]! }))
        }
        var totals: [Int: Double] = [:]
        for c in fitted {
            let count = joinersByYear[c]?.reduce(0, +) ?? 0
            let heads = population.map { p in (lo...hi).reduce(0.0) { $0 + (p.value(year: c, academicYear: $1) ?? 0) } }
            totals[c] = heads.map { $0 > 0 ? count / $0 : 0 } ?? count
        }
        var model = CohortModel(needs: records.needs, settings: records.settings, academicYears: lo...hi, fittedYears: fitted.first!...fitted.last!,
                                priorWeight: priorWeight, perHead: population != nil, joinersByYear: totals, outcomes: outcomes,
                                joinerShape: shape, joinerRate: rate, joinerSplit: split)
        model.warnings = warnings
        return model
    }

    /// The yearly growth of joiners (per head when fitted so) over the fitted years: the slope of
    /// an ordinary least-squares line through log(joiners) by year, as a rate (e^slope − 1). Nil
    /// with fewer than two years, or a year without joiners.
    public var fittedJoinerGrowth: Double? {
        let points = joinersByYear.sorted { $0.key < $1.key }
        guard points.count >= 2, points.allSatisfy({ $0.value > 0 }) else { return nil }
        let xs = points.map { Double($0.key) }, ys = points.map { log($0.value) }
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        let sxx = xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        let sxy = zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        return exp(sxy / sxx) - 1
    }

    /// How joiners change from year to year: pooled (no trend), the fitted trend, or a given rate.
    public enum JoinerGrowth: Sendable, Equatable {
        case none, fitted
        case rate(Double)
    }

    /// Sets ``joinerGrowth`` by the rule; throws when `fitted` has no trend to fit.
    public mutating func apply(_ growth: JoinerGrowth) throws(FitError) {
        switch growth {
        case .none: joinerGrowth = 0
        case .rate(let g): joinerGrowth = g
        case .fitted:
            guard let g = fittedJoinerGrowth else { throw FitError(description: "--joiner-growth fitted needs joiners in at least two fitted years (each year some)") }
            joinerGrowth = g
        }
    }

    /// The trend factor for joiners in calendar year `c`: (1 + g)^(c − the middle of the fitted years).
    func trend(_ c: Int) -> Double {
        joinerGrowth == 0 ? 1 : pow(1 + joinerGrowth, Double(c) - Double(fittedYears.lowerBound + fittedYears.upperBound) / 2)
    }

    // MARK: Rates, for reports and tests

    /// The fitted (posterior mean) share of children in `state` who leave by the next census.
    public func leavingShare(_ state: TransitionRecords.State) -> Double {
        share(from: state, to: nil)
    }

    /// The fitted share of children in `from` who are in `to` (at the next academic year) next census; nil `to` is leaving.
    public func share(from: TransitionRecords.State, to: TransitionRecords.State?) -> Double {
        guard academicYears.contains(from.academicYear) else { return 1 }
        let o = outcomes[from.academicYear - academicYears.lowerBound][from.need * settings.count + from.setting]
        let k = to.map { $0.need * settings.count + $0.setting } ?? leave
        if let to, to.academicYear != from.academicYear + 1 { return 0 }
        guard let index = o.targets.firstIndex(of: k) else { return 0 }
        return o.alpha[index] / o.total
    }

    /// Expected joiners at `academicYear` over the year from census `calendarYear` (per head × population when fitted so).
    public func expectedJoiners(academicYear: Int, calendarYear: Int, population: PopulationTable?) -> Double {
        guard academicYears.contains(academicYear) else { return 0 }
        let a = academicYear - academicYears.lowerBound
        guard joinerShape[a] > 0, joinerRate[a] > 0 else { return 0 }
        let rate = joinerShape[a] / joinerRate[a] * trend(calendarYear)
        return perHead ? rate * (population?.value(year: calendarYear, academicYear: academicYear) ?? 0) : rate
    }

    // MARK: Projection

    /// Children by state at one census: index (a − lo)·NS + n·S + s.
    public struct Census: Sendable, Equatable {
        public var counts: [Double]
    }

    public func emptyCensus() -> Census { Census(counts: [Double](repeating: 0, count: academicYears.count * cells)) }

    /// The census of January `year` in the records: the later state of the rows of `year − 1`
    /// (or the earlier state of the rows of `year` when it opens the records).
    public func census(_ year: Int, in records: TransitionRecords) -> Census? {
        var census = emptyCensus()
        let lo = academicYears.lowerBound
        let later = records.rows.filter { $0.calendarYear == year - 1 }
        let rows = later.isEmpty ? records.rows.filter { $0.calendarYear == year } : later
        guard !rows.isEmpty else { return nil }
        for row in rows {
            guard let s = later.isEmpty ? row.from : row.to, academicYears.contains(s.academicYear) else { continue }
            census.counts[(s.academicYear - lo) * cells + s.need * settings.count + s.setting] += 1
        }
        return census
    }

    /// The expected census one year on from `census` (the census of January `calendarYear`).
    public func step(_ census: Census, calendarYear: Int, population: PopulationTable?) -> Census {
        var next = emptyCensus()
        let A = academicYears.count, lo = academicYears.lowerBound
        for a in 0..<A {
            for i in 0..<cells {
                let x = census.counts[a * cells + i]
                guard x > 0 else { continue }
                let o = outcomes[a][i], total = o.total
                for (k, j) in o.targets.enumerated() where j != leave {
                    next.counts[(a + 1) * cells + j] += x * o.alpha[k] / total
                }
            }
            let joiners = expectedJoiners(academicYear: a + lo, calendarYear: calendarYear, population: population)
            if joiners > 0 {
                let split = joinerSplit[a], total = split.total
                for (k, j) in split.targets.enumerated() { next.counts[a * cells + j] += joiners * split.alpha[k] / total }
            }
        }
        return next
    }

    /// One simulated census a year on: each state's children spread by a multinomial over its
    /// drawn shares, joiners a Poisson count over their drawn split.
    func simulatedStep(_ census: [Int], calendarYear: Int, population: PopulationTable?, draws: inout SimulationDraws, rng: inout SeededGenerator) -> [Int] {
        var next = [Int](repeating: 0, count: census.count)
        let A = academicYears.count, lo = academicYears.lowerBound
        for a in 0..<A {
            for i in 0..<cells {
                let x = census[a * cells + i]
                guard x > 0 else { continue }
                let o = outcomes[a][i]
                let shares = draws.shares(a * cells + i) { rng.dirichlet(o.alpha) }
                let spread = rng.multinomial(x, shares)
                for (k, j) in o.targets.enumerated() where j != leave && spread[k] > 0 { next[(a + 1) * cells + j] += spread[k] }
            }
            let split = joinerSplit[a]
            guard joinerShape[a] > 0, joinerRate[a] > 0, !split.targets.isEmpty else { continue }
            let rate = draws.joinerRate(a) { rng.gamma(shape: joinerShape[a]) / joinerRate[a] }
            let mean = (perHead ? rate * (population?.value(year: calendarYear, academicYear: a + lo) ?? 0) : rate) * trend(calendarYear)
            let count = rng.poisson(mean)
            guard count > 0 else { continue }
            let shares = draws.joinerShares(a) { rng.dirichlet(split.alpha) }
            for (k, n) in rng.multinomial(count, shares).enumerated() where n > 0 { next[a * cells + split.targets[k]] += n }
        }
        return next
    }
}

/// The rates one simulation draws from the posterior, once each, the first time they are needed
/// (the same rates hold in every year of the simulation).
struct SimulationDraws {
    private var outcome: [Int: [Double]] = [:]
    private var rate: [Int: Double] = [:]
    private var split: [Int: [Double]] = [:]

    mutating func shares(_ key: Int, draw: () -> [Double]) -> [Double] {
        if let known = outcome[key] { return known }
        let value = draw(); outcome[key] = value; return value
    }
    mutating func joinerRate(_ a: Int, draw: () -> Double) -> Double {
        if let known = rate[a] { return known }
        let value = draw(); rate[a] = value; return value
    }
    mutating func joinerShares(_ a: Int, draw: () -> [Double]) -> [Double] {
        if let known = split[a] { return known }
        let value = draw(); split[a] = value; return value
    }
}

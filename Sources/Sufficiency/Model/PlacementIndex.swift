/// The one place that knows how the model's keys are ordered. Every flat array of
/// ``PlacementModel`` and of the scenario is indexed through it, so adding a dimension (age, a
/// future) changes these functions and nothing that uses them.
public struct PlacementIndex: Sendable, Equatable {
    public let years: Int
    public let zones: Int
    public let needs: Int
    public let settings: Int
    /// Age groups (1 without `ages`).
    public let ages: Int

    public init(years: Int, zones: Int, needs: Int, settings: Int, ages: Int = 1) {
        self.years = years
        self.zones = zones
        self.needs = needs
        self.settings = settings
        self.ages = ages
    }

    public init(scenario: Scenario) {
        self.init(years: scenario.years.count, zones: scenario.zoneCount, needs: scenario.needs.count, settings: scenario.settings.count,
                  ages: scenario.ageCount)
    }

    /// (need, age group): a cohort, the unit demand is given in. Without ages, the need itself.
    public func cohort(need n: Int, age a: Int) -> Int { n * ages + a }
    public var cohorts: Int { needs * ages }
    /// The need and age group of a cohort.
    public func need(ofCohort c: Int) -> Int { c / ages }
    public func age(ofCohort c: Int) -> Int { c % ages }

    /// (year, zone, cohort): demand, unmet columns, demand rows — `Scenario.demand`'s own order.
    public func slot(year t: Int, zone z: Int, cohort c: Int) -> Int { (t * zones + z) * cohorts + c }
    public func slot(year t: Int, zone z: Int, need n: Int, age a: Int) -> Int { slot(year: t, zone: z, cohort: cohort(need: n, age: a)) }
    /// The number of (year, zone, cohort) slots.
    public var slotCount: Int { years * zones * cohorts }
    /// The slots of one year, in order.
    public func slots(year t: Int) -> Range<Int> { (t * zones * cohorts)..<((t + 1) * zones * cohorts) }
    /// The year, zone and cohort of a slot.
    public func year(ofSlot slot: Int) -> Int { slot / (zones * cohorts) }
    public func zone(ofSlot slot: Int) -> Int { (slot / cohorts) % zones }
    public func cohort(ofSlot slot: Int) -> Int { slot % cohorts }
    /// (year, zone, cohort, setting): a placement.
    public func placement(year t: Int, zone z: Int, cohort c: Int, setting s: Int) -> Int { slot(year: t, zone: z, cohort: c) * settings + s }
    /// (zone, setting, need): reach and transport, which do not depend on the year.
    public func journey(zone z: Int, setting s: Int, need n: Int) -> Int { (z * settings + s) * needs + n }
    public var journeyCount: Int { zones * settings * needs }
    /// (setting, year): capacity rows.
    public func settingYear(setting s: Int, year t: Int) -> Int { s * years + t }
    public var settingYearCount: Int { settings * years }
    /// (zone, setting): a travel entry.
    public func pair(zone z: Int, setting s: Int) -> Int { z * settings + s }
}

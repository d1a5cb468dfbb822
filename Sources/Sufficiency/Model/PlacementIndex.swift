/// The one place that knows how the model's keys are ordered. Every flat array of
/// ``PlacementModel`` and of the scenario is indexed through it, so adding a dimension (age, a
/// future) changes these functions and nothing that uses them.
public struct PlacementIndex: Sendable, Equatable {
    public let years: Int
    public let zones: Int
    public let needs: Int
    public let settings: Int

    public init(years: Int, zones: Int, needs: Int, settings: Int) {
        self.years = years
        self.zones = zones
        self.needs = needs
        self.settings = settings
    }

    public init(scenario: Scenario) {
        self.init(years: scenario.years.count, zones: scenario.zoneCount, needs: scenario.needs.count, settings: scenario.settings.count)
    }

    /// (year, zone, need): demand, unmet columns, demand rows — `Scenario.demand`'s own order.
    public func slot(year t: Int, zone z: Int, need n: Int) -> Int { (t * zones + z) * needs + n }
    /// The number of (year, zone, need) slots.
    public var slotCount: Int { years * zones * needs }
    /// The slots of one year, in order.
    public func slots(year t: Int) -> Range<Int> { (t * zones * needs)..<((t + 1) * zones * needs) }
    /// (year, zone, need, setting): a placement.
    public func placement(year t: Int, zone z: Int, need n: Int, setting s: Int) -> Int { slot(year: t, zone: z, need: n) * settings + s }
    /// (zone, setting, need): reach and transport, which do not depend on the year.
    public func journey(zone z: Int, setting s: Int, need n: Int) -> Int { (z * settings + s) * needs + n }
    public var journeyCount: Int { zones * settings * needs }
    /// (setting, year): capacity rows.
    public func settingYear(setting s: Int, year t: Int) -> Int { s * years + t }
    public var settingYearCount: Int { settings * years }
    /// (zone, setting): a travel entry.
    public func pair(zone z: Int, setting s: Int) -> Int { z * settings + s }
}

/// Which settings a zone's children can reach (SPEC §2 Zones), shared by the reader (incumbents
/// must be reachable) and the model (only reachable placements get a column).
enum Geography {
    /// Whether zone z reaches setting s for need n (SPEC §2 Zones), and at what transport cost.
    static func reach(zone z: Int, setting s: Int, need n: Int, settings: [Setting], travelByPair: [Int: TravelLink],
                      settingCount: Int, maxMinutes: [Double?]) -> (reachable: Bool, transport: Double, minutes: Double) {
        let setting = settings[s]
        let link = travelByPair[z * settingCount + s]
        let minutes: Double
        if setting.zone == nil || setting.zone == z {
            minutes = link?.minutes ?? 0
        } else {
            guard let link else { return (false, 0, 0) }
            minutes = link.minutes ?? 0
        }
        if let limit = maxMinutes[n], minutes > limit { return (false, 0, minutes) }
        return (true, link?.cost ?? setting.transportPerPlace, minutes)
    }
}

/// A camera's media-controller pipeline in its plan: the media line
/// (each pad's format) and the sensor modes tried, in order, with what
/// became of each, as the plan lists its other candidates.
public struct MediaPlan: Sendable, Codable, Equatable {
    /// One sensor mode (media bus code and size) tried.
    public struct Attempt: Sendable, Codable, Equatable, CustomStringConvertible {
        /// "SBGGR8_1X8/640x480".
        public var mode: String
        /// Whether the pipeline runs with it.
        public var chosen: Bool
        /// Why it was refused, or how it was taken ("as configured").
        public var reason: String?

        /// An attempt with these values.
        public init(mode: String, chosen: Bool, reason: String? = nil) {
            self.mode = mode
            self.chosen = chosen
            self.reason = reason
        }

        /// "SBGGR8_1X8/640x480: chosen", "RGB888_1X24/640x480: rejected:
        /// \"Debayer A\":0 took it as SRGGB8_1X8/640x480".
        public var description: String {
            "\(mode): \(chosen ? "chosen" : "rejected")" + (reason.map { (chosen ? " (" : ": ") + $0 + (chosen ? ")" : "") } ?? "")
        }
    }

    /// The media line ("media /dev/media2 (vimc): Sensor A :0 ...").
    public var pipeline: String
    /// The sensor modes in the order tried; the last is the one chosen.
    public var sensorModes: [Attempt]

    /// A media plan with these values.
    public init(pipeline: String, sensorModes: [Attempt]) {
        self.pipeline = pipeline
        self.sensorModes = sensorModes
    }
}

/// The copy path of a source: what it converted from and to, and what it did.
public struct CopyPathSummary: Sendable, Codable, Equatable {
    /// "YUYV 640x480 → XRGB8888 (libyuv)".
    public var path: String
    /// Frames converted, refused, bytes, CPU.
    public var statistics: CopyStatistics

    /// A summary of these values.
    package init(path: String, statistics: CopyStatistics) {
        self.path = path
        self.statistics = statistics
    }
}

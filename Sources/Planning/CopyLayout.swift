import Configuration
import KMS
import Platform

/// Where the copy path puts a frame in its display buffers when libyuv
/// scales it: buffers of `bufferWidth` x `bufferHeight` (a mode's size),
/// the frame scaled into `target` keeping its aspect ratio and centred,
/// the rest black.
public struct CopyLayout: Sendable, Equatable {
    /// The display buffers' width.
    public var bufferWidth: Int
    /// The display buffers' height.
    public var bufferHeight: Int
    /// The converted frame's rectangle in the buffer.
    public var target: PixelRectangle

    /// A layout with these values; no checks.
    package init(bufferWidth: Int, bufferHeight: Int, target: PixelRectangle) {
        self.bufferWidth = bufferWidth
        self.bufferHeight = bufferHeight
        self.target = target
    }

    /// A `width` x `height` frame fitted into a `bufferWidth` x
    /// `bufferHeight` buffer: as large as fits with the frame's aspect
    /// ratio (even sizes), centred, as ``LayoutPreset`` fits a camera into
    /// its cell.
    package static func fitting(width: Int, height: Int, into bufferWidth: Int, _ bufferHeight: Int) -> CopyLayout {
        let target = LayoutPreset.fit((width, height), in: PixelRectangle(x: 0, y: 0, width: bufferWidth, height: bufferHeight))
        return CopyLayout(bufferWidth: bufferWidth, bufferHeight: bufferHeight, target: target)
    }

    /// Where the frame goes, as plans and summaries say it: "1024x576 in
    /// 1024x768".
    public var targetDescription: String { "\(target.width)x\(target.height) in \(bufferWidth)x\(bufferHeight)" }
}

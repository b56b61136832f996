import Platform

/// Which part of a frame a plane reads (the source rectangle) and where on
/// the display it goes (the CRTC rectangle). When the two differ in size the
/// plane scales, which many planes (vkms's among them) cannot: the planner
/// offers scaled layouts only after unscaled ones, and TEST_ONLY decides.
public struct PlaneLayout: Sendable, Hashable, CustomStringConvertible {
    /// The part of the frame the plane reads, in frame pixels; committed as
    /// `SRC_X`/`SRC_Y`/`SRC_W`/`SRC_H` in 16.16 fixed point.
    public var source: PixelRectangle
    /// Where it goes on the display, in CRTC pixels (`CRTC_X`/`CRTC_Y`/
    /// `CRTC_W`/`CRTC_H`); the size of ``source`` unless the plane scales.
    public var destination: PixelRectangle

    /// A layout with these rectangles; no checks (``fitting(frameWidth:frameHeight:displayWidth:displayHeight:position:)``
    /// computes a valid one).
    package init(source: PixelRectangle, destination: PixelRectangle) {
        self.source = source
        self.destination = destination
    }

    /// Places a frame on a display without scaling. Along each axis:
    ///
    /// - a frame that fits is shown whole, centred, or at `position`;
    /// - a frame larger than the display is cropped to the display's size,
    ///   keeping its centre (or its top-left part when a position is given,
    ///   which then must be 0 for that axis to show anything more);
    /// - a frame at `position` that runs past the display's edge is cropped
    ///   at that edge.
    ///
    /// - Throws: `DisplayError.positionOutsideMode` for a position off the
    ///   display, `DisplayError.invalidFrameSize` for an empty frame.
    package static func fitting(
        frameWidth: Int, frameHeight: Int, displayWidth: Int, displayHeight: Int, position: PixelPoint? = nil
    ) throws(DisplayError) -> PlaneLayout {
        guard frameWidth > 0, frameHeight > 0 else {
            throw .invalidFrameSize(width: frameWidth, height: frameHeight)
        }
        if let position {
            guard position.x >= 0, position.y >= 0, position.x < displayWidth, position.y < displayHeight else {
                throw .positionOutsideMode(x: position.x, y: position.y, mode: "\(displayWidth)x\(displayHeight)")
            }
        }
        let horizontal = axis(frame: frameWidth, display: displayWidth, position: position?.x)
        let vertical = axis(frame: frameHeight, display: displayHeight, position: position?.y)
        return PlaneLayout(
            source: PixelRectangle(x: horizontal.sourceOffset, y: vertical.sourceOffset, width: horizontal.length, height: vertical.length),
            destination: PixelRectangle(x: horizontal.destinationOffset, y: vertical.destinationOffset, width: horizontal.length, height: vertical.length))
    }

    private static func axis(frame: Int, display: Int, position: Int?) -> (sourceOffset: Int, destinationOffset: Int, length: Int) {
        if let position {
            return (0, position, min(frame, display - position))
        }
        if frame <= display {
            return (0, (display - frame) / 2, frame)
        }
        return ((frame - display) / 2, 0, display)
    }

    /// Shows the whole frame as large as the display allows with its aspect
    /// ratio kept, centred (letterboxed or pillarboxed), up or down; the
    /// plane scales. Sizes are rounded to whole pixels.
    ///
    /// - Throws: `DisplayError.invalidFrameSize` for an empty frame.
    package static func scaledToFit(
        frameWidth: Int, frameHeight: Int, displayWidth: Int, displayHeight: Int
    ) throws(DisplayError) -> PlaneLayout {
        guard frameWidth > 0, frameHeight > 0 else {
            throw .invalidFrameSize(width: frameWidth, height: frameHeight)
        }
        // Compare the two aspect ratios exactly, in integers: the frame is
        // as wide as the display when it is relatively wider.
        let width: Int, height: Int
        if frameWidth * displayHeight >= frameHeight * displayWidth {
            width = displayWidth
            height = max(1, (frameHeight * displayWidth + frameWidth / 2) / frameWidth)
        } else {
            height = displayHeight
            width = max(1, (frameWidth * displayHeight + frameHeight / 2) / frameHeight)
        }
        return PlaneLayout(
            source: PixelRectangle(x: 0, y: 0, width: frameWidth, height: frameHeight),
            destination: PixelRectangle(x: (displayWidth - width) / 2, y: (displayHeight - height) / 2, width: width, height: height))
    }

    /// The layout with its destination moved by `region`'s origin (a
    /// layout computed for the region's size); unchanged for nil.
    package func offset(by region: PixelRectangle?) -> PlaneLayout {
        guard let region else { return self }
        var moved = self
        moved.destination.x += region.x
        moved.destination.y += region.y
        return moved
    }

    /// Whether the plane scales: the rectangles differ in size.
    public var isScaled: Bool {
        source.width != destination.width || source.height != destination.height
    }

    /// Whether the plane covers the whole display.
    public func coversDisplay(width: Int, height: Int) -> Bool {
        destination == PixelRectangle(x: 0, y: 0, width: width, height: height)
    }

    /// Both rectangles: `"src 640x480+0+0 -> crtc 640x480+192+144"`.
    public var description: String { "src \(source) -> crtc \(destination)" }
}

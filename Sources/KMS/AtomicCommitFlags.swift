import CDRM
import CKernelShim
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// How an atomic commit is carried out.
///
/// The corresponding constants are `DRM_MODE_PAGE_FLIP_EVENT` and
/// `DRM_MODE_ATOMIC_*` in drm_mode.h.
package struct AtomicCommitFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    package let rawValue: UInt32

    package init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Send a flip event (with the commit's user data) on the card's
    /// descriptor when the new state is on screen (`DRM_MODE_PAGE_FLIP_EVENT`).
    package static let pageFlipEvent = AtomicCommitFlags(rawValue: UInt32(DRM_MODE_PAGE_FLIP_EVENT))
    /// Check the request and apply nothing (`DRM_MODE_ATOMIC_TEST_ONLY`).
    package static let testOnly = AtomicCommitFlags(rawValue: UInt32(DRM_MODE_ATOMIC_TEST_ONLY))
    /// Return at once instead of waiting for the next vblank; EBUSY while an
    /// earlier commit is still pending (`DRM_MODE_ATOMIC_NONBLOCK`).
    package static let nonBlocking = AtomicCommitFlags(rawValue: UInt32(DRM_MODE_ATOMIC_NONBLOCK))
    /// Permit a full modeset (mode change, connector routing, CRTC on/off),
    /// which may blank the display (`DRM_MODE_ATOMIC_ALLOW_MODESET`).
    package static let allowModeset = AtomicCommitFlags(rawValue: UInt32(DRM_MODE_ATOMIC_ALLOW_MODESET))

    /// NONBLOCK|PAGE_FLIP_EVENT, the flags of every frame after the first,
    /// built once: an option-set array literal allocates an array each time
    /// it is evaluated (in debug builds), which the frame path must not.
    package static let pageFlip: AtomicCommitFlags = [.nonBlocking, .pageFlipEvent]

    package var description: String {
        var names: [String] = []
        if contains(.testOnly) { names.append("TEST_ONLY") }
        if contains(.nonBlocking) { names.append("NONBLOCK") }
        if contains(.pageFlipEvent) { names.append("PAGE_FLIP_EVENT") }
        if contains(.allowModeset) { names.append("ALLOW_MODESET") }
        return names.isEmpty ? "none" : names.joined(separator: "|")
    }
}

@testable import KMS
import Platform
import XCTest

/// The atomic request builder, checked without a device: the layout the
/// kernel reads, values, slots, and the property-name cache.
final class AtomicRequestTests: XCTestCase {
    let crtc = CrtcID(37)
    let plane = PlaneID(31)
    let connector = ConnectorID(40)

    func testPropertiesAreGroupedByObjectInTheOrderObjectsFirstAppear() {
        var request = AtomicRequest()
        request.set(crtc, PropertyID(20), to: 1)         // ACTIVE
        request.set(plane, PropertyID(10), to: 55)       // FB_ID
        request.set(crtc, PropertyID(21), to: 99)        // MODE_ID, joins the CRTC's group
        request.set(connector, PropertyID(30), to: 37)   // CRTC_ID
        request.set(plane, PropertyID(11), to: 37)       // CRTC_ID, joins the plane's group

        XCTAssertEqual(request.objectIDs, [37, 31, 40])
        XCTAssertEqual(request.propertyCounts, [2, 2, 1])
        XCTAssertEqual(request.propertyIDs, [20, 21, 10, 11, 30])
        XCTAssertEqual(request.values, [1, 99, 55, 37, 37])
        XCTAssertEqual(request.count, 5)
        XCTAssertEqual(request.value(of: crtc, PropertyID(21)), 99)
        XCTAssertEqual(request.value(of: plane, PropertyID(11)), 37)
        XCTAssertNil(request.value(of: connector, PropertyID(10)))
        XCTAssertEqual(
            request.description,
            "object 37 {20=1, 21=99}, object 31 {10=55, 11=37}, object 40 {30=37}")
    }

    func testSettingAPropertyAgainReplacesItsValue() {
        var request = AtomicRequest()
        let first = request.set(plane, PropertyID(10), to: 1)
        let second = request.set(plane, PropertyID(10), to: 2)
        XCTAssertEqual(first, second)
        XCTAssertEqual(request.count, 1)
        XCTAssertEqual(request.propertyCounts, [1])
        XCTAssertEqual(request[second], 2)
    }

    func testUpdatingASlotChangesOnlyThatValueAndKeepsTheStorage() throws {
        var request = AtomicRequest()
        request.set(crtc, PropertyID(20), to: 1)
        request.set(plane, PropertyID(10), to: 55)
        request.set(plane, PropertyID(11), to: 37)
        let slot = try XCTUnwrap(request.slot(of: plane, PropertyID(10)))
        let before = request.values.withUnsafeBufferPointer { $0.baseAddress }
        let objectsBefore = request.objectIDs
        let propertiesBefore = request.propertyIDs
        request.update(slot, to: 56)
        request.update(slot, to: 57)
        // The frame path writes into the existing array: same storage.
        XCTAssertEqual(request.values.withUnsafeBufferPointer { $0.baseAddress }, before)
        XCTAssertEqual(request.values, [1, 57, 37])
        XCTAssertEqual(request.objectIDs, objectsBefore)
        XCTAssertEqual(request.propertyIDs, propertiesBefore)
    }

    func testSlotsOfAnotherObjectDoNotExist() {
        var request = AtomicRequest()
        request.set(plane, PropertyID(10), to: 55)
        XCTAssertNil(request.slot(of: crtc, PropertyID(10)))
        XCTAssertNil(request.slot(of: plane, PropertyID(11)))
        XCTAssertTrue(AtomicRequest().isEmpty)
    }

    func testKernelArgumentPointsAtTheRequestsArrays() {
        var request = AtomicRequest()
        request.set(crtc, PropertyID(20), to: 1)
        request.set(plane, PropertyID(10), to: 55)
        request.set(crtc, PropertyID(21), to: 99)
        let flags: AtomicCommitFlags = [.nonBlocking, .pageFlipEvent]
        request.withKernelArgument(flags: flags, userData: 0x1_0000_0037) { argument in
            XCTAssertEqual(argument.flags, 0x201)
            XCTAssertEqual(argument.count_objs, 2)
            XCTAssertEqual(argument.reserved, 0)
            XCTAssertEqual(argument.user_data, 0x1_0000_0037)
            func array<T>(_ address: UInt64, _ count: Int, as type: T.Type) -> [T] {
                guard let pointer = UnsafePointer<T>(bitPattern: UInt(address)) else { return [] }
                return Array(UnsafeBufferPointer(start: pointer, count: count))
            }
            XCTAssertEqual(array(argument.objs_ptr, 2, as: UInt32.self), [37, 31])
            XCTAssertEqual(array(argument.count_props_ptr, 2, as: UInt32.self), [2, 1])
            XCTAssertEqual(array(argument.props_ptr, 3, as: UInt32.self), [20, 21, 10])
            XCTAssertEqual(array(argument.prop_values_ptr, 3, as: UInt64.self), [1, 99, 55])
        }
    }

    func testFlagsAreTheKernelsValues() {
        XCTAssertEqual(AtomicCommitFlags.pageFlipEvent.rawValue, 0x01)
        XCTAssertEqual(AtomicCommitFlags.testOnly.rawValue, 0x100)
        XCTAssertEqual(AtomicCommitFlags.nonBlocking.rawValue, 0x200)
        XCTAssertEqual(AtomicCommitFlags.allowModeset.rawValue, 0x400)
        XCTAssertEqual(([.testOnly, .allowModeset] as AtomicCommitFlags).description, "TEST_ONLY|ALLOW_MODESET")
        XCTAssertEqual(([.nonBlocking, .pageFlipEvent] as AtomicCommitFlags).description, "NONBLOCK|PAGE_FLIP_EVENT")
        XCTAssertEqual(AtomicCommitFlags().description, "none")
    }

    func testAtomicIoctlNumberMatchesTheKernelHeader() {
        // DRM_IOWR(0xBC, struct drm_mode_atomic): 56-byte argument, type 'd'.
        XCTAssertEqual(IoctlRequest.modeAtomic.number, 0xC038_64BC)
        XCTAssertEqual(IoctlRequest.modeAtomic.name, "DRM_IOCTL_MODE_ATOMIC")
    }

    func testNamesResolveThroughTheCacheOnce() throws {
        var cache = PropertyIDCache(device: "/dev/dri/card0")
        cache.add(plane, properties: ModeObjectProperties([
            ModeObjectProperty(id: PropertyID(10), name: "FB_ID", value: 33, kind: .object, isImmutable: false, isAtomicOnly: true),
            ModeObjectProperty(id: PropertyID(11), name: "CRTC_ID", value: 37, kind: .object, isImmutable: false, isAtomicOnly: true),
        ]))
        XCTAssertTrue(cache.contains(plane))
        XCTAssertFalse(cache.contains(crtc))
        XCTAssertEqual(try cache.id(of: "CRTC_ID", on: plane), PropertyID(11))
        XCTAssertEqual(try cache.loadedValue(of: "FB_ID", on: plane), 33)

        var request = AtomicRequest()
        let slot = try request.set(plane, "FB_ID", to: 56, using: cache)
        XCTAssertEqual(request.propertyIDs, [10])
        XCTAssertEqual(request[slot], 56)

        XCTAssertThrowsError(try request.set(plane, "SRC_X", to: 0, using: cache)) { error in
            XCTAssertEqual(error as? DisplayError, .missingProperty(object: "plane 31", name: "SRC_X", device: "/dev/dri/card0"))
            XCTAssertEqual((error as? DisplayError)?.description, "plane 31 on /dev/dri/card0 has no property SRC_X")
        }
        XCTAssertThrowsError(try request.set(crtc, "ACTIVE", to: 1, using: cache)) { error in
            XCTAssertEqual((error as? DisplayError)?.description, "CRTC 37 on /dev/dri/card0 has no property ACTIVE")
        }
        // A failed set leaves the request as it was.
        XCTAssertEqual(request.count, 1)
    }

    func testFlipUserDataCarriesPurposeAndTag() {
        let data = FlipPurpose.show.userData(tag: 57)
        XCTAssertEqual(data, 0x1_0000_0039)
        let (purpose, tag) = FlipPurpose.decode(data)
        XCTAssertEqual(purpose, .show)
        XCTAssertEqual(tag, 57)
        XCTAssertEqual(FlipPurpose.decode(FlipPurpose.snapshot.userData(tag: 3)).0, .snapshot)
        XCTAssertEqual(FlipPurpose.decode(FlipPurpose.show.userData(tag: UInt32.max)).tag, UInt32.max)
        // Someone else's user data (or none) is recognised as not ours.
        XCTAssertNil(FlipPurpose.decode(0x39).0)
        XCTAssertNil(FlipPurpose.decode(0xdead_0000_0039).0)
    }

    func testFlipTimestampsBecomeNanoseconds() {
        XCTAssertEqual(FlipEvent.nanoseconds(seconds: 12, microseconds: 345_678), 12_345_678_000)
        XCTAssertEqual(FlipEvent.nanoseconds(seconds: UInt32.max, microseconds: 999_999), UInt64(UInt32.max) * 1_000_000_000 + 999_999_000)
    }

    func testModeTimingsBecomeTheKernelsModeInfoUnchanged() {
        let timings = ModeTimings(
            pixelClockKilohertz: 65_000,
            horizontalDisplay: 1024, horizontalSyncStart: 1048, horizontalSyncEnd: 1184, horizontalTotal: 1344, horizontalSkew: 0,
            verticalDisplay: 768, verticalSyncStart: 771, verticalSyncEnd: 777, verticalTotal: 806, verticalScan: 0,
            kernelRefreshHertz: 60, flags: 0xa, type: 0x48, name: "1024x768")
        let info = timings.kernelModeInfo
        XCTAssertEqual(ModeTimings(info), timings)
        XCTAssertEqual(timings.modeBlobBytes.count, 68, "struct drm_mode_modeinfo is 68 bytes")
        // A name longer than the kernel's 32 bytes is cut, keeping the NUL.
        var long = timings
        long.name = String(repeating: "x", count: 40)
        XCTAssertEqual(ModeTimings(long.kernelModeInfo).name, String(repeating: "x", count: 31))
    }
}

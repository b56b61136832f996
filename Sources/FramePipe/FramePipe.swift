// The library an embedding program imports: `import FramePipe`.
//
// It re-exports the modules whose public API is the library's: the
// pipeline (FramePipeline, PipelineConfiguration, FrameRecord, statistics),
// the two device layers (for listing and inspecting cameras and displays)
// and Platform's typed errors. Internals (the buffer pool's mutators, the
// scheduler, atomic request building blocks, property caches, the kernel
// seam) have package access and are not part of it.
@_exported import KMS
@_exported import Pipeline
@_exported import Platform
@_exported import V4L2

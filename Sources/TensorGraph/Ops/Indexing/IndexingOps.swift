extension StandardOps {
  /// Indexing, gathers, scatters, segments and reshuffles (StridedSlice, GatherV2, ScatterNd, Where, Unique, SegmentSum, ReverseV2, MirrorPad, Roll, …): one family of the registry table, listed in all.
  static var indexingOps: [OpDef] {
    [
      stridedSlice, stridedSliceGrad, gatherV2, unsortedSegmentSum, unsortedSegmentMax, segmentSum, segmentMean,
      segmentMax,
    ]
  }
}

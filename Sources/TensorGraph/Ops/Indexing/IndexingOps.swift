extension StandardOps {
  /// Indexing, gathers, scatters and segments (StridedSlice, GatherV2, GatherNd, ScatterNd, TensorScatterUpdate, Where, Unique, SegmentSum, …): one family of the registry table, listed in all.
  static var indexingOps: [OpDef] {
    [
      stridedSlice, stridedSliceGrad, gatherV2, unsortedSegmentSum, unsortedSegmentMax, segmentSum, segmentMean,
      segmentMax, gatherNd, scatterNd, tensorScatterUpdate, tensorScatterAdd, tensorScatterSub, whereOp, unique,
    ]
  }
}

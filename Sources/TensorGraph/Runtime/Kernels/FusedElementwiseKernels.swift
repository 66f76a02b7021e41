// FusedElementwise: a chain of elementwise ops run as one loop. The output
// is computed block by block (1,024 elements: a few KB held in L1); within
// a block each instruction of the chain runs as one tight, vectorizable
// loop of its op's scalar function over the block, reading and writing
// small block-sized registers. Dispatch is per instruction per block,
// never per element, and no intermediate tensor is ever allocated.
//
// Operands that broadcast are handled as the original ops did: a scalar
// is read once, an input of the output's shape is read in place, any other
// broadcast input is gathered into a register per block. Instructions whose
// operands are all scalars run once per call, not per block.

// MARK: - The instruction set

/// The ops a fused chain can hold: every same-dtype float elementwise op.
enum FusedOpcode: UInt8, CaseIterable, Sendable {
  case neg, abs, square, sign, exp, log, sqrt, rsqrt, reciprocal
  case relu, relu6, elu, softplus, sigmoid, tanh
  case add, sub, mul, div, maximum, minimum, squaredDifference, pow
  case reluGrad, relu6Grad, eluGrad, softplusGrad, sigmoidGrad, tanhGrad, sqrtGrad, rsqrtGrad, reciprocalGrad

  /// The TensorFlow op name each code stands for.
  var opName: String {
    switch self {
    case .neg: return "Neg"
    case .abs: return "Abs"
    case .square: return "Square"
    case .sign: return "Sign"
    case .exp: return "Exp"
    case .log: return "Log"
    case .sqrt: return "Sqrt"
    case .rsqrt: return "Rsqrt"
    case .reciprocal: return "Reciprocal"
    case .relu: return "Relu"
    case .relu6: return "Relu6"
    case .elu: return "Elu"
    case .softplus: return "Softplus"
    case .sigmoid: return "Sigmoid"
    case .tanh: return "Tanh"
    case .add: return "AddV2"
    case .sub: return "Sub"
    case .mul: return "Mul"
    case .div: return "RealDiv"
    case .maximum: return "Maximum"
    case .minimum: return "Minimum"
    case .squaredDifference: return "SquaredDifference"
    case .pow: return "Pow"
    case .reluGrad: return "ReluGrad"
    case .relu6Grad: return "Relu6Grad"
    case .eluGrad: return "EluGrad"
    case .softplusGrad: return "SoftplusGrad"
    case .sigmoidGrad: return "SigmoidGrad"
    case .tanhGrad: return "TanhGrad"
    case .sqrtGrad: return "SqrtGrad"
    case .rsqrtGrad: return "RsqrtGrad"
    case .reciprocalGrad: return "ReciprocalGrad"
    }
  }

  /// The code for a TensorFlow op name.
  static let byName: [String: FusedOpcode] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.opName, $0) })

  /// Number of operands.
  var arity: Int { rawValue < FusedOpcode.add.rawValue ? 1 : 2 }

  /// Whether a binary op broadcasts (the gradient ops need equal shapes).
  var broadcasts: Bool { rawValue < FusedOpcode.reluGrad.rawValue }

  /// Flops charged per element, as the unfused ops' cost functions do.
  var flops: Double {
    switch self {
    case .exp, .log, .elu, .tanh, .pow, .eluGrad: return 20
    case .sigmoid, .softplusGrad: return 23
    case .softplus: return 40
    case .sqrt: return 4
    case .rsqrt: return 5
    case .reciprocal, .squaredDifference: return 2
    default: return 1
    }
  }
}

/// Runs instruction `op` over `n` elements: `out[i] = op(a[i], b[i])`,
/// where a scalar operand (`sa`, `sb`) is read once. The closures are
/// literals, so each case compiles to its own specialized loop.
@inline(never)
func runFusedInstruction<T: TensorFloatScalar>(
  _ op: FusedOpcode, _ a: UnsafePointer<T>, _ sa: Bool, _ b: UnsafePointer<T>, _ sb: Bool,
  _ out: UnsafeMutablePointer<T>, _ n: Int
) {
  @inline(__always) func unary(_ f: (T) -> T) {
    for i in 0..<n { out[i] = f(a[i]) }
  }
  @inline(__always) func binary(_ f: (T, T) -> T) {
    if sb {
      let y = b[0]
      for i in 0..<n { out[i] = f(a[i], y) }
    } else if sa {
      let x = a[0]
      for i in 0..<n { out[i] = f(x, b[i]) }
    } else {
      for i in 0..<n { out[i] = f(a[i], b[i]) }
    }
  }
  switch op {
  case .neg: unary { NegFunction.apply($0) }
  case .abs: unary { AbsFunction.apply($0) }
  case .square: unary { SquareFunction.apply($0) }
  case .sign: unary { SignFunction.apply($0) }
  case .exp: unary { ExpFunction.apply($0) }
  case .log: unary { LogFunction.apply($0) }
  case .sqrt: unary { SqrtFunction.apply($0) }
  case .rsqrt: unary { RsqrtFunction.apply($0) }
  case .reciprocal: unary { ReciprocalFunction.apply($0) }
  case .relu: unary { ReluFunction.apply($0) }
  case .relu6: unary { Relu6Function.apply($0) }
  case .elu: unary { EluFunction.apply($0) }
  case .softplus: unary { SoftplusFunction.apply($0) }
  case .sigmoid: unary { SigmoidFunction.apply($0) }
  case .tanh: unary { TanhFunction.apply($0) }
  case .add: binary { AddFunction.apply($0, $1) }
  case .sub: binary { SubFunction.apply($0, $1) }
  case .mul: binary { MulFunction.apply($0, $1) }
  case .div: binary { RealDivFunction.apply($0, $1) }
  case .maximum: binary { MaximumFunction.apply($0, $1) }
  case .minimum: binary { MinimumFunction.apply($0, $1) }
  case .squaredDifference: binary { SquaredDifferenceFunction.apply($0, $1) }
  case .pow: binary { PowFunction.apply($0, $1) }
  case .reluGrad: binary { ReluGradFunction.apply($0, $1) }
  case .relu6Grad: binary { Relu6GradFunction.apply($0, $1) }
  case .eluGrad: binary { EluGradFunction.apply($0, $1) }
  case .softplusGrad: binary { SoftplusGradFunction.apply($0, $1) }
  case .sigmoidGrad: binary { SigmoidGradFunction.apply($0, $1) }
  case .tanhGrad: binary { TanhGradFunction.apply($0, $1) }
  case .sqrtGrad: binary { SqrtGradFunction.apply($0, $1) }
  case .rsqrtGrad: binary { RsqrtGradFunction.apply($0, $1) }
  case .reciprocalGrad: binary { ReciprocalGradFunction.apply($0, $1) }
  }
}

// MARK: - The chain

/// A validated chain: instruction `j` applies `ops[j]` to `operands[j]`,
/// where operand `r < inputCount` is input `r` and `r ≥ inputCount` the
/// result of instruction `r − inputCount`; the last instruction's result
/// is the output.
struct FusedChain: Sendable {
  let inputCount: Int
  let ops: [FusedOpcode]
  let operands: [[Int]]

  /// Reads and checks the `ops`/`operands` attributes; the message says
  /// what is wrong.
  init(inputCount: Int, opNames: [String], operands flat: [Int]) throws(FusedChainProblem) {
    guard !opNames.isEmpty else { throw FusedChainProblem("the chain 'ops' is empty") }
    var ops: [FusedOpcode] = []
    var operands: [[Int]] = []
    var position = 0
    var used = [Bool](repeating: false, count: inputCount + opNames.count)
    for (j, name) in opNames.enumerated() {
      guard let op = FusedOpcode.byName[name] else {
        throw FusedChainProblem(
          "ops[\(j)] '\(name)' cannot be fused (fusable: \(FusedOpcode.allCases.map(\.opName).joined(separator: ", ")))")
      }
      guard position + op.arity <= flat.count else {
        throw FusedChainProblem("'operands' has \(flat.count) entries, too few for the ops (\(name) at ops[\(j)] needs \(op.arity))")
      }
      let args = Array(flat[position..<(position + op.arity)])
      for r in args {
        guard r >= 0, r < inputCount + j else {
          throw FusedChainProblem(
            "operand \(r) of ops[\(j)] (\(name)) names neither one of the \(inputCount) inputs nor an earlier instruction")
        }
        used[r] = true
      }
      position += op.arity
      ops.append(op)
      operands.append(args)
    }
    guard position == flat.count else {
      throw FusedChainProblem("'operands' has \(flat.count) entries but the ops take \(position)")
    }
    if let unused = used.dropLast().firstIndex(of: false) {
      throw FusedChainProblem(
        unused < inputCount
          ? "input \(unused) is not used by the chain" : "the result of ops[\(unused - inputCount)] is never used")
    }
    self.inputCount = inputCount
    self.ops = ops
    self.operands = operands
  }
}

/// Why a chain's attributes are invalid.
struct FusedChainProblem: Error {
  let message: String
  init(_ message: String) { self.message = message }
}

// MARK: - Per-shape plan

/// How one call runs, for one combination of input shapes: the output
/// shape, how each input is read, which instructions run once (scalars)
/// and which per block, and the registers they use.
final class FusedPlan: @unchecked Sendable {
  enum InputKind {
    case full
    case scalar
    case gathered(register: Int, dims: [Int], strides: [Int])
  }

  enum Operand {
    case input(Int)
    case register(Int)
    case scalar(Int)
  }

  struct Step {
    var op: FusedOpcode
    var a: Operand
    var b: Operand
    /// Destination register, or -1 for the output.
    var dest: Int
  }

  struct ScalarStep {
    var op: FusedOpcode
    var a: Int
    var b: Int
    var dest: Int
  }

  let inputShapes: [[Int]]
  let outputShape: [Int]
  let count: Int
  let inputs: [InputKind]
  /// Scalar slots: one per scalar input (filled at the call), then one per
  /// scalar instruction.
  let scalarInputSlots: [Int?]
  let scalarSlotCount: Int
  let scalarSteps: [ScalarStep]
  let steps: [Step]
  let registerCount: Int
  /// The slot holding the output when every instruction is scalar.
  let scalarOutput: Int?
  /// Vector instructions per element (sizes the thread split).
  var work: Int { max(1, steps.count) }

  /// Whether the last vector instruction reads input `k` directly.
  func lastStepReads(_ k: Int) -> Bool {
    guard let s = steps.last else { return false }
    for o in [s.a, s.b] { if case .input(let i) = o, i == k { return true } }
    return false
  }

  init(_ chain: FusedChain, shapes: [[Int]]) throws(FusedChainProblem) {
    inputShapes = shapes
    var regShapes = shapes
    for (j, op) in chain.ops.enumerated() {
      let a = regShapes[chain.operands[j][0]]
      if op.arity == 1 {
        regShapes.append(a)
        continue
      }
      let b = regShapes[chain.operands[j][1]]
      if op.broadcasts {
        guard let s = broadcastShapes(a, b) else {
          throw FusedChainProblem("incompatible shapes for broadcasting in ops[\(j)] (\(op.opName)): \(a) and \(b)")
        }
        regShapes.append(s)
      } else {
        guard a == b else {
          throw FusedChainProblem("ops[\(j)] (\(op.opName)) needs operands of the same shape, but they have shapes \(a) and \(b)")
        }
        regShapes.append(a)
      }
    }
    let n = chain.inputCount
    outputShape = regShapes.last!
    count = outputShape.reduce(1, *)
    let outputCount = count

    // Scalar values: inputs of one element, and instructions on scalars.
    var isScalar = regShapes.map { $0.reduce(1, *) == 1 }
    if count == 1 { isScalar = Array(repeating: true, count: isScalar.count) }
    var slot = [Int?](repeating: nil, count: regShapes.count)
    var slots = 0
    for k in 0..<n where isScalar[k] {
      slot[k] = slots
      slots += 1
    }
    scalarInputSlots = Array(slot[0..<n])
    var scalarSteps: [ScalarStep] = []
    for (j, op) in chain.ops.enumerated() {
      let args = chain.operands[j]
      guard args.allSatisfy({ isScalar[$0] }) else { continue }
      isScalar[n + j] = true
      slot[n + j] = slots
      scalarSteps.append(ScalarStep(op: op, a: slot[args[0]]!, b: slot[args.count > 1 ? args[1] : args[0]]!, dest: slots))
      slots += 1
    }
    self.scalarSteps = scalarSteps
    scalarSlotCount = slots
    scalarOutput = isScalar.last! ? slot.last! : nil

    // Registers: one per broadcast input for the whole block, then block
    // results reused once their last reader has run.
    var registers = 0
    var inputs: [InputKind] = []
    for k in 0..<n {
      let s = shapes[k], c = s.reduce(1, *)
      if isScalar[k] {
        inputs.append(.scalar)
      } else if c == outputCount {
        inputs.append(.full)
      } else {
        let (dims, strides) = FusedPlan.gatherPattern(s, outputShape)
        inputs.append(.gathered(register: registers, dims: dims, strides: strides))
        registers += 1
      }
    }
    self.inputs = inputs
    var lastUse = [Int](repeating: -1, count: regShapes.count)
    for (j, args) in chain.operands.enumerated() { for r in args { lastUse[r] = j } }
    var registerOf = [Int](repeating: -1, count: regShapes.count)
    var free: [Int] = []
    var steps: [Step] = []
    func operand(_ r: Int) -> Operand {
      if let s = slot[r] { return .scalar(s) }
      if r < n {
        if case .gathered(let g, _, _) = inputs[r] { return .register(g) }
        return .input(r)
      }
      return .register(registerOf[r])
    }
    let last = chain.ops.count - 1
    for (j, op) in chain.ops.enumerated() where !isScalar[n + j] {
      let args = chain.operands[j]
      let a = operand(args[0]), b = operand(args.count > 1 ? args[1] : args[0])
      // The destination is never an operand's register: loops over
      // distinct buffers vectorize, loops writing over their input do not.
      var dest = -1
      if j != last {
        if let r = free.popLast() {
          dest = r
        } else {
          dest = registers
          registers += 1
        }
        registerOf[n + j] = dest
      }
      for r in Set(args) where r >= n && lastUse[r] == j && registerOf[r] >= 0 { free.append(registerOf[r]) }
      steps.append(Step(op: op, a: a, b: b, dest: dest))
    }
    self.steps = steps
    registerCount = registers
  }

  /// The dimensions of `output` (size-1 ones dropped, contiguous runs
  /// merged) and the element strides of `input` broadcast to it (0 where
  /// it repeats).
  static func gatherPattern(_ input: [Int], _ output: [Int]) -> (dims: [Int], strides: [Int]) {
    let r = output.count
    let padded = Array(repeating: 1, count: r - input.count) + input
    var strides = [Int](repeating: 0, count: r)
    var acc = 1
    for d in stride(from: r - 1, through: 0, by: -1) {
      strides[d] = padded[d] == 1 ? 0 : acc
      acc *= padded[d]
    }
    var dims: [Int] = [], st: [Int] = []
    for d in 0..<r where output[d] != 1 {
      if let last = dims.last, st.last! == strides[d] * output[d] {
        dims[dims.count - 1] = last * output[d]
        st[st.count - 1] = strides[d]
      } else {
        dims.append(output[d])
        st.append(strides[d])
      }
    }
    if dims.isEmpty { return ([1], [0]) }
    return (dims, st)
  }
}

/// Copies the `len` elements of a broadcast input that line up with output
/// elements `start..<start + len` into `dst`.
@inline(__always)
func gatherBroadcast<T>(
  _ src: UnsafePointer<T>, dims: [Int], strides: [Int], start: Int, len: Int, into dst: UnsafeMutablePointer<T>
) {
  let rank = dims.count
  withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { index in
    var rem = start, offset = 0
    for d in stride(from: rank - 1, through: 0, by: -1) {
      index[d] = rem % dims[d]
      rem /= dims[d]
      offset += index[d] * strides[d]
    }
    let inner = dims[rank - 1], step = strides[rank - 1]
    var i = 0
    while i < len {
      let run = min(inner - index[rank - 1], len - i)
      let p = src + offset, q = dst + i
      if step == 1 {
        q.update(from: p, count: run)
      } else if step == 0 {
        q.update(repeating: p[0], count: run)
      } else {
        for t in 0..<run { q[t] = p[t * step] }
      }
      i += run
      offset += run * step
      index[rank - 1] += run
      if index[rank - 1] == inner {
        index[rank - 1] = 0
        offset -= inner * step
        var d = rank - 2
        while d >= 0 {
          index[d] += 1
          offset += strides[d]
          if index[d] < dims[d] { break }
          offset -= strides[d] * dims[d]
          index[d] = 0
          d -= 1
        }
      }
    }
  }
}

// MARK: - Kernel

/// Elements per block: 1,024 (4 KB of float32 per register), so a chain's
/// registers stay in L1.
let fusedBlockSize = 1024

let fusedElementwiseKernel: KernelFactory = { b in
  let chain: FusedChain
  do {
    chain = try FusedChain(inputCount: b.int("N"), opNames: b.strings("ops"), operands: b.ints("operands"))
  } catch let e as FusedChainProblem {
    throw b.node.error(.invalidArgument, e.message)
  }
  // The plan of the last input shapes, reused while they repeat.
  let cache = Locked<FusedPlan?>(nil)
  @Sendable func plan(_ shapes: [[Int]]) throws(FusedChainProblem) -> FusedPlan {
    if let p = cache.withLock({ $0 }), p.inputShapes == shapes { return p }
    let p = try FusedPlan(chain, shapes: shapes)
    cache.withLock { $0 = p }
    return p
  }
  func make<T: TensorFloatScalar>(_: T.Type) -> KernelFunction {
    { ctx in
      let n = ctx.inputCount
      var values: [Tensor] = []
      values.reserveCapacity(n)
      for k in 0..<n { values.append(ctx.consumeInput(k)) }
      let p: FusedPlan
      do {
        p = try plan(values.map(\.shape))
      } catch let e as FusedChainProblem {
        throw ctx.error(.shapeMismatch, e.message)
      }
      // Write in place into a dying input of the output's shape — one the
      // last instruction does not read, so that its loop vectorizes.
      var out: Tensor?
      for k in 0..<n where !p.lastStepReads(k) {
        if case .full = p.inputs[k], let t = ctx.reusing(&values[k], dtype: T.dtype, shape: p.outputShape) {
          out = t
          break
        }
      }
      let output = out ?? ctx.allocateOutput(0, dtype: T.dtype, shape: p.outputShape)
      let po = output.unsafeMutablePointer(as: T.self)
      let pointers = values.map { $0.unsafePointer(as: T.self) }
      withUnsafeTemporaryAllocation(of: T.self, capacity: max(1, p.scalarSlotCount)) { buffer in
        let slots = buffer.baseAddress!
        for k in 0..<n { if let s = p.scalarInputSlots[k] { slots[s] = pointers[k][0] } }
        for s in p.scalarSteps {
          runFusedInstruction(s.op, UnsafePointer(slots + s.a), true, UnsafePointer(slots + s.b), true, slots + s.dest, 1)
        }
        if let s = p.scalarOutput {
          for i in 0..<p.count { po[i] = slots[s] }
          return
        }
        let scalars = UnsafePointer(slots)
        let grain = max(fusedBlockSize, elementwiseGrain / p.work)
        ctx.forEachChunk(count: p.count, grain: grain) { range in
          runFusedBlocks(p, pointers, scalars, po, range)
        }
      }
      withExtendedLifetime(values) { ctx.setOutput(0, output) }
    }
  }
  switch b.inputs.first?.dtype {
  case .float32: return make(Float.self)
  case .float64: return make(Double.self)
  default: throw b.unsupported()
  }
}

/// Runs the plan's vector instructions over output elements `range`, block
/// by block.
@inline(__always)
func runFusedBlocks<T: TensorFloatScalar>(
  _ p: FusedPlan, _ inputs: [UnsafePointer<T>], _ scalars: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
  _ range: Range<Int>
) {
  let block = fusedBlockSize
  withUnsafeTemporaryAllocation(of: T.self, capacity: max(1, p.registerCount * block)) { scratch in
    let registers = scratch.baseAddress!
    p.steps.withUnsafeBufferPointer { steps in
      var start = range.lowerBound
      while start < range.upperBound {
        let len = min(block, range.upperBound - start)
        for (k, kind) in p.inputs.enumerated() {
          if case .gathered(let r, let dims, let strides) = kind {
            gatherBroadcast(inputs[k], dims: dims, strides: strides, start: start, len: len, into: registers + r * block)
          }
        }
        @inline(__always) func pointer(_ o: FusedPlan.Operand) -> (UnsafePointer<T>, Bool) {
          switch o {
          case .input(let k): return (inputs[k] + start, false)
          case .register(let r): return (UnsafePointer(registers + r * block), false)
          case .scalar(let s): return (scalars + s, true)
          }
        }
        for s in steps {
          let (a, sa) = pointer(s.a), (b, sb) = pointer(s.b)
          let dest = s.dest < 0 ? out + start : registers + s.dest * block
          runFusedInstruction(s.op, a, sa, b, sb, dest, len)
        }
        start += len
      }
    }
  }
}

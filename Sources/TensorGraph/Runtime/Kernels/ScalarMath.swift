import RealModule

// Scalar functions the elementwise kernels use in place of slow C library
// paths, measured on glibc: `sqrtf` of a negative number takes the errno
// path (20× slower, and blocks vectorization), and `expm1f`, `log1pf` and
// `tanhf` cost 4–5× `expf`/`logf`. Each rewrite below uses only `exp`,
// `log` and `sqrt` of arguments where they are fast, and keeps the result
// within a few ulps.

/// `√x` with IEEE results (`√-0 = -0`, NaN for `x < 0`), computed as
/// `√|x|`: an operand the compiler knows is not negative lets it drop the
/// errno call and vectorize.
@inlinable @inline(__always)
func ieeeSquareRoot<T: TensorFloatScalar>(_ x: T) -> T {
  let r = x.magnitude.squareRoot()
  return x < 0 ? .nan : T(signOf: x, magnitudeOf: r)
}

/// `eˣ - 1`, accurate near 0, by Kahan's correction (Higham, *Accuracy and
/// Stability of Numerical Algorithms*, §1.14.1): with `u = eˣ`, `(u - 1)·x
/// / log u` cancels the rounding error of `u`. Away from 0 (`|x| > ln 2`)
/// `u - 1` has no cancellation and is used as is.
@inlinable @inline(__always)
func accurateExpMinusOne<T: TensorFloatScalar>(_ x: T) -> T {
  let u = T.exp(x)
  if x.magnitude > 0.693_147_180_559_945_3 { return u - 1 }
  if u == 1 { return x }
  return (u - 1) * (x / T.log(u))
}

/// `log(1 + y)`, accurate for small `y`, by the same correction
/// (Goldberg, *What Every Computer Scientist Should Know About
/// Floating-Point Arithmetic*, Theorem 4): with `u = 1 + y` rounded,
/// `log u · y / (u - 1)` cancels the rounding error of `u`.
@inlinable @inline(__always)
func accurateLogOnePlus<T: TensorFloatScalar>(_ y: T) -> T {
  let u = 1 + y
  if u == 1 { return y }
  return T.log(u) * (y / (u - 1))
}

/// `tanh x` through one exponential: `1 - 2 / (e^2|x| + 1)` where the
/// result is at least 1/2 (`|x| ≥ ln 3 / 2`), so the subtraction loses
/// nothing; `expm1(2|x|) / (expm1(2|x|) + 2)` below. The sign is restored
/// last; `e^2|x|` overflowing to inf gives exactly ±1, and NaN stays NaN.
@inlinable @inline(__always)
func tanhThroughExp<T: TensorFloatScalar>(_ x: T) -> T {
  let a = x.magnitude
  let t: T
  if a >= 0.549_306_144_334_054_8 {
    t = 1 - 2 / (T.exp(2 * a) + 1)
  } else {
    let e = accurateExpMinusOne(2 * a)
    t = e / (e + 2)
  }
  return T(signOf: x, magnitudeOf: t)
}

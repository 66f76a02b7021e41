extension Initializer {
  /// Keras's serialized form: `{"class_name": "GlorotUniform", "config": {"seed": null}}`.
  public var config: ConfigValue {
    func object(_ className: String, _ config: [String: ConfigValue] = [:]) -> ConfigValue {
      .object(["class_name": .string(className), "config": .object(config)])
    }
    let noSeed: [String: ConfigValue] = ["seed": .null]
    switch self {
    case .zeros: return object("Zeros")
    case .ones: return object("Ones")
    case .constant(let v): return object("Constant", ["value": .double(v)])
    case .glorotUniform: return object("GlorotUniform", noSeed)
    case .glorotNormal: return object("GlorotNormal", noSeed)
    case .heUniform: return object("HeUniform", noSeed)
    case .heNormal: return object("HeNormal", noSeed)
    case .lecunUniform: return object("LecunUniform", noSeed)
    case .lecunNormal: return object("LecunNormal", noSeed)
    case .randomUniform(let lo, let hi):
      return object("RandomUniform", ["minval": .double(lo), "maxval": .double(hi), "seed": .null])
    case .randomNormal(let m, let s):
      return object("RandomNormal", ["mean": .double(m), "stddev": .double(s), "seed": .null])
    case .truncatedNormal(let m, let s):
      return object("TruncatedNormal", ["mean": .double(m), "stddev": .double(s), "seed": .null])
    }
  }

  /// Reads Keras's serialized form, or an identifier string (`"he_normal"`).
  public init(config: ConfigValue) throws {
    if let name = config.stringValue {
      guard let i = Initializer(name: name) else {
        throw unknownNameError(
          "initializer", name,
          known: ["zeros", "ones", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
                  "lecun_normal", "random_uniform", "random_normal", "truncated_normal"])
      }
      self = i
      return
    }
    let r = ConfigReader(config, context: "initializer")
    let className = try r.string("class_name")
    let c = ConfigReader(config["config"] ?? .object([:]), context: "initializer \(className)")
    switch className {
    case "Zeros": self = .zeros
    case "Ones": self = .ones
    case "Constant": self = .constant(try c.double("value"))
    case "GlorotUniform": self = .glorotUniform
    case "GlorotNormal": self = .glorotNormal
    case "HeUniform": self = .heUniform
    case "HeNormal": self = .heNormal
    case "LecunUniform": self = .lecunUniform
    case "LecunNormal": self = .lecunNormal
    case "RandomUniform": self = .randomUniform(minval: try c.double("minval"), maxval: try c.double("maxval"))
    case "RandomNormal": self = .randomNormal(mean: try c.double("mean"), stddev: try c.double("stddev"))
    case "TruncatedNormal": self = .truncatedNormal(mean: try c.double("mean"), stddev: try c.double("stddev"))
    default:
      throw unknownNameError(
        "initializer class", className,
        known: ["Zeros", "Ones", "Constant", "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform",
                "LecunNormal", "RandomUniform", "RandomNormal", "TruncatedNormal"])
    }
  }
}

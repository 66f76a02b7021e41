// Keras 2 reference output (tf_keras 2.21), from /work/keras2-reference-output.txt
// produced by /work/keras2-reference-script.py.

enum KerasReference {
  /// The CIFAR-10 MLP as a Sequential model.
  static let cifarSequential: [String] = [
    "Model: \"sequential\"",
    "_________________________________________________________________",
    " Layer (type)                Output Shape              Param #   ",
    "=================================================================",
    " flatten (Flatten)           (None, 3072)              0         ",
    "                                                                 ",
    " dense (Dense)               (None, 200)               614600    ",
    "                                                                 ",
    " dense_1 (Dense)             (None, 150)               30150     ",
    "                                                                 ",
    " dense_2 (Dense)             (None, 10)                1510      ",
    "                                                                 ",
    "=================================================================",
    "Total params: 646260 (2.47 MB)",
    "Trainable params: 646260 (2.47 MB)",
    "Non-trainable params: 0 (0.00 Byte)",
    "_________________________________________________________________",
  ]

  /// The same model with the functional API (built after the Sequential one).
  static let cifarFunctional: [String] = [
    "Model: \"model\"",
    "_________________________________________________________________",
    " Layer (type)                Output Shape              Param #   ",
    "=================================================================",
    " input_1 (InputLayer)        [(None, 32, 32, 3)]       0         ",
    "                                                                 ",
    " flatten_1 (Flatten)         (None, 3072)              0         ",
    "                                                                 ",
    " dense_3 (Dense)             (None, 200)               614600    ",
    "                                                                 ",
    " dense_4 (Dense)             (None, 150)               30150     ",
    "                                                                 ",
    " dense_5 (Dense)             (None, 10)                1510      ",
    "                                                                 ",
    "=================================================================",
    "Total params: 646260 (2.47 MB)",
    "Trainable params: 646260 (2.47 MB)",
    "Non-trainable params: 0 (0.00 Byte)",
    "_________________________________________________________________",
  ]

  /// The branching functional model (Add, Concatenate) with "Connected to".
  static let branching: [String] = [
    "Model: \"model_1\"",
    "__________________________________________________________________________________________________",
    " Layer (type)                Output Shape                 Param #   Connected to                  ",
    "==================================================================================================",
    " input_2 (InputLayer)        [(None, 4)]                  0         []                            ",
    "                                                                                                  ",
    " dense_6 (Dense)             (None, 3)                    15        ['input_2[0][0]']             ",
    "                                                                                                  ",
    " dense_7 (Dense)             (None, 3)                    15        ['input_2[0][0]']             ",
    "                                                                                                  ",
    " add (Add)                   (None, 3)                    0         ['dense_6[0][0]',             ",
    "                                                                     'dense_7[0][0]']             ",
    "                                                                                                  ",
    " concatenate (Concatenate)   (None, 6)                    0         ['add[0][0]',                 ",
    "                                                                     'dense_6[0][0]']             ",
    "                                                                                                  ",
    "==================================================================================================",
    "Total params: 30 (120.00 Byte)",
    "Trainable params: 30 (120.00 Byte)",
    "Non-trainable params: 0 (0.00 Byte)",
    "__________________________________________________________________________________________________",
  ]

  /// The raw progress output of the reference fit/evaluate/predict calls,
  /// line by line (each ends with "\n" in the output).
  static let progressLines: [String] = [
    "Epoch 1/2",
    "\r1/8 [==>...........................] - ETA: 2s - loss: 2.5122 - accuracy: 0.1250" + backspaces(80) + "\r8/8 [==============================] - 1s 22ms/step - loss: 2.6557 - accuracy: 0.1055 - val_loss: 2.3193 - val_accuracy: 0.1250",
    "Epoch 2/2",
    "\r1/8 [==>...........................] - ETA: 0s - loss: 2.2150 - accuracy: 0.1250" + backspaces(80) + "\r8/8 [==============================] - 0s 8ms/step - loss: 2.3840 - accuracy: 0.1367 - val_loss: 2.3988 - val_accuracy: 0.0938",
    "10/10 - 0s - loss: 2.2782 - accuracy: 0.1875 - 45ms/epoch - 5ms/step",
    "\r 1/10 [==>...........................] - ETA: 0s - loss: 2.1263 - accuracy: 0.2500" + backspaces(82) + "\r10/10 [==============================] - 0s 2ms/step - loss: 2.1474 - accuracy: 0.2125",
    "\r1/1 [==============================] - ETA: 0s" + backspaces(46) + "\r1/1 [==============================] - 0s 55ms/step",
  ]

  static func backspaces(_ n: Int) -> String { String(repeating: "\u{8}", count: n) }
}

/// More tf_keras 2.21 summaries (printed by the scripts quoted with each).
enum KerasReferenceMore {
  /// `Sequential([Flatten(input_shape=(28,28)), Dense(128, "relu"), Dropout(0.2), Dense(10)])`
  static let quickstart: [String] = [
    "Model: \"sequential\"",
    "_________________________________________________________________",
    " Layer (type)                Output Shape              Param #   ",
    "=================================================================",
    " flatten (Flatten)           (None, 784)               0         ",
    "                                                                 ",
    " dense (Dense)               (None, 128)               100480    ",
    "                                                                 ",
    " dropout (Dropout)           (None, 128)               0         ",
    "                                                                 ",
    " dense_1 (Dense)             (None, 10)                1290      ",
    "                                                                 ",
    "=================================================================",
    "Total params: 101770 (397.54 KB)",
    "Trainable params: 101770 (397.54 KB)",
    "Non-trainable params: 0 (0.00 Byte)",
    "_________________________________________________________________",
  ]

  /// `Sequential([model, Softmax()])` on the quickstart model.
  static let probability: [String] = [
    "Model: \"sequential_1\"",
    "_________________________________________________________________",
    " Layer (type)                Output Shape              Param #   ",
    "=================================================================",
    " sequential (Sequential)     (None, 10)                101770    ",
    "                                                                 ",
    " softmax (Softmax)           (None, 10)                0         ",
    "                                                                 ",
    "=================================================================",
    "Total params: 101770 (397.54 KB)",
    "Trainable params: 101770 (397.54 KB)",
    "Non-trainable params: 0 (0.00 Byte)",
    "_________________________________________________________________",
  ]

  /// A functional model calling a functional model, then branching into two Dense layers merged by Add (`Model: "model_1"`; the inner model is `model`, its Dense is `dense`).
  static let nestedFunctional: [String] = [
    "Model: \"model_1\"",
    "__________________________________________________________________________________________________",
    " Layer (type)                Output Shape                 Param #   Connected to                  ",
    "==================================================================================================",
    " input_2 (InputLayer)        [(None, 4)]                  0         []                            ",
    "                                                                                                  ",
    " model (Functional)          (None, 3)                    15        ['input_2[0][0]']             ",
    "                                                                                                  ",
    " dense_1 (Dense)             (None, 2)                    8         ['model[0][0]']               ",
    "                                                                                                  ",
    " dense_2 (Dense)             (None, 2)                    8         ['model[0][0]']               ",
    "                                                                                                  ",
    " add (Add)                   (None, 2)                    0         ['dense_1[0][0]',             ",
    "                                                                     'dense_2[0][0]']             ",
    "                                                                                                  ",
    "==================================================================================================",
    "Total params: 31 (124.00 Byte)",
    "Trainable params: 31 (124.00 Byte)",
    "Non-trainable params: 0 (0.00 Byte)",
    "__________________________________________________________________________________________________",
  ]

  /// A functional model calling a built Sequential model (dense_3, dense_4) and branching (`Model: "model_2"`).
  static let nestedSequential: [String] = [
    "Model: \"model_2\"",
    "__________________________________________________________________________________________________",
    " Layer (type)                Output Shape                 Param #   Connected to                  ",
    "==================================================================================================",
    " input_3 (InputLayer)        [(None, 4)]                  0         []                            ",
    "                                                                                                  ",
    " sequential (Sequential)     (None, 2)                    23        ['input_3[0][0]']             ",
    "                                                                                                  ",
    " dense_5 (Dense)             (None, 1)                    3         ['sequential[0][0]']          ",
    "                                                                                                  ",
    " dense_6 (Dense)             (None, 1)                    3         ['sequential[0][0]']          ",
    "                                                                                                  ",
    " concatenate (Concatenate)   (None, 2)                    0         ['dense_5[0][0]',             ",
    "                                                                     'dense_6[0][0]']             ",
    "                                                                                                  ",
    "==================================================================================================",
    "Total params: 29 (116.00 Byte)",
    "Trainable params: 29 (116.00 Byte)",
    "Non-trainable params: 0 (0.00 Byte)",
    "__________________________________________________________________________________________________",
  ]

}

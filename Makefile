# The README's two commands: `make run` and `make test`. Both install what
# is missing first (scripts/install-deps.sh is idempotent).

SWIFT ?= swift
CONFIG ?= release

.PHONY: deps run test build bench clean

deps:
	./scripts/install-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG)

# The main job: the Fashion-MNIST classifier, 5 epochs with Keras's
# progress bar, evaluated; the model and its training curves go to models/.
run: deps
	mkdir -p models
	$(SWIFT) run -c $(CONFIG) tg train fashion-mlp --save models/fashion-mlp --plot models/fashion-mlp.svg

# The whole test suite, in release mode: numeric kernels run 10-100x slower
# in debug builds. Then the ISA-sensitive suites again with the kernels
# capped at AVX2 and at baseline (TENSORGRAPH_ISA), so that a machine with
# AVX-512 runs every path; each run ends with Swift Testing's summary line.
ISA_SUITES = ISAPathTests|SGEMMKernelTests|OptimizerFloat32KernelTests|InGraphTrainingTests
test: deps
	$(SWIFT) test -c $(CONFIG)
	TENSORGRAPH_ISA=avx2 $(SWIFT) test -c $(CONFIG) --skip-build --filter '$(ISA_SUITES)'
	TENSORGRAPH_ISA=baseline $(SWIFT) test -c $(CONFIG) --skip-build --filter '$(ISA_SUITES)'

bench: deps
	$(SWIFT) run -c release tg bench

clean:
	rm -rf .build

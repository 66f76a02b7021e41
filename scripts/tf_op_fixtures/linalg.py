"""TensorFlow's Einsum: matrix products, batches, broadcasting with an
ellipsis, sums, transposes, diagonals in the inputs and the output, outer
products, and the equations TensorFlow rejects."""
import numpy as np

from .common import Case, ramp, uniform


def cases():
    out = []

    def es(label, equation, *shapes, dtype=np.float64, grad=True, error=False, seed=80):
        inputs = [uniform(seed + i, s, dtype=dtype) if dtype != np.int32 else ramp(s, np.int32, start=-3)
                  for i, s in enumerate(shapes)]
        rtol = 1e-5 if dtype == np.float32 else None
        out.append(Case("Einsum", label, [inputs], attrs={"equation": equation},
                        grad=list(range(len(shapes))) if grad and dtype != np.int32 and not error else [],
                        rtol=rtol, atol=1e-5 if dtype == np.float32 else None, error=error))

    es("matmul", "ij,jk->ik", [2, 3], [3, 4])
    es("matmul float32", "ij,jk->ik", [5, 7], [7, 3], dtype=np.float32)
    es("matmul int32", "ij,jk->ik", [2, 3], [3, 4], dtype=np.int32)
    es("transposed operands", "ji,kj->ik", [3, 2], [4, 3])
    es("batched, output transposed", "bij,bjk->bki", [2, 2, 3], [2, 3, 4])
    es("attention scores", "bhqd,bhkd->bhqk", [2, 2, 3, 4], [2, 2, 5, 4])
    es("attention values", "bhqk,bhkd->bqhd", [2, 2, 3, 5], [2, 2, 5, 4])
    es("dense layer on a sequence", "btd,df->btf", [2, 3, 4], [4, 5])
    es("ellipsis batch", "...ij,...jk->...ik", [2, 3, 2, 3], [2, 3, 3, 4])
    es("ellipsis broadcast 1", "...ij,...jk->...ik", [5, 2, 3], [1, 3, 4])
    es("ellipsis broadcast rank", "...ij,jk->...ik", [5, 2, 3], [3, 4])
    es("ellipsis in the middle", "i...j,j...->...i", [2, 3, 4], [4, 3])
    es("outer product", "i,j->ij", [3], [4])
    es("dot product", "i,i->", [5], [5])
    es("hadamard and sum", "ij,ij->i", [3, 4], [3, 4])
    es("label summed in one operand only", "ij,jk->i", [2, 3], [3, 4])
    es("both sides summed", "ijl,jkm->ik", [2, 3, 2], [3, 4, 3])
    es("transpose", "ijk->kij", [2, 3, 4])
    es("sum", "ij->", [3, 4])
    es("row sums", "ij->i", [3, 4])
    es("diagonal", "ii->i", [3, 3])
    es("trace", "ii->", [4, 4])
    es("batched diagonal", "bii->bi", [2, 3, 3])
    es("diagonal of one operand in a product", "ii,ij->j", [3, 3], [3, 2])
    es("diagonal embedded in the output", "ij,jk->iik", [2, 3], [3, 4])
    es("digit label", "i1,jk->ik", [2, 3], [3, 4])
    es("no '->'", "ij,jk", [2, 3], [3, 4], error=True)
    es("three operands", "ij,jk,kl->il", [2, 3], [3, 4], [4, 5], error=True)
    es("mismatched label", "ij,kk->ik", [2, 3], [3, 4], error=True)
    es("rank differs from the subscripts", "ijk,jk->ik", [2, 3], [3, 4], error=True)
    es("broadcast dimension without an output ellipsis", "...ij,jk->ik", [5, 2, 3], [3, 4], error=True)
    es("bad broadcast", "...ij,...jk->...ik", [5, 2, 3], [2, 3, 4], error=True)
    return out

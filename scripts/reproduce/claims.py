"""The registry of claims: name -> what the paper says, its sweeps and its analysis."""
from dataclasses import dataclass
from typing import Callable

from . import caption_claim, consolidation_claim, drawing_claims, loop_claims, seqmnist_claim, switching_claim


@dataclass(frozen=True)
class Claim:
    title: str
    paper: str  # what the papers report, in one line
    sweeps: Callable
    analysis: Callable


CLAIMS = {
    "linedraw": Claim("Line drawing: cRNN against ccRNN (ALGORITHM.md s9.1)",
                      "ccRNN error falls faster and ends lower; the cRNN's drawing is more irregular",
                      drawing_claims.linedraw_sweeps, drawing_claims.linedraw_analysis),
    "seqmnist": Claim("Sequential MNIST: the feedback horizon (ALGORITHM.md s9.2, NC Fig. 3)",
                      "ccRNN beats cRNN at short T; the gap shrinks with T, not significant at the largest; "
                      "full BPTT is the bound",
                      seqmnist_claim.sweeps, seqmnist_claim.analysis),
    "caption": Claim("Caption generation: the feedback horizon (ALGORITHM.md s9.3, NC Fig. 8)",
                     "ccRNN lower validation bits/word at short T, vanishing at 40-45% horizons, largest for long "
                     "captions",
                     caption_claim.sweeps, caption_claim.analysis),
    "lesions": Claim("Cerebellar and inferior-olive lesions (ALGORITHM.md s9.4)",
                     "an early cerebellar lesion removes the advantage, a late one matters little; an inferior-olive "
                     "lesion is at least as harmful",
                     drawing_claims.lesions_sweeps, drawing_claims.lesions_analysis),
    "cerebellum-architecture": Claim("Granule expansion and mossy-fibre sparsity (ALGORITHM.md s9.5)",
                                     "4 mossy fibres per granule cell perform comparably to dense connectivity",
                                     drawing_claims.architecture_sweeps, drawing_claims.architecture_analysis),
    "alignment": Claim("Gradient alignment and population statistics over learning (ALGORITHM.md s8)",
                       "the cerebellum's predictions align with the true future gradient",
                       drawing_claims.alignment_sweeps, drawing_claims.alignment_analysis),
    "loop-drawing": Claim("The forward-model loop: line drawing with a fixed cortex (FORWARD_MODEL.md s8.1-2)",
                          "a fixed cortex learns through the loop and fails without it; ablating the cerebellum "
                          "collapses the drawing, the earlier the worse",
                          loop_claims.sweeps_of("loop-drawing"), loop_claims.analysis_of("loop-drawing")),
    "loop-evidence": Claim("The forward-model loop: evidence accumulation (FORWARD_MODEL.md s8.1-2, Fig. 5)",
                           "a fixed cortex accumulates evidence through the loop and not without it; complete "
                           "ablation destroys the learnt beliefs",
                           loop_claims.sweeps_of("loop-evidence"), loop_claims.analysis_of("loop-evidence")),
    "loop-digits": Claim("The forward-model loop: digit drawing with a fixed cortex (FORWARD_MODEL.md s8.4, Fig. 4)",
                         "a fixed cortex draws the digits through the loop, at about half the error without it",
                         loop_claims.sweeps_of("loop-digits"), loop_claims.analysis_of("loop-digits")),
    "loop-association": Claim("The forward-model loop: delayed association (FORWARD_MODEL.md s8.3, Fig. 6)",
                              "with the loop 100% correct, without it chance; ablation from step k hurts the more "
                              "the earlier",
                              loop_claims.sweeps_of("loop-association"), loop_claims.analysis_of("loop-association")),
    "loop-switching": Claim("The forward-model loop: task switching between cerebellar modules (FORWARD_MODEL.md s8.4, "
                            "Fig. 3)",
                            "a fresh cerebellar module learns a second task; switching back to the first module needs "
                            "no retraining",
                            switching_claim.sweeps, switching_claim.analysis),
    "loop-consolidation": Claim("The forward-model loop: consolidation into the cortex (FORWARD_MODEL.md s8.5, Fig. 8)",
                                "after sleep sessions the cerebellum-ablated model performs (least squares; the local "
                                "rule nearly as well)",
                                consolidation_claim.sweeps, consolidation_claim.analysis),
}

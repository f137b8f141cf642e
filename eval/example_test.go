package eval_test

import (
	"fmt"

	"github.com/contrast-ml/contrast/eval"
)

func ExampleKNNEvaluate() {
	// Two classes along the x and y axes; queries slightly off-axis.
	ref, _ := eval.NewMatrix(4, 2, []float32{1, 0, 2, 0.1, 0, 1, 0.1, 3})
	query, _ := eval.NewMatrix(2, 2, []float32{5, 1, 1, 4})
	res, err := eval.KNNEvaluate(query, []int{0, 1}, ref, []int{0, 0, 1, 1}, eval.KNNConfig{K: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Predictions, res.Accuracy)
	// Output: [0 1] 1
}

func ExampleRetrievalSelf() {
	x, _ := eval.NewMatrix(4, 1, []float32{1, 2, 10, 11})
	r, _ := eval.RetrievalSelf(x, []int{0, 0, 1, 1}, eval.RetrievalConfig{Similarity: eval.Euclidean, RecallK: []int{1}})
	fmt.Printf("P@1 %.2f  R-precision %.2f  MAP@R %.2f  Recall@1 %.2f\n", r.PrecisionAt1, r.RPrecision, r.MAPAtR, r.RecallAtK[0])
	// Output: P@1 1.00  R-precision 1.00  MAP@R 1.00  Recall@1 1.00
}

func ExampleAMI() {
	truth := []int{0, 0, 1, 1}
	clusters := []int{0, 1, 0, 1}
	nmi, _ := eval.NMI(truth, clusters)
	ami, _ := eval.AMI(truth, clusters)
	fmt.Printf("NMI %.2f  AMI %.2f\n", nmi, ami)
	// Output: NMI 0.00  AMI -0.50
}

func ExampleROCAUC() {
	scores := []float64{0.1, 0.4, 0.35, 0.8}
	positive := []bool{false, false, true, true}
	auc, _ := eval.ROCAUC(scores, positive)
	ap, _ := eval.AveragePrecision(scores, positive)
	fmt.Printf("ROC-AUC %.2f  AP %.4f\n", auc, ap)
	// Output: ROC-AUC 0.75  AP 0.8333
}

func ExampleCalibratedVerify() {
	// Distances of validation pairs and whether each pair is a match.
	valDist := []float64{0.3, 0.1, 0.5, 0.4, 0.2}
	valSame := []bool{false, true, false, true, true}
	v, _ := eval.CalibratedVerify(valDist, valSame, []float64{0.44, 0.46, 0.1, 0.9}, []bool{true, true, false, false})
	fmt.Printf("threshold %.2f  accuracy %.2f  F1 %.2f\n", v.Threshold, v.Accuracy, v.F1)
	// Output: threshold 0.45  accuracy 0.50  F1 0.50
}

func ExampleSpearman() {
	rho, _ := eval.Spearman([]float64{1, 2, 3, 4}, []float64{1, 10, 100, 1000})
	fmt.Println(rho)
	// Output: 1
}

package threat_test

import (
	"fmt"

	"github.com/contrast-ml/contrast/threat"
)

// Two connection records given field by field become a table, the pipeline
// is fitted on it, and each record is encoded: 38 scaled numeric values, then
// the ids of protocol_type, service and flag.
func ExampleTableOf() {
	recs := []threat.Record{
		{Numeric: map[string]float64{"src_bytes": 215, "count": 1},
			Categorical: map[string]string{"protocol_type": "tcp", "service": "http", "flag": "SF"}},
		{Numeric: map[string]float64{"src_bytes": 0, "count": 120},
			Categorical: map[string]string{"protocol_type": "tcp", "service": "private", "flag": "S0"}},
	}
	tab, err := threat.TableOf(recs)
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := threat.FitPipeline(tab, nil, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	x, err := p.Encode(tab)
	if err != nil {
		fmt.Println(err)
		return
	}
	w := p.Width()
	fmt.Println("width", w, "vocab", p.Vocab())
	for r := range tab.Len() {
		row := x[r*w : (r+1)*w]
		fmt.Printf("src_bytes %+.0f, count %+.0f, ids %v\n", row[1], row[19], row[38:])
	}
	// Output:
	// width 41 vocab [2 3 3]
	// src_bytes +1, count -1, ids [0 0 1]
	// src_bytes -1, count +1, ids [0 1 0]
}

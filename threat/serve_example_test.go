package threat_test

import (
	"fmt"

	"github.com/contrast-ml/contrast/threat"
)

// A connection record as a client of POST /v1/score sends it: NSL-KDD's
// fields by name, the absent numeric ones 0. Wrong names, types and ranges
// are errors that name the field.
func ExampleDecodeRecord() {
	rec, err := threat.DecodeRecord([]byte(`{"protocol_type": "tcp", "service": "private", "flag": "S0",
		"count": 123, "serror_rate": 1}`))
	fmt.Println(rec.Categorical["flag"], rec.Numeric["count"], rec.Numeric["serror_rate"], rec.Numeric["src_bytes"], err)
	for _, bad := range []string{
		`{"protocol_type": "tcp", "service": "http", "flag": "SF", "src_byte": 10}`,
		`{"protocol_type": "tcp", "service": "http", "flag": "SF", "count": "12"}`,
		`{"protocol_type": "tcp", "service": "http", "flag": "SF", "same_srv_rate": 2}`,
		`{"protocol_type": "tcp", "service": "http"}`,
	} {
		_, err := threat.DecodeRecord([]byte(bad))
		fmt.Println(err)
	}
	// Output:
	// S0 123 1 0 <nil>
	// unknown field "src_byte": not one of NSL-KDD's 41 features
	// field "count": want a number, got a string
	// field "same_srv_rate": 2 is outside [0, 1]
	// missing field "flag"
}

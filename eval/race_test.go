//go:build race

package eval

// raceEnabled: the race detector inflates allocation counts.
const raceEnabled = true

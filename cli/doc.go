// Package cli implements the contrast command: one file per subcommand (train,
// eval, embed, index, serve, loadtest, bench, data, version), built with cobra. Run is the
// whole program; cmd/contrast only wires signals and the exit status.
//
// # Errors
//
// Bad usage (an unknown flag, a missing file, a config field that does not exist,
// a data spec that does not parse) is a UsageError: one line that names the
// problem and the accepted forms, and exit status 2. Other failures exit 1.
package cli
